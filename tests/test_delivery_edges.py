"""Edge cases of delivery found in review: each one lost, misordered or double-counted a post before."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.delivery import DeliveryWorker
from bot.demo.site import SampleSite, load_articles
from bot.models import Article, DeliveryStatus, Destination, DestinationKind
from bot.pipeline import ingest, run_forever, run_once
from bot.posts import PostFactory
from bot.publish.ratelimit import Limits as RateLimits
from bot.publish.ratelimit import RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from bot.services import Services
from bot.store import Store
from tests.fakes.tcpproxy import TcpProxy
from tests.fakes.telegram import FakeBotAPI, Fault, Limits

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
CHAN = "@huna_news"
BIDI = dict.fromkeys(map(ord, "\u2068\u2069\u200f"))


@dataclass
class Rig:
    fake: FakeBotAPI
    site: SampleSite
    services: Services


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(articles[1:]) as site:
        settings = load_settings(
            env_file=None, FEED_URLS=f"{site.url}/feed.xml", DATABASE_URL=f"sqlite:///{tmp_path}/a.db",
            TELEGRAM_CHANNELS=CHAN,
        )  # fmt: skip
        bot = build_bot(TOKEN, fake.url)
        await bot.initialize()
        services = await Services.open(settings, telegram=TelegramPublisher(bot, RateLimiter(), max_inline_wait=0.1))
        services.closers.append(bot.shutdown)
        await run_once(services)  # the baseline
        try:
            yield Rig(fake, site, services)
        finally:
            await services.close()


def _publish(site: SampleSite, **changes: Any) -> Any:
    seed = load_articles()[0]
    fresh = dataclasses.replace(seed, time=max(a.time for a in site.articles) + timedelta(minutes=1), **changes)
    site.publish(fresh)
    return fresh


async def test_an_update_during_the_send_still_edits_the_post(rig: Rig) -> None:
    seed = _publish(rig.site)
    rig.fake.add_fault(Fault.slow(1.0), chat=CHAN, times=1)
    await ingest(rig.services, rig.site.url + "/feed.xml", force=True)
    drain = asyncio.create_task(rig.services.worker.drain())
    await asyncio.sleep(0.4)  # the row is SENDING now
    rig.site.publish(dataclasses.replace(seed, title=seed.title + " (محدّث)"))
    report = await ingest(rig.services, rig.site.url + "/feed.xml", force=True)
    assert report.updated == 1
    await drain
    await rig.services.worker.drain()
    msgs = rig.fake.sent(CHAN)
    assert len(msgs) == 1 and "(محدّث)" in msgs[0].text


async def test_pending_rows_of_a_withdrawn_article_are_not_sent(rig: Rig) -> None:
    seed = _publish(rig.site)
    await ingest(rig.services, rig.site.url + "/feed.xml", force=True)
    stored = (await rig.services.store.articles.latest(1))[0]
    rig.site.withdraw(seed.slug)
    await rig.services.store.articles.mark_withdrawn(stored.id)
    await rig.services.worker.drain()
    assert rig.fake.sent(CHAN) == []
    (row,) = await rig.services.store.outbox.for_article(stored.id)
    assert row.status is DeliveryStatus.SKIPPED and row.last_error == "withdrawn by the site"


@pytest.mark.parametrize("idle", [0.2, 0.002])  # 0.002: dispatch keeps polling while the lane stops
async def test_a_long_429_keeps_the_channel_in_order(tmp_path: Path, idle: float) -> None:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path}/a.db")
    t0 = datetime.now(UTC) - timedelta(seconds=10)
    titles = ["الخبر الأول", "الخبر الثاني", "الخبر الثالث"]
    for i, title in enumerate(titles):
        a = Article(url=f"https://x.test/news/{i}", title=title, paragraphs=("نص الخبر.",))
        await store.articles.save(
            a, fingerprint="f", destinations=[Destination(DestinationKind.CHANNEL, CHAN)], now=t0 + timedelta(seconds=i)
        )
    async with FakeBotAPI(limits=Limits.off()) as fake:
        fake.add_fault(Fault.flood(1.0), chat=CHAN, times=1)
        bot = build_bot(TOKEN, fake.url)
        await bot.initialize()
        settings = load_settings(env_file=None)
        from bot.compose import ComposeContext

        worker = DeliveryWorker(
            store, PostFactory(ComposeContext.from_settings(settings), None),
            TelegramPublisher(bot, RateLimiter(), max_inline_wait=0.1),
        )  # fmt: skip
        stop, wake = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(worker.run(stop, wake, idle=idle))
        await fake.wait_sent(3, chat=CHAN, within=10)
        stop.set()
        await task
        await bot.shutdown()
        order = [next(t for t in titles if t in m.text.translate(BIDI)) for m in fake.sent(CHAN)]
        calls = fake.calls(chat=CHAN)
    await store.close()
    assert order == titles
    flood = next(c for c in calls if c.status == 429)
    assert all(c.at - flood.at >= 0.95 for c in calls if c.ok)  # nothing went to the channel during retry_after


async def test_worker_never_holds_more_than_a_batch(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path}/a.db")
    for chat in range(1, 301):
        await store.subscribers.subscribe(chat, "world")
    from bot.models import Section

    art = Article(url="https://x.test/a", title="خبر", section=Section("العالم", "world"))
    await store.articles.save(art, fingerprint="f", destinations=[Destination(DestinationKind.SUBSCRIBER, "world")])
    async with FakeBotAPI(limits=Limits.off()) as fake:
        bot = build_bot(TOKEN, fake.url)
        await bot.initialize()
        from bot.compose import ComposeContext

        ctx = ComposeContext.from_settings(load_settings(env_file=None))
        fast = RateLimiter(RateLimits(overall_max=2000, chat_rate=100))  # the fake enforces nothing here
        worker = DeliveryWorker(store, PostFactory(ctx, None), TelegramPublisher(bot, fast), batch=50)
        peak = 0
        for _ in range(5):
            await worker.dispatch()
            peak = max(peak, len(worker._held))
            await asyncio.sleep(0.05)
        await worker.drain()
        await bot.shutdown()
    await store.close()
    assert peak <= 50
    assert len({m.chat_id for m in fake.sent_log}) == 300


async def test_a_fan_out_claims_and_records_in_group_commits(tmp_path: Path) -> None:
    """300 subscribers at Telegram's pace (scaled up): every chat gets its one message, every row is SENT,
    and the claims and records took far fewer transactions than the 600 a commit per step would."""
    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path}/a.db")
    for chat in range(1, 301):
        await store.subscribers.subscribe(chat, "world")
    from bot.models import Section

    art = Article(url="https://x.test/a", title="خبر", section=Section("العالم", "world"))
    await store.articles.save(art, fingerprint="f", destinations=[Destination(DestinationKind.SUBSCRIBER, "world")])
    async with FakeBotAPI(limits=Limits(overall=30, overall_window=0.1, whole_seconds=False)) as fake:
        bot = build_bot(TOKEN, fake.url)
        await bot.initialize()
        from bot.compose import ComposeContext

        ctx = ComposeContext.from_settings(load_settings(env_file=None))
        pace = RateLimiter(RateLimits(overall_max=30, overall_window=0.1))  # the fake's window, 10x faster
        worker = DeliveryWorker(store, PostFactory(ctx, None), TelegramPublisher(bot, pace))
        stats = await worker.drain()
        await bot.shutdown()
    counts = await store.outbox.counts()
    await store.close()
    assert fake.count_429 == 0
    assert sorted(int(m.chat_id) for m in fake.sent_log) == list(range(1, 301))
    assert counts == {"sent": 300} and stats.sent == 300
    assert stats.commits <= 100, stats.commits


async def test_a_channel_post_does_not_wait_behind_a_subscriber_fan_out(tmp_path: Path) -> None:
    """600 subscribers take about 2 s at the fake's pace (30 per 0.1 s); a breaking article for the channel
    saved 0.3 s in goes out at once, ahead of the subscribers' backlog, not after it."""
    from bot.compose import ComposeContext
    from bot.models import Section

    store = await Store.open(f"sqlite+aiosqlite:///{tmp_path}/a.db")
    for chat in range(1, 601):
        await store.subscribers.subscribe(chat, "world")
    world = Section("العالم", "world")
    subs = [Destination(DestinationKind.SUBSCRIBER, "world")]
    first = Article(url="https://x.test/a", title="خبر أول", section=world)
    await store.articles.save(first, fingerprint="f", destinations=subs)
    async with FakeBotAPI(limits=Limits(overall=30, overall_window=0.1, whole_seconds=False)) as fake:
        bot = build_bot(TOKEN, fake.url)
        await bot.initialize()
        ctx = ComposeContext.from_settings(load_settings(env_file=None))
        pace = RateLimiter(RateLimits(overall_max=30, overall_window=0.1))
        worker = DeliveryWorker(store, PostFactory(ctx, None), TelegramPublisher(bot, pace))
        stop, wake = asyncio.Event(), asyncio.Event()
        running = asyncio.create_task(worker.run(stop, wake, idle=0.05))
        await asyncio.sleep(0.3)
        channel = [Destination(DestinationKind.CHANNEL, CHAN)]
        saved_at = asyncio.get_running_loop().time()
        breaking = Article(url="https://x.test/b", title="عاجل", section=world)
        await store.articles.save(breaking, fingerprint="g", destinations=channel)
        wake.set()
        await fake.wait_sent(1, CHAN)
        posted_after = asyncio.get_running_loop().time() - saved_at
        subscribers_so_far = len(fake.sent_log) - 1
        await fake.wait_sent(601, within=10)
        stop.set()
        await running
        await bot.shutdown()
    await store.close()
    assert fake.count_429 == 0
    assert posted_after < 0.5, posted_after
    assert subscribers_so_far < 400  # the fan-out was far from done when the channel post went out


async def test_an_empty_first_poll_is_no_baseline(tmp_path: Path) -> None:
    articles = load_articles()
    async with SampleSite([]) as site:
        settings = load_settings(
            env_file=None, FEED_URLS=f"{site.url}/feed.xml", DATABASE_URL=f"sqlite:///{tmp_path}/a.db",
            TELEGRAM_CHANNELS=CHAN,
        )  # fmt: skip
        out = io.StringIO()
        services = await Services.open(settings, console=out)
        try:
            await run_once(services)  # empty feed: nothing to stand on
            for a in articles:
                site.publish(a)
            report = await run_once(services)
        finally:
            await services.close()
    assert report.new == 0 and report.feeds[0].baseline == len(articles)


async def test_a_guid_shared_by_every_item_does_not_merge_articles(tmp_path: Path) -> None:
    articles = load_articles()
    async with SampleSite(articles[1:]) as site:
        site.shared_guid = "https://huna.example/"
        settings = load_settings(
            env_file=None, FEED_URLS=f"{site.url}/feed.xml", DATABASE_URL=f"sqlite:///{tmp_path}/a.db",
            TELEGRAM_CHANNELS=CHAN,
        )  # fmt: skip
        services = await Services.open(settings, console=io.StringIO())
        try:
            await run_once(services)
            _publish(site)
            report = await run_once(services)
            count = await services.store.articles.count()
        finally:
            await services.close()
    assert report.new == 1 and count == 6


@pytest.mark.postgres
async def test_a_database_outage_pauses_work_and_it_resumes(tmp_path: Path, postgres_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    async with TcpProxy(url.port or 5432) as proxy, SampleSite(load_articles()[1:]) as site:
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = load_settings(
            env_file=None, FEED_URLS=f"{site.url}/feed.xml", POLL_INTERVAL="1", DATABASE_URL=via_proxy,
            TELEGRAM_CHANNELS=CHAN,
        )  # fmt: skip
        out = io.StringIO()
        services = await Services.open(settings, console=out)
        async with services.store.engine.begin() as conn:
            from sqlalchemy import text

            from bot.store.tables import metadata

            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        stop = asyncio.Event()
        task = asyncio.create_task(run_forever(services, stop))
        try:
            while site.feed_hits < 2:
                await asyncio.sleep(0.1)
            await proxy.cut()
            await asyncio.sleep(2.5)
            await proxy.restore()
            seed = _publish(site)
            for _ in range(100):
                if seed.title in out.getvalue():
                    break
                await asyncio.sleep(0.1)
            assert not task.done()
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
            await services.close()
    assert seed.title in out.getvalue()
