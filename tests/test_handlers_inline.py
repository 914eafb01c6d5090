"""Inline mode: «@bot words» answers with shareable articles (composed post, buttons, thumbnail)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.telegram import parse_html
from tests.test_handlers_rig import Rig, running, until


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with running(tmp_path) as r:
        yield r


async def ask(rig: Rig, query: str, offset: str = "", language_code: str | None = "ar") -> dict[str, Any]:
    update = rig.fake.inline_query(query, offset=offset, language_code=language_code)
    query_id = update["inline_query"]["id"]
    await until(lambda: query_id in rig.fake.inline_answers)
    return rig.fake.inline_answers[query_id]


async def test_words_find_articles_to_share(rig: Rig) -> None:
    await rig.add(1, "ارتفاع أسعار النفط", image="https://news.example/images/oil.jpg", body="قفزت الأسعار اليوم.")
    await rig.add(2, "النفط يهبط مع تراجع الطلب")
    await rig.add(3, "مباراة القمة")
    answer = await ask(rig, "نفط")
    results = answer["results"]
    assert [r["title"] for r in results] == ["النفط يهبط مع تراجع الطلب", "ارتفاع أسعار النفط"]
    assert {r["type"] for r in results} == {"article"}
    assert len({r["id"] for r in results}) == 2
    oil = results[1]
    assert oil["thumbnail_url"] == "https://news.example/images/oil.jpg"
    assert "thumbnail_url" not in results[0]
    text, _ = parse_html(oil["input_message_content"]["message_text"])
    assert "ارتفاع أسعار النفط" in text and oil["input_message_content"]["parse_mode"] == "HTML"
    buttons = [b for row in oil["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[0]["text"] == "اقرأ المزيد" and buttons[0]["url"].startswith("https://news.example/news/1/")
    assert "15 أكتوبر" in oil["description"] and "العالم" in oil["description"]
    assert answer.get("next_offset", "") == ""
    rig.no_errors()


async def test_empty_query_gives_the_newest_with_pages(rig: Rig) -> None:
    for n in range(1, 26):
        await rig.add(n, f"خبر رقم {n}")
    first = await ask(rig, "")
    assert len(first["results"]) == 20 and first["next_offset"] == "20"
    assert first["results"][0]["title"] == "خبر رقم 25"
    second = await ask(rig, "", offset="20")
    assert [r["title"] for r in second["results"]] == [f"خبر رقم {n}" for n in range(5, 0, -1)]
    assert second.get("next_offset", "") == ""
    junk = await ask(rig, "", offset="abc")
    assert junk["results"][0]["title"] == "خبر رقم 25"
    rig.no_errors()


async def test_queries_that_match_nothing_or_are_junk(rig: Rig) -> None:
    await rig.add(1, "خبر")
    assert (await ask(rig, "زلزال"))["results"] == []
    assert (await ask(rig, "؟؟؟ !!!"))["results"] == []
    assert (await ask(rig, "<b>" * 80))["results"] == []
    rig.no_errors()
