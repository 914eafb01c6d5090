"""TelegramPublisher through the fake Bot API over real HTTP (PTB pointed at it with base_url)."""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import Bot

from bot.exceptions import ChatMoved, DestinationGone, RateLimited, Rejected, TransientError
from bot.models import Button, TelegramPost
from bot.publish.base import Publisher
from bot.publish.ratelimit import Limits as Pace
from bot.publish.ratelimit import RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from tests.fakes.telegram import FakeBotAPI, Fault, Limits

FAST = Pace(overall_max=1000, chat_rate=1000, chat_burst=10, group_max=1000, group_window=1.0, margin=0)
ARTICLE = "https://example.com/ar/%D9%85%D9%82%D8%A7%D9%84"
BUTTONS = ((Button("اقرأ المزيد", ARTICLE), Button("شارك", "https://t.me/share/url?url=x")),)


def jpeg(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), color).save(out, "JPEG")
    return out.getvalue()


def post(photo: bytes | None = None, key: str | None = None, html: str | None = None) -> TelegramPost:
    return TelegramPost(
        html=html or "<b>عاجل:</b> انعقاد القمة العربية &amp; بيان ختامي",
        buttons=BUTTONS,
        photo=photo,
        photo_key=key,
        plain="عاجل: انعقاد القمة العربية & بيان ختامي",
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(limits=Limits.off()) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    client = build_bot("123456:TEST-token", fake.url, read_timeout=0.5)
    async with client:
        yield client


@pytest.fixture
def publisher(bot: Bot) -> TelegramPublisher:
    return TelegramPublisher(bot, RateLimiter(FAST))


def test_satisfies_the_protocol(publisher: TelegramPublisher) -> None:
    assert isinstance(publisher, Publisher)


async def test_text_post_with_buttons(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    result = await publisher.send("@news", post())
    [message] = fake.sent("@news")
    assert (result.message_id, result.chat_id, result.as_photo, result.fallbacks) == (
        message.message_id,
        "@news",
        False,
        (),
    )
    assert message.text == "عاجل: انعقاد القمة العربية & بيان ختامي"
    assert message.entities == [{"type": "bold", "offset": 0, "length": 5}]
    assert message.button_urls == [ARTICLE, "https://t.me/share/url?url=x"]
    assert message.link_preview == {"is_disabled": True}
    assert fake.parse_errors() == []


async def test_photo_uploaded_once_then_file_id_reused(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    image = jpeg()
    first = await publisher.send("@news", post(image, "img-1"))
    second = await publisher.send("@sport", post(image, "img-1"))
    assert first.as_photo and second.as_photo
    uploads = [c for c in fake.calls("sendPhoto") if "photo" not in c.params]
    by_id = [c for c in fake.calls("sendPhoto") if "photo" in c.params]
    assert len(uploads) == 1 and len(by_id) == 1
    assert by_id[0].params["photo"] == fake.last("@news").photo_file_id
    assert fake.last("@sport").photo_sha256 == hashlib.sha256(image).hexdigest()
    assert fake.last("@sport").text.startswith("عاجل:")
    assert (publisher.stats.uploads, publisher.stats.reused) == (1, 1)


async def test_concurrent_sends_of_one_image_upload_it_once(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    image = jpeg((10, 120, 10))
    results = await asyncio.gather(*(publisher.send(f"@ch{i}", post(image, "img-2")) for i in range(6)))
    assert all(r.as_photo for r in results)
    assert len([c for c in fake.calls("sendPhoto") if "photo" not in c.params]) == 1
    assert len({m.photo_sha256 for m in fake.sent()}) == 1


async def test_stale_file_id_is_uploaded_again(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    image = jpeg()
    await publisher.send("@news", post(image, "img-3"))
    fake.add_fault(Fault.bad_request("Bad Request: wrong file identifier/HTTP URL specified", "sendPhoto"))
    result = await publisher.send("@news", post(image, "img-3"))
    assert result.as_photo and result.fallbacks == ()
    assert len([c for c in fake.calls("sendPhoto") if "photo" not in c.params]) == 2


@pytest.mark.parametrize("fault", [Fault.photo_refused(), Fault.image_process_failed()])
async def test_refused_photo_falls_back_to_text(fake: FakeBotAPI, publisher: TelegramPublisher, fault: Fault) -> None:
    fake.add_fault(fault, chat="@news")
    result = await publisher.send("@news", post(jpeg(), "img-4"))
    assert (result.as_photo, result.fallbacks) == (False, ("photo",))
    [message] = fake.sent("@news")
    assert not message.is_photo and message.text.startswith("عاجل:")
    assert message.link_preview == {"url": ARTICLE, "prefer_large_media": True, "show_above_text": True}


async def test_bytes_that_are_no_image_fall_back_to_text(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    result = await publisher.send("@news", post(b"<html>not a jpeg</html>", "img-5"))
    assert result.fallbacks == ("photo",)
    assert fake.errors("sendPhoto")[0].description == "Bad Request: IMAGE_PROCESS_FAILED"


async def test_refused_html_falls_back_to_plain_text(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    broken = TelegramPost(html="<b>عاجل <i>خبر</b></i>", buttons=BUTTONS, plain="عاجل خبر")
    result = await publisher.send("@news", broken)
    assert result.fallbacks == ("html",)
    [message] = fake.sent("@news")
    assert (message.text, message.parse_mode, message.entities) == ("عاجل خبر", None, [])
    assert message.button_urls[0] == ARTICLE
    assert "Unmatched end tag" in (fake.parse_errors()[0].description or "")


async def test_refused_button_is_dropped(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    bad = TelegramPost(html="خبر", buttons=((Button("x", "javascript:alert(1)"),),))
    result = await publisher.send("@news", bad)
    assert result.fallbacks == ("buttons",)
    assert fake.last("@news").reply_markup is None


async def test_too_long_text_is_rejected(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    with pytest.raises(Rejected, match=r"(?i)message is too long"):
        await publisher.send("@news", TelegramPost(html="ب" * 4097))
    assert fake.sent() == []


@pytest.mark.parametrize(
    "fault", [Fault.server_error(500), Fault.server_error(502), Fault.bad_gateway_html(), Fault.hang(), Fault.reset()]
)
async def test_transient_failures_then_the_retry_sends_once(
    fake: FakeBotAPI, publisher: TelegramPublisher, fault: Fault
) -> None:
    fake.add_fault(fault, chat="@news")
    with pytest.raises(TransientError):
        await publisher.send("@news", post())
    assert fake.sent("@news") == []
    await publisher.send("@news", post())  # what the delivery worker does after its back-off
    assert len(fake.sent("@news")) == 1


async def test_429_is_waited_out_and_the_same_message_sent_again(
    fake: FakeBotAPI, publisher: TelegramPublisher
) -> None:
    fake.add_fault(Fault.flood(1), chat="@news")
    result = await publisher.send("@news", post())
    failed, ok = fake.calls("sendMessage", "@news")
    assert (failed.status, failed.retry_after, ok.status) == (429, 1, 200)
    assert ok.at - failed.at >= 0.98
    assert [m.message_id for m in fake.sent("@news")] == [result.message_id]
    assert publisher.stats.rate_limited == 1


async def test_long_429_goes_to_the_caller_and_pauses_every_send(fake: FakeBotAPI, bot: Bot) -> None:
    limiter = RateLimiter(FAST)
    publisher = TelegramPublisher(bot, limiter, max_inline_wait=0.5)
    fake.add_fault(Fault.flood(1), chat="@news")
    with pytest.raises(RateLimited) as caught:
        await publisher.send("@news", post())
    assert caught.value.retry_after == 1.0
    assert limiter.paused_for > 0.8
    await publisher.send("@other", post())  # another chat waits too: the whole bot is paused
    [failed] = fake.errors()
    assert fake.calls("sendMessage", "@other")[0].at - failed.at >= 0.98


async def test_blocked_and_kicked_mean_the_destination_is_gone(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    fake.add_fault(Fault.blocked(), chat=42, times=None)
    fake.add_fault(Fault.kicked(), chat="@news")
    with pytest.raises(DestinationGone, match="blocked by the user"):
        await publisher.send("42", post())
    with pytest.raises(DestinationGone, match="kicked"):
        await publisher.send("@news", post())


async def test_unknown_chat_is_gone(bot: Bot) -> None:
    async with FakeBotAPI(limits=Limits.off(), auto_chats=False) as strict:
        client = build_bot("123456:TEST-token", strict.url)
        async with client:
            with pytest.raises(DestinationGone, match=r"(?i)chat not found"):
                await TelegramPublisher(client, RateLimiter(FAST)).send("@nowhere", post())


async def test_migrated_group_is_followed_and_remembered(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    fake.add_fault(Fault.migrated(-100777), chat=-555, times=None)
    first = await publisher.send("-555", post())
    second = await publisher.send("-555", post())
    assert first.chat_id == second.chat_id == "-100777"
    assert len(fake.sent(-100777)) == 2 and fake.sent(-555) == []
    assert len(fake.errors(chat=-555)) == 1


async def test_edit_and_delete_of_a_migrated_chat_raise_chat_moved(fake: FakeBotAPI, bot: Bot) -> None:
    fake.add_fault(Fault.migrated(-100778), chat=-556, times=None)
    fresh = TelegramPublisher(bot, RateLimiter(FAST))
    with pytest.raises(ChatMoved) as caught:
        await fresh.edit("-556", 1, post(), as_photo=False)
    assert caught.value.new_chat_id == -100778


async def test_edits(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    text = await publisher.send("@news", post())
    photo = await publisher.send("@news", post(jpeg(), "img-6"))
    updated = post(html="<b>تحديث:</b> بيان ختامي")
    assert await publisher.edit("@news", text.message_id, updated, as_photo=False) is True
    assert await publisher.edit("@news", photo.message_id, updated, as_photo=True) is True
    assert await publisher.edit("@news", photo.message_id, updated, as_photo=True) is False  # not modified
    first, second = fake.sent("@news")
    assert first.text == second.text == "تحديث: بيان ختامي"
    assert len(first.history) == len(second.history) == 1
    assert await publisher.edit("@news", text.message_id, post(html="<b>x"), as_photo=False) is True
    assert (first.text, first.parse_mode) == (post().plain, None)


async def test_delete(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    sent = await publisher.send("@news", post())
    assert await publisher.delete("@news", sent.message_id) is True
    assert fake.last("@news").deleted
    assert await publisher.delete("@news", sent.message_id) is False
    old = await publisher.send("@news", post())
    fake.advance(49 * 3600)
    with pytest.raises(Rejected, match="can't be deleted"):
        await publisher.delete("@news", old.message_id)


async def test_send_text_alert(fake: FakeBotAPI, publisher: TelegramPublisher) -> None:
    result = await publisher.send_text("@news", "🔴 <b>عاجل</b>: زلزال", [[Button("التفاصيل", ARTICLE)]])
    message = fake.last("@news")
    assert (result.as_photo, message.text, message.button_urls) == (False, "🔴 عاجل: زلزال", [ARTICLE])
    assert message.link_preview == {"is_disabled": True}
