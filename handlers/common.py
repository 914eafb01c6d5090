"""What every handler module shares: typed access to the services, the reader's language, filters, and
the one reply helper (HTML, no link previews, metrics, and Telegram's flood answers handled).

Handlers reach the services through ``context.bot_data`` (filled by :func:`handlers.build_application`):
``services(context)``, ``reader(context)``, ``editor(context)``, ``metrics(context)``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import CallbackContext, ContextTypes, filters

from bot.editor import Editor
from bot.i18n import Lang, lang_of
from bot.metrics import Metrics
from bot.models import TelegramPost
from bot.publish.tgerrors import retry_seconds
from bot.reader import Reader
from bot.services import Services

log = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_FLOOD_WAIT = 10.0  # a reply waits out Telegram's flood control this long at most, then is dropped

# New messages in private chats only: edited messages, groups and channels are handled apart (or not).
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


@dataclass(frozen=True, slots=True)
class Parts:
    """Everything the handlers keep in ``bot_data``."""

    services: Services
    reader: Reader
    editor: Editor
    metrics: Metrics
    inline_posts: OrderedDict[tuple[int, int], TelegramPost] = field(default_factory=OrderedDict)


class HasBotData(Protocol):
    @property
    def bot_data(self) -> Any: ...


def parts(holder: HasBotData) -> Parts:
    """What :func:`handlers.build_application` put in ``bot_data`` (from a context or the application)."""
    found = holder.bot_data.get("parts")
    if not isinstance(found, Parts):
        raise RuntimeError("handlers need bot_data['parts']: build the application with handlers.build_application")
    return found


def services(context: Context | ContextTypes.DEFAULT_TYPE) -> Services:
    return parts(context).services


def reader(context: Context | ContextTypes.DEFAULT_TYPE) -> Reader:
    return parts(context).reader


def editor(context: Context | ContextTypes.DEFAULT_TYPE) -> Editor:
    return parts(context).editor


def metrics(context: Context | ContextTypes.DEFAULT_TYPE) -> Metrics:
    return parts(context).metrics


def lang(update: Update) -> Lang:
    user = update.effective_user
    return lang_of(user.language_code if user else None)


def argument(update: Update, limit: int = 512) -> str | None:
    """The text after the command (``/search غزة`` → «غزة»), or None when it is longer than ``limit``."""
    message = update.effective_message
    raw = (message.text or "") if message else ""
    pieces = raw.split(None, 1)
    rest = pieces[1].strip() if len(pieces) > 1 else ""
    return rest if len(rest) <= limit else None


async def reply(
    update: Update,
    context: Context | ContextTypes.DEFAULT_TYPE,
    html: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send ``html`` to the chat of ``update``.  Flood answers (429) are waited out, up to
    :data:`MAX_FLOOD_WAIT` seconds in all; a chat that blocked the bot is skipped.  Returns the message,
    or None when nothing was sent."""
    chat = update.effective_chat
    if chat is None:
        return None
    metrics(context).ready(update.update_id)
    waited = 0.0
    while True:
        try:
            sent = await context.bot.send_message(
                chat.id, html, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
            )
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            waited += wait
            if waited > MAX_FLOOD_WAIT:
                log.warning("reply to %s dropped: flood control asks for %.0f s more", chat.id, wait)
                return None
            await asyncio.sleep(wait)
        except Forbidden:
            return None
        else:
            metrics(context).replied(update.update_id)
            return sent


async def answer(update: Update, context: Context | ContextTypes.DEFAULT_TYPE, text: str = "") -> None:
    """Answer a callback query (≤ 200 characters); a query already too old is ignored."""
    query = update.callback_query
    if query is None:
        return
    metrics(context).ready(update.update_id)
    try:
        await query.answer(text[:200] or None)
    except BadRequest as exc:  # "query is too old": the reader pressed long ago, nothing to undo
        log.info("callback answer skipped: %s", exc.message)
        return
    metrics(context).replied(update.update_id)
