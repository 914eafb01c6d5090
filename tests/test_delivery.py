"""The delivery worker against Telegram's failures (through the fake Bot API): each article is
delivered once or dead-lettered with its reason, and the bot keeps going."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.delivery import backoff
from bot.demo.site import SampleSite, load_articles
from bot.models import DeliveryStatus
from bot.pipeline import run_once
from bot.services import Services
from tests.fakes.telegram import FakeBotAPI, Fault, Limits
from tests.rig import open_services

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
CHAN = "@huna_news"


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[tuple[FakeBotAPI, SampleSite, Services]]:
    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(articles[1:]) as site:
        services = await open_services(
            fake, tmp_path, read_timeout=1.0, media_timeout=1.0, FEED_URLS=f"{site.url}/feed.xml",
            SITE_URL=site.url, TELEGRAM_CHANNELS=f"{CHAN},-100200", EDITOR_IDS="77",
        )  # fmt: skip
        await run_once(services)  # baseline
        newest = max(a.time for a in site.articles)
        site.publish(dataclasses.replace(articles[0], time=newest + timedelta(minutes=1)))
        try:
            yield fake, site, services
        finally:
            await services.close()


async def _statuses(services: Services) -> dict[str, DeliveryStatus]:
    stored = await services.store.articles.latest(1)
    return {d.destination: d.status for d in await services.store.outbox.for_article(stored[0].id)}


async def _redeliver(services: Services) -> None:
    """Make every retry due now and deliver again (the worker's back-off, without the wait)."""
    async with services.store.engine.begin() as conn:
        from sqlalchemy import update

        from bot.store.tables import deliveries

        await conn.execute(update(deliveries).values(next_attempt_at=deliveries.c.created_at))
    await services.worker.drain()


async def test_5xx_then_success_is_delivered_once(env: tuple[FakeBotAPI, SampleSite, Services]) -> None:
    fake, _, services = env
    fake.add_fault(Fault.server_error(502), chat=CHAN, times=2)
    await run_once(services)
    assert (await _statuses(services))["channel:@huna_news"] is DeliveryStatus.PENDING
    assert len(fake.sent(-100200)) == 1  # the other channel is not held up
    await _redeliver(services)
    await _redeliver(services)
    assert (await _statuses(services))["channel:@huna_news"] is DeliveryStatus.SENT
    assert len(fake.sent(CHAN)) == 1


async def test_429_waits_and_sends_the_same_again(env: tuple[FakeBotAPI, SampleSite, Services]) -> None:
    fake, _, services = env
    fake.add_fault(Fault.flood(0.3), chat=CHAN, times=1)
    await run_once(services)
    await _redeliver(services)
    assert (await _statuses(services))["channel:@huna_news"] is DeliveryStatus.SENT
    assert len(fake.sent(CHAN)) == 1


async def test_timeout_is_retried(env: tuple[FakeBotAPI, SampleSite, Services]) -> None:
    fake, _, services = env
    fake.add_fault(Fault.hang(), chat=CHAN, times=1)
    await run_once(services)
    await _redeliver(services)
    assert (await _statuses(services))["channel:@huna_news"] is DeliveryStatus.SENT
    assert 1 <= len(fake.sent(CHAN)) <= 2  # a hang may have been accepted before the timeout: the window


async def test_403_pauses_the_channel_and_alerts_editors(env: tuple[FakeBotAPI, SampleSite, Services]) -> None:
    fake, _, services = env
    fake.add_fault(Fault.kicked(), chat=CHAN, times=None)
    report = await run_once(services)
    assert report.delivery is not None and report.delivery.paused == 1
    state = await services.store.outbox.destination("channel:@huna_news")
    assert state is not None and state.paused
    assert len(fake.sent(-100200)) == 1
    alerts = fake.sent(77)
    assert alerts and "@huna_news" in alerts[0].text
    # nothing lost: the row waits for the channel to be resumed
    assert (await _statuses(services))["channel:@huna_news"] is DeliveryStatus.PENDING


async def test_migrated_group_is_followed_and_remembered(env: tuple[FakeBotAPI, SampleSite, Services]) -> None:
    fake, _, services = env
    fake.add_fault(Fault.migrated(-100999), chat="-100200", times=1)
    await run_once(services)
    await _redeliver(services)
    assert len(fake.sent(-100999)) == 1
    state = await services.store.outbox.destination("channel:-100200")
    assert state is not None and state.moved_to == "-100999"


async def test_after_a_restart_posts_go_straight_to_the_migrated_chat(tmp_path: Path) -> None:
    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(articles[2:]) as site:
        env = {"FEED_URLS": f"{site.url}/feed.xml", "SITE_URL": site.url, "TELEGRAM_CHANNELS": "-100200"}
        services = await open_services(fake, tmp_path, **env)
        await run_once(services)  # baseline
        newest = max(a.time for a in site.articles)
        site.publish(dataclasses.replace(articles[1], time=newest + timedelta(minutes=1)))
        fake.add_fault(Fault.migrated(-100999), chat="-100200", times=1)
        await run_once(services)
        await _redeliver(services)
        await services.close()
        assert len(fake.sent(-100999)) == 1
        fresh = await open_services(fake, tmp_path, **env)  # a new process: nothing remembered in memory
        site.publish(dataclasses.replace(articles[0], time=newest + timedelta(minutes=2)))
        await run_once(fresh)
        await fresh.close()
    assert len(fake.sent(-100999)) == 2
    assert [c.method for c in fake.call_log if c.chat == "-100200"] == ["sendPhoto"]  # only the refused one


async def test_refused_photo_falls_back_to_text(env: tuple[FakeBotAPI, SampleSite, Services]) -> None:
    fake, _, services = env
    fake.add_fault(Fault.photo_refused(), chat=CHAN, method="sendPhoto", times=None)
    await run_once(services)
    msgs = fake.sent(CHAN)
    assert len(msgs) == 1 and not msgs[0].is_photo
    assert (await _statuses(services))["channel:@huna_news"] is DeliveryStatus.SENT


async def test_permanent_400_is_a_dead_letter_with_its_reason(env: tuple[FakeBotAPI, SampleSite, Services]) -> None:
    fake, _, services = env
    fake.add_fault(Fault.bad_request("Bad Request: USER_RESTRICTED"), chat=CHAN, times=None)
    await run_once(services)
    dead = await services.store.outbox.dead_letters()
    assert len(dead) == 1 and dead[0].destination == "channel:@huna_news"
    assert dead[0].last_error is not None and "user_restricted" in dead[0].last_error.lower()
    assert len(fake.sent(-100200)) == 1


def test_backoff_grows_and_is_capped() -> None:
    assert all(1.0 <= backoff(1) <= 2.0 for _ in range(50))
    assert all(backoff(20) <= 900 for _ in range(50))
    assert max(backoff(6) for _ in range(200)) > 16


async def test_x_daily_cap_skips_with_a_reason(tmp_path: Path) -> None:
    from tests.fakes.x import FakeX

    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, FakeX() as fx, SampleSite(articles) as site:
        services = await open_services(
            fake, tmp_path, FEED_URLS=f"{site.url}/feed.xml", TELEGRAM_CHANNELS=CHAN, BACKFILL="3",
            X_API_URL=fx.url, X_CONSUMER_KEY="ck", X_CONSUMER_SECRET="cs", X_ACCESS_TOKEN="at",
            X_ACCESS_TOKEN_SECRET="ats", X_DAILY_CAP="2",
        )  # fmt: skip
        try:
            await run_once(services)
            counts = await services.store.outbox.counts()
        finally:
            await services.close()
    assert len(fx.tweets) == 2
    assert counts[DeliveryStatus.SKIPPED.value] == 1
    assert len(fake.sent(CHAN)) == 3
