"""ComposeContext from the settings, the Arabic date line and the headline fallback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.compose import ComposeContext
from bot.compose.context import arabic_date, headline_of
from bot.config import load_settings
from bot.exceptions import ComposeError
from bot.models import Article


def test_from_settings(tmp_path: Path) -> None:
    font = tmp_path / "font.ttf"
    font.write_bytes(b"not checked here")
    settings = load_settings(
        env_file=None,
        SITE_NAME="موقع الاختبار",
        SITE_TIMEZONE="Africa/Cairo",
        UTM_CAMPAIGN="autumn",
        TELEGRAM_TEMPLATE="<b>{headline}</b>",
        X_TEMPLATE="{headline} {url}",
        X_INCLUDE_LINK="false",
        CARD_FONT=str(font),
    )
    ctx = ComposeContext.from_settings(settings)
    assert ctx.site_name == "موقع الاختبار" and ctx.tz == ZoneInfo("Africa/Cairo")
    assert ctx.utm_campaign == "autumn" and ctx.x_include_link is False
    assert ctx.telegram_template == "<b>{headline}</b>" and ctx.x_template == "{headline} {url}"
    assert ctx.card_font == str(font)
    assert ComposeContext.from_settings(load_settings(env_file=None)).card_font is None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 10, 15, 12, 59, tzinfo=UTC), "الأربعاء 15 أكتوبر 2025 - 15:59"),
        (datetime(2025, 12, 31, 22, 5, tzinfo=UTC), "الخميس 1 يناير 2026 - 01:05"),
        (datetime(2025, 2, 2, 9, 0), "الأحد 2 فبراير 2025 - 12:00"),  # naive = UTC
    ],
)
def test_arabic_date_in_the_site_time_zone(moment: datetime, expected: str) -> None:
    assert arabic_date(moment, ZoneInfo("Asia/Amman")) == expected


def test_headline_falls_back_to_description_then_body() -> None:
    site = "أخبار هنا العالم"
    assert headline_of(Article(url="u", title="عنوان - أخبار هنا العالم"), site) == "عنوان"
    assert headline_of(Article(url="u", title=" ", description="وصف الخبر"), site) == "وصف الخبر"
    assert headline_of(Article(url="u", title="", paragraphs=("", "فقرة أولى.")), site) == "فقرة أولى."
    with pytest.raises(ComposeError, match="no title and no text"):
        headline_of(Article(url="u", title="\u200f\ufeff"), site)
