"""Compose: pure functions that turn an :class:`~bot.models.Article` into posts.  No I/O, no clock.

    ctx = ComposeContext.from_settings(settings)
    validate_templates(ctx)                       # at start-up: ComposeError for a bad template
    photo = prepare_image(downloaded) or render_card(article.title, ctx.site_name, section_name)
    posts = compose_posts(article, ctx, photo=photo)   # posts.telegram, posts.x

Modules: arabic (normalise, stop words, stems, datelines), sentences (splitter), summary, hashtags,
links (encoding, UTM, share URLs), tghtml (Telegram HTML validator), templates, telegram, xpost, xcount
(X weighted length), fit (word-safe cutting, RTL rules), image (article image, branded card).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.compose.context import ComposeContext, arabic_date, headline_of
from bot.compose.fit import clean_text
from bot.compose.hashtags import hashtags
from bot.compose.image import prepare_image, render_card
from bot.compose.summary import summarize
from bot.compose.telegram import compose_breaking, compose_correction, compose_telegram
from bot.compose.templates import validate_templates
from bot.compose.tghtml import parse_telegram_html
from bot.compose.xcount import x_weight
from bot.compose.xpost import compose_breaking_x, compose_x
from bot.models import Article, TelegramPost, XPost


@dataclass(frozen=True, slots=True)
class Posts:
    telegram: TelegramPost
    x: XPost


def compose_posts(article: Article, ctx: ComposeContext, *, photo: bytes | None = None) -> Posts:
    """Both posts for ``article`` (the article's analysis for hashtags is done once)."""
    title = headline_of(article, ctx.site_name)
    paragraphs = [clean_text(p) for p in article.paragraphs] or [clean_text(article.description or "")]
    section = clean_text(article.section.name) if article.section else None
    tags = hashtags(section or None, title, paragraphs)
    return Posts(
        telegram=compose_telegram(article, ctx, photo=photo, tags=tags),
        x=compose_x(article, ctx, photo=photo, tags=tags),
    )


__all__ = [
    "ComposeContext",
    "Posts",
    "arabic_date",
    "compose_breaking",
    "compose_breaking_x",
    "compose_correction",
    "compose_posts",
    "compose_telegram",
    "compose_x",
    "hashtags",
    "parse_telegram_html",
    "prepare_image",
    "render_card",
    "summarize",
    "validate_templates",
    "x_weight",
]
