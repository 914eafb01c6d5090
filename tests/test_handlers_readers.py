"""Reader commands through the fake Bot API: what the bot sends back, its buttons, and no 400s."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.models import Section
from handlers import callbacks
from tests.fakes.telegram import Limits
from tests.test_handlers_rig import READER, SPORTS, Rig, plain, running


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with running(tmp_path) as r:
        yield r


NEWS = [
    (1, "ارتفاع أسعار النفط عالميًا", None),
    (2, "النفط يهبط مع تراجع الطلب", None),
    (3, "مباراة القمة تنتهي بالتعادل", SPORTS),
    (4, "قمة المناخ في دبي", None),
    (5, "انتخابات في تونس", None),
    (6, "تقرير عن الاقتصاد العالمي", None),
    (7, "افتتاح معرض الكتاب", Section("ثقافة", "culture")),
]


async def fill(rig: Rig, count: int = 7) -> None:
    for n, title, section in NEWS[:count]:
        if section is None:
            await rig.add(n, title)
        else:
            await rig.add(n, title, section)


def urls(message: object) -> list[str]:
    return [b["url"] for row in message.buttons for b in row if "url" in b]  # type: ignore[attr-defined]


def datas(message: object) -> list[str]:
    return [b["callback_data"] for row in message.buttons for b in row if "callback_data" in b]  # type: ignore[attr-defined]


async def test_start_welcomes_with_a_section_menu(rig: Rig) -> None:
    await fill(rig)
    reply = await rig.say("/start")
    assert "أخبار هنا العالم" in reply.text and "/help" in reply.text
    assert datas(reply)[:3] == [
        callbacks.latest(0, "world"),
        callbacks.latest(0, "sports"),
        callbacks.latest(0, "economy"),
    ]
    assert callbacks.latest(0, "culture") in datas(reply)  # a section known only from the store
    before = len(rig.fake.sent(READER))
    answer = await rig.press(callbacks.latest(0, "sports"), reply)
    assert answer.get("text") in (None, "")
    listing = (await rig.fake.wait_sent(before + 1, chat=READER))[-1]
    assert "آخر أخبار رياضة" in listing.text and "مباراة القمة تنتهي بالتعادل" in listing.text
    rig.no_errors()


async def test_deep_link_opens_a_section(rig: Rig) -> None:
    await fill(rig)
    reply = await rig.say("/start sports")
    assert "مباراة القمة" in reply.text and "النفط" not in reply.text
    assert "مرحبًا" in (await rig.say("/start no_such_section")).text
    rig.no_errors()


async def test_help_lists_commands_and_sections(rig: Rig) -> None:
    await fill(rig)
    text = plain((await rig.say("/help")).text)
    for command in ("/latest", "/search", "/subscribe", "/unsubscribe", "/subscriptions", "/world", "/culture"):
        assert command in text
    assert "@akhbar_test_bot" in text
    rig.no_errors()


async def test_latest_shows_headline_time_and_link_and_pages_with_more(rig: Rig) -> None:
    await fill(rig)
    first = await rig.say("/latest")
    text = plain(first.text)
    assert text.startswith("📰 آخر الأخبار")
    assert [t for _, t, _ in NEWS[::-1][:5] if t in text] == [t for _, t, _ in NEWS[::-1][:5]]
    assert re.search(r"🕒 15 أكتوبر( 2025)? 12:07 · ثقافة\n", text)  # 09:07 UTC in Asia/Amman
    assert urls(first) == [f"https://news.example/news/{n}/%D8%AE%D8%A8%D8%B1" for n in (7, 6, 5, 4, 3)]
    assert any(e["type"] == "text_link" for e in first.entities)
    more = datas(first)
    assert more == [callbacks.latest(5)]
    assert first.buttons[-1][0]["text"].startswith("المزيد")
    await rig.press(more[0], first)
    second = (await rig.fake.wait_sent(2, chat=READER))[-1]
    assert "تقرير" not in second.text and "ارتفاع أسعار النفط" in second.text
    assert datas(second) == []  # nothing after the last page
    rig.no_errors()


@pytest.mark.parametrize(("arg", "count"), [("3", 3), ("٣", 3), ("  2 ", 2), ("99", 7)])
async def test_latest_count(rig: Rig, arg: str, count: int) -> None:
    await fill(rig)
    reply = await rig.say(f"/latest {arg}")
    assert len(urls(reply)) == count
    rig.no_errors()


@pytest.mark.parametrize("arg", ["abc", "0", "-1", "1.5", "²", "10 20", "٣٣٣٣٣٣٣٣", "x" * 100])
async def test_latest_with_junk_says_how_to_use_it(rig: Rig, arg: str) -> None:
    reply = await rig.say(f"/latest {arg}")
    assert "/latest 5" in plain(reply.text) and reply.buttons == []
    rig.no_errors()


async def test_empty_store(rig: Rig) -> None:
    assert "لا توجد أخبار" in (await rig.say("/latest")).text
    assert "لا توجد أخبار" in (await rig.say("/world")).text
    rig.no_errors()


async def test_section_commands(rig: Rig) -> None:
    await fill(rig)
    sports = await rig.say("/sports")
    assert "آخر أخبار رياضة" in sports.text and len(urls(sports)) == 1
    culture = await rig.say("/culture")  # found in the store, not configured
    assert "معرض الكتاب" in culture.text
    assert len(urls(await rig.say("/world 2"))) == 2
    assert "/latest 5" in plain((await rig.say("/world lots")).text)
    for unknown in ("/nosuch", "/WORLDX", "/world_", "/أخبار"):
        assert "لا أعرف هذا الأمر" in (await rig.say(unknown)).text
    rig.no_errors()


async def test_search_command_and_plain_text(rig: Rig) -> None:
    await fill(rig)
    reply = await rig.say("/search النفط")
    text = plain(reply.text)
    assert "نتائج البحث عن «النفط»" in text
    assert text.index("النفط يهبط") < text.index("ارتفاع أسعار النفط")  # both in the headline: newer first
    plain_text = await rig.say("غـزّة تونس")  # words without a command are a search too
    assert "لم أجد" in plain_text.text or "تونس" in plain_text.text
    assert "انتخابات في تونس" in (await rig.say("تونس")).text
    assert "/search" in (await rig.say("/search")).text
    assert "طويلة" in (await rig.say("/search " + "كلمة " * 100)).text
    assert "طويلة" in (await rig.say("ن" * 4000)).text
    assert "لم أجد" in (await rig.say("/search زلزال")).text
    assert "شائعة" in (await rig.say("/search ! ؟")).text
    rig.no_errors()


async def test_search_pages_with_more(rig: Rig) -> None:
    for n in range(12):
        await rig.add(n + 1, f"قمة المناخ رقم {n + 1}")
    first = await rig.say("/search قمة المناخ")
    assert len(urls(first)) == 5 and datas(first) == [callbacks.search(5, "قمة المناخ")]
    await rig.press(datas(first)[0], first)
    second = (await rig.fake.wait_sent(2, chat=READER))[-1]
    assert "6." in second.text and len(urls(second)) == 5
    rig.no_errors()


async def test_user_text_and_stored_text_are_escaped(rig: Rig) -> None:
    await rig.add(1, "<b>عاجل</b> & <script>alert(1)</script> في غزة")
    reply = await rig.say("/search <i>غزة</i> &amp; <b")
    assert "<i>غزة</i> &amp; <b" in reply.text  # shown as typed, not interpreted
    latest = await rig.say("/latest")
    assert "<b>عاجل</b> & <script>alert(1)</script>" in plain(latest.text)
    assert rig.fake.parse_errors() == []
    rig.no_errors()


async def test_english_for_other_languages(rig: Rig) -> None:
    await fill(rig)
    reply = await rig.say("/latest 1", language_code="en")
    assert plain(reply.text).startswith("📰 Latest news")
    assert reply.buttons[-1][0]["text"].startswith("More")
    assert "Unknown command" in (await rig.say("/nope", language_code="fr")).text
    assert "لا أعرف" in (await rig.say("/nope", language_code=None)).text
    rig.no_errors()


@pytest.mark.parametrize(
    "data",
    ["v0:l:5", "a0:l:5", "junk", "a1:l:999", "a1:l:-1", "a1:l:5:NOT_A_SLUG", "a1:zz:1", "a1:s:", "a1:q:5:", "a1:l:٥"],
)
async def test_buttons_from_old_keyboards_get_a_short_answer(rig: Rig, data: str) -> None:
    await fill(rig)
    listing = await rig.say("/latest")
    answer = await rig.press(data, listing)
    assert "قديم" in answer["text"]
    assert await rig.quiet(READER, 0.2) == []
    rig.no_errors()


async def test_button_for_a_section_that_no_longer_exists(rig: Rig) -> None:
    listing = await rig.say("/latest")
    await rig.press(callbacks.latest(0, "gone"), listing)
    assert "قديم" in (await rig.fake.wait_sent(2, chat=READER))[-1].text
    rig.no_errors()


async def test_edited_messages_channel_posts_and_group_chatter_are_ignored(rig: Rig) -> None:
    await fill(rig)
    first = await rig.say("/help")
    rig.fake.edited_message("/latest", message_id=1, user_id=READER)
    assert await rig.quiet(READER) == []
    rig.fake.add_chat(-100500, "supergroup", title="نقاش")
    rig.fake.user_message("مرحبا بالجميع", user_id=READER, chat_id=-100500)
    rig.fake.add_chat(-1009000, "channel", username="somechannel")
    rig.fake.user_message("/latest", chat_id=-1009000)
    assert await rig.quiet(-100500) == [] and await rig.quiet(-1009000) == []
    rig.fake.user_message("/latest", user_id=READER, chat_id=-100500)
    pointer = (await rig.fake.wait_sent(1, chat=-100500))[0]
    assert "محادثة خاصة" in pointer.text
    assert first.text
    rig.no_errors()


async def test_non_text_messages_get_a_hint(rig: Rig) -> None:
    chat = {"id": READER, "type": "private", "first_name": "قارئ"}
    photo = [{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}]
    rig.fake.push_update(
        {
            "message": {
                "message_id": 9,
                "date": 1700000000,
                "chat": chat,
                "from": {"id": READER, "is_bot": False, "first_name": "قارئ"},
                "photo": photo,
            }
        }
    )
    reply = (await rig.fake.wait_sent(1, chat=READER))[0]
    assert "النصوص والأوامر" in reply.text
    rig.no_errors()


async def test_a_reader_who_floods_still_gets_every_answer(tmp_path: Path) -> None:
    async with running(tmp_path, limits=Limits()) as rig:  # Telegram's limits: 3 at once, then 1/s a chat
        for _ in range(5):
            rig.fake.user_message("/help", user_id=READER)
        replies = await rig.fake.wait_sent(5, chat=READER, within=10)
        assert all("/latest" in m.text for m in replies)
        assert rig.fake.count_429 > 0
        assert [c for c in rig.fake.errors() if c.status != 429] == []
