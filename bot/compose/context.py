"""What composing needs to know about the site and the destinations, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

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
        card_font: object = getattr(settings.app, "card_font", "")
        return cls(
            site_name=settings.sources.site_name,
            tz=settings.sources.tz,
            utm_campaign=settings.app.utm_campaign,
            telegram_template=settings.telegram.telegram_template,
            x_template=settings.x.x_template,
            x_include_link=settings.x.x_include_link,
            card_font=card_font if isinstance(card_font, str) and card_font else None,
        )


def arabic_date(moment: datetime, tz: tzinfo) -> str:
    """«الأربعاء 15 أكتوبر 2025 - 15:59» in the site's time zone (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year} - {local:%H:%M}"
