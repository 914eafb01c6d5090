"""Telegram posts: the seed golden (caption, keyboard), limits, escaping, RTL, breaking and correction.

Goldens live in tests/data/compose/golden/; run with UPDATE_GOLDENS=1 to rewrite them after a deliberate
change, and review the diff.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.compose import ComposeContext, compose_breaking, compose_correction, compose_telegram
from bot.compose.fit import FSI, PDI, RLM, starts_rtl
from bot.compose.tghtml import parse_telegram_html
from bot.exceptions import ComposeError
from bot.models import Article, Section

DATA = Path(__file__).parent / "data/compose"
GOLDEN = DATA / "golden"
CTX = ComposeContext(tz=ZoneInfo("Asia/Amman"), utm_campaign="akhbar")


def seed_article() -> Article:
    raw = json.loads((DATA / "seed/seed_article.json").read_text(encoding="utf-8"))
    return Article(
        url=raw["url"],
        link=raw["link"],
        title=raw["title"],
        paragraphs=tuple(raw["paragraphs"]),
        published=datetime.fromisoformat(raw["published"]),
        section=Section(**raw["section"]),
    )


def golden(name: str, actual: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDENS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_seed_caption_golden() -> None:
    post = compose_telegram(seed_article(), CTX, photo=b"jpeg")
    assert post.html == golden("seed_telegram.html", post.html)
    assert post.plain == parse_telegram_html(post.html) and len(post.plain) <= 1024
    assert post.photo == b"jpeg" and post.photo_key and len(post.photo_key) == 32


def test_seed_caption_parts() -> None:
    html = compose_telegram(seed_article(), CTX, photo=b"jpeg").html
    lines = html.split("\n")
    assert lines[0] == "<b>الناتو يبحث تعزيز الدعم العسكري لأوكرانيا وتطوير القدرات الدفاعية خلال اجتماع بروكسل</b>"
    assert lines[2].startswith("توقّع الأمين العام لحلف شمال الأطلسي (الناتو)")
    assert f"{RLM}🕒 الأربعاء {FSI}15{PDI} أكتوبر {FSI}2025{PDI} - {FSI}15:59{PDI}" in lines
    assert lines[-1] == f"{RLM}#العالم #أوكرانيا #الناتو"
    link = next(line for line in lines if "<a href" in line)
    href = link.split('"')[1].replace("&amp;", "&")
    assert parse_qs(urlsplit(href).query) == {
        "utm_source": ["telegram"], "utm_medium": ["social"], "utm_campaign": ["akhbar"]
    }  # fmt: skip
    assert href.isascii() and ">أخبار هنا العالم</a>" in link


def test_seed_keyboard_golden() -> None:
    post = compose_telegram(seed_article(), CTX, photo=b"jpeg")
    rows = [[{"text": b.text, "url": b.url} for b in row] for row in post.buttons]
    dumped = json.dumps(rows, ensure_ascii=False, indent=1)
    assert dumped == golden("seed_keyboard.json", dumped)
    assert [b.text for b in post.buttons[0]] == ["اقرأ المزيد"]
    assert [b.text for b in post.buttons[1]] == ["تيليجرام", "إكس", "فيسبوك", "واتساب"]
    assert all(b.url.startswith("https://") and b.url.isascii() for row in post.buttons for b in row)


def test_caption_time_is_in_the_site_time_zone() -> None:
    article = replace(seed_article(), published=datetime.fromisoformat("2025-10-15T21:30:00+00:00"))
    plain = compose_telegram(article, CTX, photo=b"x").plain
    assert f"الخميس {FSI}16{PDI} أكتوبر {FSI}2025{PDI} - {FSI}00:30{PDI}" in plain


def test_text_message_may_be_longer_than_a_caption() -> None:
    article = replace(seed_article(), paragraphs=seed_article().paragraphs * 20)
    long_ctx = replace(CTX, summary_chars=4000)
    assert len(compose_telegram(article, long_ctx, photo=b"x").plain) <= 1024
    text = compose_telegram(article, long_ctx)
    assert 1024 < len(text.plain) <= 4096 and text.photo is None and text.photo_key is None


def test_markup_in_the_article_is_escaped() -> None:
    article = Article(
        url="https://a.com/1",
        title='<b>عنوان</b> & "اقتباس" </i>',
        paragraphs=("نص فيه <script>alert(1)</script> و &amp; و <a href='x'>رابط</a> هنا للتجربة فقط.",),
    )
    post = compose_telegram(article, CTX, photo=b"x")
    assert "<script>" not in post.html and "<a href='x'>" not in post.html
    shown = post.plain.replace(FSI, "").replace(PDI, "").split("\n")
    assert shown[0] == f'{RLM}<b>عنوان</b> & "اقتباس" </i>'  # shown as text, not markup
    assert shown[2] == article.paragraphs[0]


def test_latin_headline_starts_with_rlm_and_runs_are_isolated() -> None:
    article = Article(url="https://a.com/1", title="iPhone 17 Pro يصل إلى الأسواق", paragraphs=("نص قصير هنا جدا.",))
    html = compose_telegram(article, CTX).html
    assert html.startswith(f"{RLM}<b>{FSI}iPhone 17 Pro{PDI} يصل إلى الأسواق</b>")
    assert all(starts_rtl(line) for line in compose_telegram(article, CTX).plain.split("\n"))


def test_custom_template_and_empty_lines_dropped() -> None:
    ctx = replace(CTX, telegram_template="🔴 <b>{headline}</b>\\n{summary}\\n📅 {date}\\n{hashtags}")
    article = Article(
        url="https://a.com/1",
        title="خبر بلا تاريخ",
        paragraphs=("جملة واحدة فقط هنا.",),
        section=Section("محليات", "local"),
    )
    html = compose_telegram(article, ctx).html
    assert html.split("\n") == [f"{RLM}🔴 <b>خبر بلا تاريخ</b>", "جملة واحدة فقط هنا.", f"{RLM}#محليات"]


def test_breaking() -> None:
    post = compose_breaking("انفجار في المرفأ & إصابات\nالتفاصيل لاحقًا", CTX)
    assert post.html == f"{RLM}🔴 <b>عاجل | انفجار في المرفأ &amp; إصابات</b>\nالتفاصيل لاحقًا"
    assert post.plain == f"{RLM}🔴 عاجل | انفجار في المرفأ & إصابات\nالتفاصيل لاحقًا" and not post.buttons
    huge = compose_breaking("كلمة " * 3000, CTX)
    assert len(huge.plain) <= 4096
    with pytest.raises(ComposeError):
        compose_breaking("  \n ", CTX)


def test_correction() -> None:
    post = compose_correction(seed_article(), CTX)
    assert post.html.startswith(f"{RLM}⚠️ <b>تنويه</b>\nسحب أخبار هنا العالم هذا الخبر")
    assert "«الناتو يبحث" in post.plain and len(post.plain) <= 1024
