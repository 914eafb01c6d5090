"""Inline mode: «@bot words» in any chat lists matching articles (the newest when no words) to share.

Each result is an InlineQueryResultArticle whose message is the composed post (the same HTML and
buttons as the channel's, as a text message) with the article's image as thumbnail.  At most
:data:`PAGE` results per answer, the next page through ``next_offset``; composed posts are kept in a
small LRU so scrolling and repeated queries do not compose again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, InlineQueryHandler

from bot.compose import compose_telegram
from bot.compose.fit import clean_text, truncate_words
from bot.exceptions import ComposeError
from bot.models import TelegramPost
from bot.reader import MAX_OFFSET
from bot.store import StoredArticle
from handlers import views
from handlers.common import Context, lang, metrics, parts, reader, services

log = logging.getLogger(__name__)

PAGE = 20
CACHE = 512
MAX_QUERY = 256


def _post(context: Context, stored: StoredArticle) -> TelegramPost | None:
    cache = parts(context).inline_posts
    key = (stored.id, stored.version)
    post = cache.get(key)
    if post is None:
        try:
            post = compose_telegram(stored.article, services(context).posts.context)
        except ComposeError as exc:
            log.info("article %d cannot be shared inline: %s", stored.id, exc)
            return None
        cache[key] = post
        while len(cache) > CACHE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return post


def _result(context: Context, stored: StoredArticle, update: Update) -> InlineQueryResultArticle | None:
    post = _post(context, stored)
    if post is None:
        return None
    article = stored.article
    tz = services(context).settings.sources.tz
    details = [views.when(article.published or stored.seen_at, tz, datetime.now(UTC), lang(update))]
    if article.section:
        details.append(clean_text(article.section.name))
    thumbnail = views.web_url(article.image) if article.image else None
    return InlineQueryResultArticle(
        id=f"a{stored.id}v{stored.version}",
        title=truncate_words(clean_text(article.title), 120) or "…",
        description=" · ".join(details),
        input_message_content=InputTextMessageContent(
            post.html, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(prefer_large_media=True)
        ),
        reply_markup=views.post_keyboard(post.buttons),
        thumbnail_url=thumbnail,
    )


async def inline(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    words = query.query.strip()[:MAX_QUERY]
    offset = int(query.offset) if query.offset.isascii() and query.offset.isdecimal() and len(query.offset) < 4 else 0
    offset = min(offset, MAX_OFFSET)
    if words:
        page = await reader(context).search(words, PAGE, offset)
    else:
        page = await reader(context).latest(PAGE, offset)
    full = await reader(context).articles([h.id for h in page.items]) if page else []
    results = [r for s in full if (r := _result(context, s, update)) is not None]
    next_offset = str(page.next_offset) if page and page.next_offset is not None else ""
    metrics(context).ready(update.update_id)
    try:
        await query.answer(results, cache_time=30, is_personal=False, next_offset=next_offset)
    except BadRequest as exc:  # "query is too old": the reader typed on
        log.info("inline answer skipped: %s", exc.message)
        return
    metrics(context).replied(update.update_id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(InlineQueryHandler(inline))
