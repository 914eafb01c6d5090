"""Reader commands, in private chats: /start, /help, /latest, one command per section, /search (and plain
text), /subscribe, /unsubscribe, /subscriptions, and their buttons.  Commands in groups get a pointer to
the private chat; edited messages, channel posts and everything else in groups are ignored."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.compose.fit import clean_text, truncate_words
from bot.i18n import Html, Lang, t
from bot.models import Section
from bot.reader import MAX_PAGE, PAGE, Page
from handlers import callbacks, views
from handlers.common import PRIVATE, Context, answer, argument, lang, reader, reply, services

MAX_QUERY = 200
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def count_of(arg: str | None) -> int | None:
    """``/latest [n]``: None for junk (not a whole number from 1; ``arg`` None: too long), capped at
    :data:`MAX_PAGE`."""
    if arg is None:
        return None
    if not arg:
        return PAGE
    text = arg.translate(_DIGITS)
    if not text.isascii() or not text.isdecimal() or len(text) > 6 or int(text) < 1:
        return None
    return min(int(text), MAX_PAGE)


async def _listing(update: Update, context: Context, title: str, page: Page, more: str | None) -> None:
    language = lang(update)
    if not page.items:
        await reply(update, context, views.message("no_more" if page.offset else "no_articles", language))
        return
    settings = services(context).settings
    html, markup = views.listing(title, page, tz=settings.sources.tz, now=datetime.now(UTC), lang=language, more=more)
    await reply(update, context, html, markup)


async def _section_page(update: Update, context: Context, section: Section, limit: int, offset: int) -> None:
    page = await reader(context).latest(limit, offset, section.slug)
    title = t("section_title", lang(update), section=section.name)
    await _listing(update, context, title, page, callbacks.latest(page.next_offset or 0, section.slug))


async def start(update: Update, context: Context) -> None:
    payload = context.args[0] if context.args else ""
    section = await reader(context).find_section(payload) if payload else None
    if section is not None:
        await _section_page(update, context, section, PAGE, 0)
        return
    language = lang(update)
    sections = await reader(context).sections()
    site = services(context).settings.sources.site_name
    await reply(
        update, context, views.message("welcome", language, site=site), views.section_keyboard(sections, "latest")
    )


async def help_(update: Update, context: Context) -> None:
    sections = await reader(context).sections()
    listing = views.section_lines(sections) if sections else t("no_sections", lang(update))
    bot = context.bot.username or "bot"
    await reply(update, context, views.message("help", lang(update), sections=Html(listing), bot=bot))


async def latest(update: Update, context: Context) -> None:
    count = count_of(argument(update, 20))
    if count is None:
        await reply(update, context, views.message("latest_usage", lang(update), max=MAX_PAGE))
        return
    page = await reader(context).latest(count)
    await _listing(update, context, t("latest_title", lang(update)), page, callbacks.latest(page.next_offset or 0))


async def command(update: Update, context: Context) -> None:
    """Any other command: a section's slug (``/world [n]``), else «unknown command»."""
    message = update.effective_message
    word = (message.text or "").split(maxsplit=1)[0] if message else ""
    slug = word[1:].split("@", 1)[0].lower()
    section = await reader(context).find_section(slug) if slug.isascii() else None
    if section is None or section.slug != slug:
        await reply(update, context, views.message("unknown_command", lang(update)))
        return
    count = count_of(argument(update, 20))
    if count is None:
        await reply(update, context, views.message("latest_usage", lang(update), max=MAX_PAGE))
        return
    await _section_page(update, context, section, count, 0)


async def _search(update: Update, context: Context, query: str, offset: int) -> None:
    language = lang(update)
    page = await reader(context).search(query, PAGE, offset)
    if page is None:
        await reply(update, context, views.message("search_empty", language))
        return
    shown = truncate_words(clean_text(query), 60)
    if not page.items and not offset:
        await reply(update, context, views.message("no_results", language, query=shown))
        return
    title = t("search_title", language, query=shown)
    await _listing(update, context, title, page, callbacks.search(page.next_offset or 0, query))


async def search(update: Update, context: Context) -> None:
    query = argument(update, MAX_QUERY)
    if query is None:
        await reply(update, context, views.message("too_long", lang(update)))
    elif not query:
        await reply(update, context, views.message("search_usage", lang(update)))
    else:
        await _search(update, context, query, 0)


async def text(update: Update, context: Context) -> None:
    """Plain text in a private chat is a search; a very long one gets a short note."""
    message = update.effective_message
    query = (message.text or "").strip() if message else ""
    if len(query) > MAX_QUERY:
        await reply(update, context, views.message("too_long", lang(update)))
    elif query:
        await _search(update, context, query, 0)


async def not_text(update: Update, context: Context) -> None:
    await reply(update, context, views.message("not_text", lang(update)))


async def in_group(update: Update, context: Context) -> None:
    """A command in a group: point to the private chat (other group messages are ignored).  A command
    addressed to another bot (``/start@OtherBot``) is not ours to answer."""
    text = update.effective_message.text if update.effective_message else None
    command = (text or "").split(maxsplit=1)[0] if text else ""
    _, at, target = command.partition("@")
    if at and target.lower() != (context.bot.username or "").lower():
        return
    await reply(update, context, views.message("private_only", lang(update), bot=context.bot.username or "bot"))


async def _unknown_section(update: Update, context: Context, name: str) -> None:
    sections = await reader(context).sections()
    shown = truncate_words(clean_text(name), 40)
    body = views.message("unknown_section", lang(update), name=shown, sections=views.section_lines(sections))
    await reply(update, context, body)


async def _subscribe(update: Update, context: Context, section: Section) -> None:
    chat, language = update.effective_chat, lang(update)
    if chat is None:
        return
    user = update.effective_user
    new = await reader(context).subscribe(chat.id, section, user.language_code if user else None)
    await reply(
        update, context, views.message("subscribed" if new else "already_subscribed", language, section=section.name)
    )


async def _unsubscribe(update: Update, context: Context, section: Section) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    done = await reader(context).unsubscribe(chat.id, section)
    await reply(
        update, context, views.message("unsubscribed" if done else "not_subscribed", lang(update), section=section.name)
    )


async def subscribe(update: Update, context: Context) -> None:
    arg = argument(update, 64)
    if not arg:
        if arg is None:
            await _unknown_section(update, context, "…")
            return
        keyboard = views.section_keyboard(await reader(context).sections(), "subscribe")
        await reply(update, context, views.message("subscribe_choose", lang(update)), keyboard)
        return
    section = await reader(context).find_section(arg)
    if section is None:
        await _unknown_section(update, context, arg)
    else:
        await _subscribe(update, context, section)


async def unsubscribe(update: Update, context: Context) -> None:
    chat, language, arg = update.effective_chat, lang(update), argument(update, 64)
    if chat is None:
        return
    if arg and arg.casefold() in ("all", "الكل", "كل"):
        count = await reader(context).unsubscribe(chat.id, None)
        await reply(update, context, views.message("unsubscribed_all", language, count=count))
        return
    if not arg:
        mine = await reader(context).subscriptions(chat.id)
        if not mine:
            await reply(update, context, views.message("no_subscriptions", language))
        else:
            keyboard = views.section_keyboard(mine, "unsubscribe")
            await reply(update, context, views.message("unsubscribe_choose", language), keyboard)
        return
    section = await reader(context).find_section(arg)
    if section is None:
        await _unknown_section(update, context, arg)
    else:
        await _unsubscribe(update, context, section)


async def subscriptions(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    mine = await reader(context).subscriptions(chat.id)
    key = "subscriptions" if mine else "no_subscriptions"
    await reply(update, context, views.message(key, lang(update), sections=views.section_lines(mine)))


async def button(update: Update, context: Context) -> None:
    """Every reader button; data this version did not make gets a short «outdated button» answer."""
    query, chat = update.callback_query, update.effective_chat
    data = callbacks.decode(query.data if query else None)
    language: Lang = lang(update)
    if data is None or data.kind not in (
        callbacks.LATEST,
        callbacks.SEARCH,
        callbacks.SUBSCRIBE,
        callbacks.UNSUBSCRIBE,
    ):
        await answer(update, context, t("old_button", language))
        return
    if chat is None or chat.type != "private":
        await answer(update, context, t("private_only", language, bot=context.bot.username or "bot"))
        return
    await answer(update, context)
    if data.kind == callbacks.SEARCH:
        await _search(update, context, data.text, data.offset)
        return
    section = await reader(context).find_section(data.slug) if data.slug else None
    if data.kind == callbacks.LATEST and data.slug is None:
        page = await reader(context).latest(PAGE, data.offset)
        await _listing(update, context, t("latest_title", language), page, callbacks.latest(page.next_offset or 0))
    elif section is None:
        await reply(update, context, views.message("old_button", language))
    elif data.kind == callbacks.LATEST:
        await _section_page(update, context, section, PAGE, data.offset)
    elif data.kind == callbacks.SUBSCRIBE:
        await _subscribe(update, context, section)
    else:
        await _unsubscribe(update, context, section)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Reader handlers (group 0, after the editors' commands)."""
    app.add_handler(CommandHandler("start", start, filters=PRIVATE))
    app.add_handler(CommandHandler("help", help_, filters=PRIVATE))
    app.add_handler(CommandHandler("latest", latest, filters=PRIVATE))
    app.add_handler(CommandHandler("search", search, filters=PRIVATE))
    app.add_handler(CommandHandler("subscribe", subscribe, filters=PRIVATE))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe, filters=PRIVATE))
    app.add_handler(CommandHandler("subscriptions", subscriptions, filters=PRIVATE))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, command))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT, text))
    app.add_handler(MessageHandler(PRIVATE, not_text))
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.COMMAND, in_group))
    app.add_handler(CallbackQueryHandler(button))
