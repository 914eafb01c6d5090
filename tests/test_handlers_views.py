"""Replies are valid Telegram HTML within the limits whatever the data: texts, listings, the status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.compose.tghtml import TEXT_LIMIT, check_telegram_html
from bot.editor import Status
from bot.i18n import Html, keys, lang_of, t
from bot.models import Delivery, DeliveryStatus, FeedHealth, FeedState, Section
from bot.queries import Headline
from bot.reader import Page
from bot.store.outbox import DestinationState
from handlers import views
from handlers.status_view import status_text

TZ = ZoneInfo("Asia/Amman")
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
NASTY = "<b>&amp; </i> <a href='x'>\u202e" + "كلمة " * 400


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_text_is_valid_html_with_hostile_parameters(lang: str) -> None:
    params = {
        "site": NASTY,
        "sections": Html("/world — العالم"),
        "bot": "akhbar_bot",
        "query": NASTY[:60],
        "max": 10,
        "section": "<رياضة>",
        "name": "&lt;",
        "count": 3,
        "command": "/push",
        "reason": "<script>",
        "title": NASTY[:120],
    }
    for key in keys():
        text = views.message(key, lang, **params)  # type: ignore[arg-type]
        check_telegram_html(text, caption=False)


def test_language() -> None:
    assert lang_of(None) == lang_of("") == lang_of("ar") == lang_of("ar-SA") == "ar"
    assert lang_of("en") == lang_of("fr") == "en"
    assert t("more", "en") == "More" and t("more") == "المزيد"


def stored(n: int, title: str, link: str, *, when: datetime, section: Section | None = None) -> Headline:
    return Headline(n, 1, title, link, when, section)


def test_a_full_listing_fits_and_every_button_is_valid() -> None:
    items = [
        stored(n, NASTY, f"https://news.example/ar/أخبار/{n}?q=<x>&y=1", when=NOW, section=Section(NASTY, "world"))
        for n in range(10)
    ]
    html, markup = views.listing(t("latest_title"), Page(items, 0, 10), tz=TZ, now=NOW, lang="ar", more="a1:l:10")
    plain = check_telegram_html(html, caption=False)
    assert len(plain) <= TEXT_LIMIT
    rows = markup.inline_keyboard
    assert len(rows) == 11 and rows[-1][0].callback_data == "a1:l:10"
    for row in rows[:-1]:
        assert row[0].url is not None and row[0].url.startswith("https://news.example/ar/%D8")
        assert len(row[0].text) <= 50


def test_links_that_are_not_web_urls_get_no_link_or_button() -> None:
    items = [stored(1, "خبر", "javascript:alert(1)", when=NOW), stored(2, "خبر", "guid:123", when=NOW)]
    html, markup = views.listing("x", Page(items, 0, None), tz=TZ, now=NOW, lang="ar", more="a1:l:2")
    assert "href" not in html and markup.inline_keyboard == ()


def test_times_in_the_site_time_zone() -> None:
    assert views.when(NOW - timedelta(hours=1), TZ, NOW, "ar") == "اليوم 11:30"
    assert views.when(NOW - timedelta(days=1), TZ, NOW, "ar") == "9 مارس 12:30"
    assert views.when(NOW - timedelta(days=400), TZ, NOW, "en") == "3 Feb 2025 12:30"
    assert views.when(datetime(2026, 3, 10, 22, 0), TZ, NOW, "en") == "11 Mar 01:00"  # naive = UTC (Amman is UTC+3)


def test_rtl_marks_only_where_a_line_would_start_left_to_right() -> None:
    out = views.rtl(["عنوان", "1. خبر", "<b>#وسم</b>", "/help", ""], "ar").split("\n")
    assert out == ["عنوان", "\u200f1. خبر", "\u200f<b>#وسم</b>", "\u200f/help", ""]
    assert views.rtl(["1. x"], "en") == "1. x"


def test_status_always_fits_one_message() -> None:
    feeds = [
        FeedState(
            url=f"https://news.example/{'x' * 300}/{n}.xml", health=FeedHealth.FAILING, failures=n, last_error=NASTY
        )
        for n in range(40)
    ]
    delivery = Delivery(1, 1, "channel:@" + "c" * 200, DeliveryStatus.DEAD, 8, NOW, last_error=NASTY)
    status = Status(
        paused=True,
        feeds=feeds,
        counts={"pending": 10, "dead": 5, "sent": 100000},
        last_sent=[(delivery, NASTY)] * 5,
        dead=[(delivery, NASTY)] * 5,
        stopped=[DestinationState("channel:@x", True, NASTY, None)] * 8,
        subscribers=12,
        articles=10000,
    )
    for lang in ("ar", "en"):
        html = status_text(status, [f.url for f in feeds], tz=TZ, now=NOW, lang=lang)  # type: ignore[arg-type]
        assert len(check_telegram_html(html, caption=False)) <= TEXT_LIMIT
    assert "… و30 أخرى" in status_text(status, [], tz=TZ, now=NOW, lang="ar")
