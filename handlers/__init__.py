"""Telegram handlers: readers (:mod:`handlers.readers`), editors (:mod:`handlers.editors`) and inline
mode (:mod:`handlers.inline`), each with one ``register(app)``.

``akhbar run`` builds the application with :func:`build_application` and, once it is started, calls
:func:`setup` (the command menus; it is also PTB's ``post_init`` for ``run_polling``)::

    app = build_application(services, bot, webhook=bool(settings.telegram.webhook_url))
    async with app:
        await app.start()
        await setup(app)
"""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.compose.fit import clean_text
from bot.editor import Editor
from bot.i18n import lang_of, t
from bot.metrics import Metrics
from bot.reader import Reader
from bot.services import Services
from handlers import editors, inline, readers, views
from handlers.common import Parts, answer, parts, reply

log = logging.getLogger(__name__)

_SLUG = re.compile(r"[a-z0-9_]{1,32}")
READER_COMMANDS = (
    ("latest", "آخر الأخبار", "Latest news"),
    ("search", "البحث في الأخبار", "Search the news"),
    ("subscribe", "الاشتراك في قسم", "Subscribe to a section"),
    ("unsubscribe", "إلغاء اشتراك", "Unsubscribe"),
    ("subscriptions", "اشتراكاتي", "My subscriptions"),
    ("help", "المساعدة والأقسام", "Help and sections"),
    ("start", "البداية", "Start"),
)
EDITOR_COMMANDS = (
    ("push", "نشر خبر برابطه الآن", "Publish an article by URL now"),
    ("preview", "معاينة خبر قبل نشره", "Preview an article before publishing"),
    ("breaking", "خبر عاجل للقنوات والمشتركين", "Breaking alert to channels and subscribers"),
    ("pause", "إيقاف النشر التلقائي", "Pause automatic posting"),
    ("resume", "استئناف النشر التلقائي", "Resume automatic posting"),
    ("status", "حالة المصادر والنشر", "Sources and delivery status"),
)


def register_all(app: Application) -> None:  # type: ignore[type-arg]
    """Editors first (their commands must never be taken for section names), then readers, then inline."""
    editors.register(app)
    readers.register(app)
    inline.register(app)
    app.add_error_handler(on_error)


def build_application(services: Services, bot: Bot, *, webhook: bool) -> Application:  # type: ignore[type-arg]
    """The PTB application over ``bot``: concurrent updates, every handler, the services in ``bot_data``.
    In webhook mode there is no updater (:mod:`bot.webhook` feeds ``update_queue``)."""
    builder = Application.builder().bot(bot).concurrent_updates(True).job_queue(None).post_init(setup)
    if webhook:
        builder = builder.updater(None)
    app = builder.build()
    store, settings = services.store, services.settings
    app.bot_data["parts"] = Parts(services, Reader(store, settings.sources.sections), Editor(services), Metrics())
    app.bot_data["services"] = services
    app.bot_data["metrics"] = app.bot_data["parts"].metrics
    register_all(app)
    return app


def _commands(sections: list[Any], *, editor: bool, arabic: bool) -> list[BotCommand]:
    rows = READER_COMMANDS + (EDITOR_COMMANDS if editor else ())
    out = [BotCommand(name, ar if arabic else en) for name, ar, en in rows]
    taken = {c.command for c in out} | {name for name, _, _ in EDITOR_COMMANDS}
    for section in sections:
        if _SLUG.fullmatch(section.slug) and section.slug not in taken and len(out) < 100:
            name = clean_text(section.name)[:200] or section.slug
            out.append(BotCommand(section.slug, f"أخبار {name}" if arabic else f"News: {section.slug}"))
            taken.add(section.slug)
    return out


async def setup(app: Application) -> None:  # type: ignore[type-arg]
    """Command menus: Arabic descriptions for ``ar`` users, English by default, editor commands in each
    editor's own chat; and the search index starts building."""
    found = parts(app)
    found.reader.start()
    found.services.closers.append(found.reader.close)
    sections = await found.reader.sections()
    try:
        await app.bot.set_my_commands(_commands(sections, editor=False, arabic=True), language_code="ar")
        await app.bot.set_my_commands(_commands(sections, editor=False, arabic=False))
    except TelegramError as exc:  # the menus are a convenience: the bot runs without them
        log.warning("command menus not set: %s", exc.message)
        return
    for editor_id in sorted(found.services.settings.telegram.editors):
        scope = BotCommandScopeChat(editor_id)
        try:
            await app.bot.set_my_commands(
                _commands(sections, editor=True, arabic=True), scope=scope, language_code="ar"
            )
            await app.bot.set_my_commands(_commands(sections, editor=True, arabic=False), scope=scope)
        except (BadRequest, Forbidden) as exc:  # the editor never opened a chat with the bot
            log.info("editor commands not set for %s: %s", editor_id, exc.message)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One log line per failed update (never the token), a count in /metrics, and a short apology."""
    found = parts(context)
    found.metrics.errors += 1
    error = context.error
    token = context.bot.token
    detail = str(error).replace(token, "***")[:300] if error else ""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %s: %s", update_id, type(error).__name__, detail)
    if not isinstance(update, Update):
        return
    language = lang_of(update.effective_user.language_code if update.effective_user else None)
    try:
        if update.callback_query is not None:
            await answer(update, context, t("error", language))
        elif update.message is not None and update.effective_chat and update.effective_chat.type == "private":
            await reply(update, context, views.message("error", language))
    except TelegramError as exc:
        log.info("could not tell the reader about the error: %s", exc.message)
