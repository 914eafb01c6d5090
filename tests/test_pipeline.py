"""The whole pipeline, one cycle at a time (run_once), against a real sample site over HTTP and the
fake Telegram Bot API: baseline, new articles, edits, nothing twice, subscribers, pause."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.demo.site import SampleArticle, SampleSite, load_articles
from bot.models import DeliveryStatus
from bot.pipeline import run_once
from bot.services import Services
from tests.fakes.telegram import FakeBotAPI, Limits
from tests.rig import open_services, plain


@dataclass
class World:
    site: SampleSite
    fake: FakeBotAPI
    services: Services
    articles: list[SampleArticle]

    def publish_new(self, article: SampleArticle, minutes: int = 5) -> SampleArticle:
        newest = max(a.time for a in self.site.articles)
        fresh = dataclasses.replace(article, time=newest + timedelta(minutes=minutes))
        self.site.publish(fresh)
        return fresh


async def _world(tmp_path: Path, fake: FakeBotAPI, site: SampleSite, **env: Any) -> Services:
    overrides = {
        "FEED_URLS": f"{site.url}/feed.xml",
        "SITE_URL": site.url,
        "TELEGRAM_CHANNELS": "@huna_news,-1001234567890",
        "TELEGRAM_API_URL": fake.url,
    } | env
    return await open_services(fake, tmp_path, **overrides)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(articles[1:]) as site:
        services = await _world(tmp_path, fake, site)
        try:
            yield World(site, fake, services, articles)
        finally:
            await services.close()


async def test_first_poll_is_a_baseline_then_new_articles_post_once(world: World) -> None:
    report = await run_once(world.services)
    assert report.feeds[0].baseline == 5 and report.new == 0
    assert world.fake.sent("@huna_news") == []

    seed = world.publish_new(world.articles[0])
    report = await run_once(world.services)
    assert report.new == 1
    for chat in ("@huna_news", -1001234567890):
        msgs = world.fake.sent(chat)
        assert len(msgs) == 1
        assert seed.title in plain(msgs[0].text)
        assert msgs[0].is_photo
    assert world.fake.parse_errors() == []

    report = await run_once(world.services)  # nothing new: nothing sent
    assert report.new == 0 and len(world.fake.sent("@huna_news")) == 1


async def test_an_updated_headline_edits_the_post(world: World) -> None:
    await run_once(world.services)
    seed = world.publish_new(world.articles[0])
    await run_once(world.services)
    world.site.publish(dataclasses.replace(seed, title=seed.title + " (محدّث)"))
    report = await run_once(world.services)
    assert report.feeds[0].updated == 1
    msgs = world.fake.sent("@huna_news")
    assert len(msgs) == 1  # edited, not sent again
    assert "(محدّث)" in plain(msgs[0].text) and len(msgs[0].history) == 1


async def test_subscribers_of_the_section_get_it_in_private(world: World) -> None:
    await run_once(world.services)
    await world.services.store.subscribers.subscribe(501, "world")
    await world.services.store.subscribers.subscribe(502, "sports")
    world.publish_new(world.articles[0])  # a world article
    await run_once(world.services)
    assert len(world.fake.sent(501)) == 1
    assert world.fake.sent(502) == []


async def test_paused_posting_records_but_does_not_send(world: World) -> None:
    await run_once(world.services)
    await world.services.store.state.set_paused(True)
    world.publish_new(world.articles[0])
    report = await run_once(world.services)
    assert report.new == 1 and world.fake.sent("@huna_news") == []
    counts = await world.services.store.outbox.counts()
    assert counts.get(DeliveryStatus.SKIPPED.value) == 2


async def test_backfill_posts_the_newest_n_on_first_sight(tmp_path: Path) -> None:
    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(articles) as site:
        services = await _world(tmp_path, fake, site, BACKFILL="2", TELEGRAM_CHANNELS="@huna_news")
        try:
            report = await run_once(services)
        finally:
            await services.close()
    assert report.new == 2 and report.feeds[0].baseline == 4
    newest_first = sorted(articles, key=lambda a: a.time, reverse=True)
    texts = [plain(m.text) for m in fake.sent("@huna_news")]
    # posted oldest first, so the channel reads in publication order
    assert newest_first[1].title in texts[0] and newest_first[0].title in texts[1]
