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
PACE = Pace(overall_max=30, overall_window=0.25, group_max=5, group_window=0.5, chat_rate=10, chat_burst=3, margin=0.02)
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
    assert max(times) - min(times) >= 3 * 0.25  # 100 sends need four windows: paced, not bursted


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
    limiter = RateLimiter(Pace(overall_max=1000))
    await limiter.acquire("1")
    limiter.pause(0.3)
    start = time.monotonic()
    await asyncio.gather(limiter.acquire("2"), limiter.acquire("@news"))
    assert time.monotonic() - start >= 0.29
    assert limiter.pauses == 1


async def test_waiters_are_served_in_arrival_order() -> None:
    limiter = RateLimiter(Pace(overall_max=200))
    order: list[int] = []

    async def one(i: int) -> None:
        await limiter.acquire(str(100 + i))
        order.append(i)

    tasks = [asyncio.create_task(one(i)) for i in range(20)]
    await asyncio.gather(*tasks)
    assert order == list(range(20))


async def test_a_busy_chat_steps_aside_for_others() -> None:
    limiter = RateLimiter(Pace(overall_max=500, group_max=2, group_window=0.4, margin=0))
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
    limiter = RateLimiter(Pace(overall_max=1, overall_window=0.1, margin=0))
    await limiter.acquire("1")
    doomed = asyncio.create_task(limiter.acquire("2"))
    await asyncio.sleep(0)
    doomed.cancel()
    start = time.monotonic()
    await limiter.acquire("3")
    assert time.monotonic() - start < 0.17  # one window (100 ms), not two
    assert limiter.waiting == 0


async def test_a_send_counts_until_its_answer_plus_the_window() -> None:
    """A slow answer keeps its send in the window: Telegram may have received it late."""
    limiter = RateLimiter(Pace(overall_max=2, overall_window=0.2, margin=0))
    loop = asyncio.get_running_loop()
    answered = loop.create_future()

    async def slow(chat: str) -> None:
        async with limiter.turn(chat):
            await answered

    first = [asyncio.create_task(slow(str(i))) for i in range(2)]
    await asyncio.sleep(0.3)  # both in flight for longer than a window
    start = time.monotonic()
    third = asyncio.create_task(limiter.acquire("3"))
    await asyncio.sleep(0.05)
    assert not third.done()  # in flight still counts
    answered.set_result(None)
    await asyncio.gather(*first)
    await third
    assert time.monotonic() - start >= 0.19  # the window counted from the answers


async def test_a_full_window_releases_in_batches() -> None:
    limiter = RateLimiter(Pace(overall_max=20, overall_window=0.05, margin=0, batch=10))
    await asyncio.gather(*(limiter.acquire(str(i)) for i in range(100)))
    assert limiter.released == 100
    assert limiter.wakeups <= 12  # ~10 a wake-up, not one each


async def test_released_then_cancelled_gives_the_slot_back() -> None:
    limiter = RateLimiter(Pace(overall_max=1, overall_window=5.0, margin=0))
    waiter = asyncio.create_task(limiter.acquire("1"))
    for _ in range(3):  # let the release callback run, not the waiter
        await asyncio.sleep(0)
        if limiter.released:
            break
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    start = time.monotonic()
    await asyncio.wait_for(limiter.acquire("2"), 1.0)  # the slot was never used
    assert time.monotonic() - start < 0.5


def test_limits_from_a_per_second_setting() -> None:
    assert (Pace.per_second(30).overall_max, Pace.per_second(30).overall_window) == (30, 1.0)
    assert (Pace.per_second(29.5).overall_max, Pace.per_second(0.5).overall_window) == (29, 2.0)
    assert Pace.per_second(0.5).overall_max == 1


def test_chat_kinds() -> None:
    assert chat_key("@News") == ("@news", True)
    assert chat_key(-1001234) == ("-1001234", True)
    assert chat_key(" 42 ") == ("42", False)


async def test_channels_and_groups_go_before_waiting_private_chats() -> None:
    limiter = RateLimiter(Pace(overall_max=1, overall_window=0.03, margin=0))
    await limiter.acquire("0")  # the window is full: everyone below waits
    order: list[str] = []

    async def one(chat: str) -> None:
        await limiter.acquire(chat)
        order.append(chat)

    tasks = [asyncio.create_task(one(c)) for c in ("1", "2", "@news", "3", "-100200")]
    await asyncio.gather(*tasks)
    assert order == ["@news", "-100200", "1", "2", "3"]
