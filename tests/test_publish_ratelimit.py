"""The pacing limiter, measured from the fake Bot API's receive times (windows scaled down to keep it fast).

Each pacing test has a control: the same sends without the limiter do get 429s from the fake, so a
limiter that stopped pacing would fail the test."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.models import TelegramPost
from bot.publish.ratelimit import Limits as Pace
from bot.publish.ratelimit import RateLimiter, chat_key
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from tests.fakes.telegram import FakeBotAPI, Limits

# Telegram's shape, 4× faster: 30 per 0.25 s overall; channels 5 per 0.5 s; private chats 3 then 10/s.
SERVER = Limits(
    overall=30, overall_window=0.25, group=5, group_window=0.5, private_burst=3, private_rate=10, whole_seconds=False
)
PACE = Pace(overall_rate=116, group_max=5, group_window=0.5, chat_rate=10, chat_burst=3, margin=0.02)
POST = TelegramPost(html="<b>خبر</b> عاجل")


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(limits=SERVER) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    client = build_bot("123456:TEST-token", fake.url)
    async with client:
        yield client


async def test_fan_out_to_distinct_chats_gets_no_429(fake: FakeBotAPI, bot: Bot) -> None:
    publisher = TelegramPublisher(bot, RateLimiter(PACE))
    await asyncio.gather(*(publisher.send(str(1000 + i), POST) for i in range(100)))
    times = [m.received_at for m in fake.sent()]
    assert len(times) == 100 and fake.count_429 == 0
    assert max_in_window(times, 0.25) <= 30
    assert max(times) - min(times) >= 99 / 116 * 0.95  # paced, not bursted


async def test_without_pacing_the_fake_answers_429(fake: FakeBotAPI, bot: Bot) -> None:
    results = await asyncio.gather(*(bot.send_message(2000 + i, "x") for i in range(60)), return_exceptions=True)
    assert any(isinstance(r, RetryAfter) for r in results)
    assert fake.count_429 > 0


async def test_one_channel_is_spread_over_its_window(fake: FakeBotAPI, bot: Bot) -> None:
    publisher = TelegramPublisher(bot, RateLimiter(PACE))
    await asyncio.gather(*(publisher.send("@news", POST) for _ in range(25)))
    times = [m.received_at for m in fake.sent("@news")]
    assert len(times) == 25 and fake.count_429 == 0
    assert max_in_window(times, 0.5) <= 5
    assert max(times) - min(times) >= 4 * 0.5


async def test_one_private_chat_gets_a_burst_then_its_rate(fake: FakeBotAPI, bot: Bot) -> None:
    publisher = TelegramPublisher(bot, RateLimiter(PACE))
    await asyncio.gather(*(publisher.send("77", POST) for _ in range(8)))
    times = sorted(m.received_at for m in fake.sent(77))
    assert fake.count_429 == 0
    assert times[2] - times[0] < 0.1  # the burst of 3
    assert times[7] - times[2] >= 5 * 0.1  # then 10/s


async def test_channel_flood_without_the_limiter_gets_429(fake: FakeBotAPI, bot: Bot) -> None:
    results = await asyncio.gather(*(bot.send_message("@flood", "x") for _ in range(8)), return_exceptions=True)
    assert sum(isinstance(r, RetryAfter) for r in results) == 3


async def test_pause_holds_every_chat() -> None:
    limiter = RateLimiter(Pace(overall_rate=1000))
    await limiter.acquire("1")
    limiter.pause(0.3)
    start = time.monotonic()
    await asyncio.gather(limiter.acquire("2"), limiter.acquire("@news"))
    assert time.monotonic() - start >= 0.29
    assert limiter.pauses == 1


async def test_waiters_are_served_in_arrival_order() -> None:
    limiter = RateLimiter(Pace(overall_rate=200))
    order: list[int] = []

    async def one(i: int) -> None:
        await limiter.acquire(str(100 + i))
        order.append(i)

    tasks = [asyncio.create_task(one(i)) for i in range(20)]
    await asyncio.gather(*tasks)
    assert order == list(range(20))


async def test_a_busy_chat_steps_aside_for_others() -> None:
    limiter = RateLimiter(Pace(overall_rate=500, group_max=2, group_window=0.4, margin=0))
    await limiter.acquire("@busy")
    await limiter.acquire("@busy")
    assert limiter.delay("@busy") > 0.3 and limiter.delay("@free") == 0
    start = time.monotonic()
    busy = asyncio.create_task(limiter.acquire("@busy"))
    await limiter.acquire("@free")
    assert time.monotonic() - start < 0.1 and not busy.done()
    await busy
    assert time.monotonic() - start >= 0.35


async def test_a_cancelled_waiter_does_not_block_the_queue() -> None:
    limiter = RateLimiter(Pace(overall_rate=20))
    await limiter.acquire("1")
    doomed = asyncio.create_task(limiter.acquire("2"))
    await asyncio.sleep(0)
    doomed.cancel()
    start = time.monotonic()
    await limiter.acquire("3")
    assert time.monotonic() - start < 0.09  # one interval (50 ms), not two
    assert limiter.waiting == 0


def test_chat_kinds() -> None:
    assert chat_key("@News") == ("@news", True)
    assert chat_key(-1001234) == ("-1001234", True)
    assert chat_key(" 42 ") == ("42", False)
