"""Subscriptions through Telegram: choosing a section, listing, unsubscribing, and delivery of new
articles to the subscriber's private chat through the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.compose.arabic import normalize
from bot.models import Article
from bot.pipeline import destinations_for
from handlers import callbacks
from tests.fakes.telegram import Fault
from tests.test_handlers_rig import READER, SPORTS, WORLD, Rig, plain, running


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async with running(tmp_path) as r:
        yield r


def datas(message: object) -> list[str]:
    return [b["callback_data"] for row in message.buttons for b in row if "callback_data" in b]  # type: ignore[attr-defined]


async def publish(rig: Rig, n: int, title: str, section: object) -> int:
    article = Article(url=f"https://news.example/s/{n}", title=title, section=section)  # type: ignore[arg-type]
    saved = await rig.services.store.articles.save(
        article,
        fingerprint=f"s{n}",
        search_text=normalize(title),
        destinations=destinations_for(article, rig.services.settings),
    )
    return saved.article_id


async def test_subscribe_with_the_keyboard_then_receive_new_articles(rig: Rig) -> None:
    menu = await rig.say("/subscribe")
    assert "اختر قسمًا" in menu.text
    assert datas(menu) == [callbacks.subscribe(s) for s in ("world", "sports", "economy")]
    await rig.press(callbacks.subscribe("sports"), menu)
    done = (await rig.fake.wait_sent(2, chat=READER))[-1]
    assert "اشتركت في قسم رياضة" in plain(done.text)
    assert await rig.services.store.subscribers.sections_of(READER) == ["sports"]

    await publish(rig, 1, "هدف في الدقيقة الأخيرة", SPORTS)
    await publish(rig, 2, "قمة دولية", WORLD)
    await rig.services.worker.drain()
    posts = rig.fake.sent(READER)[2:]
    assert [p.text.split("\n")[0] for p in posts] and "هدف في الدقيقة الأخيرة" in plain(posts[0].text)
    assert len(posts) == 1  # not the world article
    rig.no_errors()


async def test_subscribe_by_name_or_slug_and_list(rig: Rig) -> None:
    assert "اشتركت في قسم العالم" in plain((await rig.say("/subscribe world")).text)
    assert "من قبل" in (await rig.say("/subscribe العالم")).text
    assert "اشتركت في قسم رياضة" in plain((await rig.say("/subscribe الرياضة")).text)
    listing = plain((await rig.say("/subscriptions")).text)
    assert "/sports — رياضة" in listing and "/world — العالم" in listing
    unknown = plain((await rig.say("/subscribe طقس")).text)
    assert "لا يوجد قسم باسم «طقس»" in unknown and "/economy" in unknown
    assert "لا يوجد قسم" in (await rig.say("/subscribe " + "x" * 80)).text
    rig.no_errors()


async def test_unsubscribe_is_immediate(rig: Rig) -> None:
    assert "ليست لديك اشتراكات" in (await rig.say("/unsubscribe")).text
    await rig.say("/subscribe sports")
    await rig.say("/subscribe world")
    menu = await rig.say("/unsubscribe")
    assert datas(menu) == [callbacks.unsubscribe("sports"), callbacks.unsubscribe("world")]
    await rig.press(callbacks.unsubscribe("sports"), menu)
    assert "تم إلغاء اشتراكك في قسم رياضة" in plain((await rig.fake.wait_sent(5, chat=READER))[-1].text)
    await publish(rig, 3, "مباراة بعد الإلغاء", SPORTS)
    await rig.services.worker.drain()
    assert all("مباراة بعد الإلغاء" not in m.text for m in rig.fake.sent(READER))
    assert "لست مشتركًا" in (await rig.say("/unsubscribe sports")).text
    assert "كل اشتراكاتك (1)" in (await rig.say("/unsubscribe الكل")).text
    assert "ليست لديك اشتراكات" in (await rig.say("/subscriptions")).text
    rig.no_errors()


async def test_a_subscriber_who_blocked_the_bot_is_deactivated(rig: Rig) -> None:
    await rig.say("/subscribe sports")
    rig.fake.add_fault(Fault.blocked(), chat=READER, times=None)
    await publish(rig, 4, "هدف", SPORTS)
    await rig.services.worker.drain()
    assert await rig.services.store.subscribers.sections_of(READER) == []


async def test_subscription_buttons_in_a_group_are_refused(rig: Rig) -> None:
    rig.fake.add_chat(-100777, "supergroup", title="مجموعة")
    rig.fake.user_message("/help", user_id=READER, chat_id=-100777)
    message = (await rig.fake.wait_sent(1, chat=-100777))[0]
    answer = await rig.press(callbacks.subscribe("sports"), message)
    assert "محادثة خاصة" in answer["text"]
    assert await rig.services.store.subscribers.sections_of(-100777) == []
