"""What composing needs to know about the site and the destinations, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from bot.compose.arabic import strip_site_name
from bot.compose.fit import clean_text, truncate_words
from bot.exceptions import ComposeError
from bot.models import Article

if TYPE_CHECKING:
    from bot.config import Settings

DEFAULT_SITE_NAME = "أخبار هنا العالم"
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ComposeContext:
    """Site identity and per-destination choices.  Templates empty = the built-in defaults."""

    site_name: str = DEFAULT_SITE_NAME
    tz: tzinfo = UTC
    utm_campaign: str = "akhbar"
    telegram_template: str = ""
    x_template: str = ""
    x_include_link: bool = True
    summary_chars: int = 450  # the summary in a Telegram post, before the platform limit applies
    card_font: str | None = None  # a TTF/OTF path for the image card; None = bundled font

    @classmethod
    def from_settings(cls, settings: Settings) -> ComposeContext:
        return cls(
            site_name=settings.sources.site_name,
            tz=settings.sources.tz,
            utm_campaign=settings.app.utm_campaign,
            telegram_template=settings.telegram.telegram_template,
            x_template=settings.x.x_template,
            x_include_link=settings.x.x_include_link,
            card_font=settings.app.card_font or None,
        )


def arabic_date(moment: datetime, tz: tzinfo) -> str:
    """«الأربعاء 15 أكتوبر 2025 - 15:59» in the site's time zone (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year} - {local:%H:%M}"


def headline_of(article: Article, site_name: str) -> str:
    """The article's headline, clean and without the site name; the description or the first paragraph
    when the title is empty.  ComposeError when the article has nothing to show at all."""
    title = strip_site_name(clean_text(article.title), site_name)
    if title:
        return title
    for fallback in (article.description or "", *article.paragraphs):
        text = clean_text(fallback)
        if text:
            return truncate_words(text, 120)
    raise ComposeError(f"{article.url}: the article has no title and no text")
