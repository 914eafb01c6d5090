"""Editor commands, in private chats, for EDITOR_IDS only: /push URL, /preview URL (with «نشر» and
«إلغاء» buttons), /breaking TEXT, /pause, /resume, /status.  Anyone else gets a short refusal and the
attempt is logged with the user id."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.exceptions import BlockedURL, ComposeError, SourceError
from bot.i18n import t
from handlers import callbacks, views
from handlers.common import PRIVATE, Context, answer, argument, editor, lang, metrics, reply, services
from handlers.status_view import status_text

log = logging.getLogger(__name__)

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
COMMANDS = ("push", "preview", "breaking", "pause", "resume", "status")
MAX_BREAKING = 3000


def is_editor(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in services(context).settings.telegram.editors


def editors_only(name: str, handler: Handler) -> Handler:
    async def guarded(update: Update, context: Context) -> None:
        if is_editor(update, context):
            await handler(update, context)
            return
        user = update.effective_user
        log.warning("editor action %s refused for user %s", name, user.id if user else "?")
        if update.callback_query is not None:
            await answer(update, context, t("not_editor", lang(update)))
        else:
            await reply(update, context, views.message("not_editor", lang(update)))

    return guarded


async def _failed(update: Update, context: Context, exc: Exception) -> None:
    key = "url_blocked" if isinstance(exc, BlockedURL) else "url_failed"
    reason = getattr(exc, "reason", None) or str(exc)
    await reply(update, context, views.message(key, lang(update), reason=reason[:200]))


async def push(update: Update, context: Context) -> None:
    url = argument(update, 2048)
    if not url:
        await reply(update, context, views.message("url_usage", lang(update), command="/push"))
        return
    try:
        pushed = await editor(context).push(url)
    except SourceError as exc:
        await _failed(update, context, exc)
        return
    key = "pushed" if pushed.queued else "push_nothing"
    await reply(update, context, views.message(key, lang(update), title=pushed.title[:120], count=pushed.queued))


async def preview(update: Update, context: Context) -> None:
    url, chat, language = argument(update, 2048), update.effective_chat, lang(update)
    if chat is None:
        return
    if not url:
        await reply(update, context, views.message("url_usage", language, command="/preview"))
        return
    try:
        shown = await editor(context).preview(url)
    except (SourceError, ComposeError) as exc:
        await _failed(update, context, exc)
        return
    actions = [
        InlineKeyboardButton("✅ " + t("publish", language), callback_data=callbacks.publish(shown.token)),
        InlineKeyboardButton("✖️ " + t("cancel", language), callback_data=callbacks.cancel(shown.token)),
    ]
    markup = views.post_keyboard(shown.post.buttons, actions)
    post = shown.post
    metrics(context).ready(update.update_id)
    if post.photo is not None:
        try:
            await context.bot.send_photo(
                chat.id, post.photo, caption=post.html, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except BadRequest as exc:  # the photo was refused: show the text, as the publisher would
            log.info("preview photo refused (%s); showing text", exc.message)
        else:
            metrics(context).replied(update.update_id)
            return
    await context.bot.send_message(chat.id, post.html, parse_mode=ParseMode.HTML, reply_markup=markup)
    metrics(context).replied(update.update_id)


def _without_actions(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup:
    rows = markup.inline_keyboard if markup else ()
    return InlineKeyboardMarkup([list(row) for row in rows if all(b.callback_data is None for b in row)])


async def preview_button(update: Update, context: Context) -> None:
    query, language = update.callback_query, lang(update)
    data = callbacks.decode(query.data if query else None)
    if query is None or data is None:
        await answer(update, context, t("old_button", language))
        return
    article = editor(context).take_preview(data.text)
    if article is None:
        await answer(update, context, t("preview_expired", language))
        return
    publishing = data.kind == callbacks.PUBLISH
    await answer(update, context, "" if publishing else t("preview_cancelled", language))
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is not None:  # the buttons go first, so a second press cannot come from them
        try:
            await query.edit_message_reply_markup(_without_actions(markup))
        except BadRequest as exc:
            log.info("preview buttons not removed: %s", exc.message)
    if publishing:
        pushed = await editor(context).publish(article)
        key = "pushed" if pushed.queued else "push_nothing"
        await reply(update, context, views.message(key, language, title=pushed.title[:120], count=pushed.queued))


async def breaking(update: Update, context: Context) -> None:
    body = argument(update, MAX_BREAKING)
    if not body:
        await reply(update, context, views.message("breaking_usage", lang(update)))
        return
    try:
        count = await editor(context).breaking(body)
    except ComposeError:
        await reply(update, context, views.message("breaking_usage", lang(update)))
        return
    await reply(update, context, views.message("breaking_queued", lang(update), count=count))


async def pause(update: Update, context: Context) -> None:
    changed = await editor(context).set_paused(True)
    await reply(update, context, views.message("paused" if changed else "already_paused", lang(update)))


async def resume(update: Update, context: Context) -> None:
    changed = await editor(context).set_paused(False)
    await reply(update, context, views.message("resumed" if changed else "already_running", lang(update)))


async def status(update: Update, context: Context) -> None:
    report = await editor(context).status()
    settings = services(context).settings
    body = status_text(
        report, settings.sources.feed_urls, tz=settings.sources.tz, now=datetime.now(UTC), lang=lang(update)
    )
    await reply(update, context, body)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Editor handlers: registered before the readers' so their commands are never taken for sections."""
    handlers: dict[str, Handler] = {
        "push": push,
        "preview": preview,
        "breaking": breaking,
        "pause": pause,
        "resume": resume,
        "status": status,
    }
    for name, handler in handlers.items():
        app.add_handler(CommandHandler(name, editors_only(name, handler), filters=PRIVATE))
    for kind in (callbacks.PUBLISH, callbacks.CANCEL):
        app.add_handler(
            CallbackQueryHandler(editors_only("preview-button", preview_button), pattern=callbacks.pattern(kind))
        )
