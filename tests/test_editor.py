"""Editor services against the fake site and the fake Bot API: push, preview, breaking, pause, status,
and the SSRF guard on every fetch (redirects included)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from bot.editor import BREAKING_SOURCE, Editor, is_breaking
from bot.exceptions import BlockedURL, FetchError
from bot.models import DeliveryStatus
from bot.pipeline import run_once
from handlers.common import parts
from tests.fakes.site import FakeSite
from tests.test_handlers_rig import Rig, plain, running


@dataclass
class Desk:
    rig: Rig
    site: FakeSite
    editor: Editor


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with FakeSite() as site:
        env = {"SITE_URL": site.base_url, "FEED_URLS": site.feed_url("rss")}
        async with running(tmp_path, **env) as rig:
            yield Desk(rig, site, parts(rig.app).editor)


class Victim:
    """A server the bot must never reach (an internal service), and a redirector on the site's host."""

    def __init__(self) -> None:
        self.hits = 0
        self.target = ""
        self.runners: list[web.AppRunner] = []

    async def _start(self, app: web.Application) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    async def start(self) -> tuple[str, str]:
        async def secret(request: web.Request) -> web.Response:
            self.hits += 1
            return web.Response(text="<html><h1>internal secret</h1></html>", content_type="text/html")

        async def redirect(request: web.Request) -> web.Response:
            raise web.HTTPFound(self.target)

        internal = web.Application()
        internal.router.add_get("/{tail:.*}", secret)
        victim_url = await self._start(internal)
        front = web.Application()
        front.router.add_get("/{tail:.*}", redirect)
        return victim_url, await self._start(front)

    async def close(self) -> None:
        for runner in self.runners:
            await runner.cleanup()


async def test_push_publishes_to_channels_and_subscribers(desk: Desk) -> None:
    store = desk.rig.services.store
    article = desk.site.articles[0]
    await store.subscribers.subscribe(42, "world")
    pushed = await desk.editor.push(desk.site.article_url(article))
    assert pushed.title == article.title and pushed.queued == 2
    rows = await store.outbox.for_article(pushed.article_id)
    assert sorted(r.destination for r in rows) == ["channel:@huna_news", "subscriber:42"]
    assert desk.rig.services.wake.is_set()
    await desk.rig.services.worker.drain()
    post = desk.rig.fake.sent("@huna_news")[-1]
    assert article.title in plain(post.text) and post.is_photo
    again = await desk.editor.push(desk.site.article_url(article, encoded=True))
    assert again.article_id == pushed.article_id and again.queued == 0  # out everywhere already


async def test_push_of_an_article_the_feed_baselined_or_skipped(desk: Desk) -> None:
    store = desk.rig.services.store
    await run_once(desk.rig.services)  # first sight of the feed: a baseline, nothing posted
    article = desk.site.articles[1]
    known = await store.articles.count()
    assert known >= 2 and desk.rig.fake.sent("@huna_news") == []
    assert await desk.editor.set_paused(True) is True
    pushed = await desk.editor.push(desk.site.article_url(article))
    assert pushed.queued == 1 and await store.articles.count() == known  # no second copy
    await desk.rig.services.worker.drain()
    assert article.title in plain(desk.rig.fake.sent("@huna_news")[-1].text)
    fresh = desk.site.add(title="خبر جديد أثناء الإيقاف")
    await run_once(desk.rig.services)
    stored = await store.articles.by_alias(f"guid:huna-{fresh.id}")
    assert stored is not None
    assert [r.status for r in await store.outbox.for_article(stored.id)] == [DeliveryStatus.SKIPPED]
    assert (await desk.editor.push(desk.site.article_url(fresh))).queued == 1


async def test_preview_then_publish_once(desk: Desk) -> None:
    article = desk.site.articles[0]
    preview = await desk.editor.preview(desk.site.article_url(article))
    assert preview.post.photo is not None and article.title in plain(preview.post.plain)
    assert desk.rig.fake.sent("@huna_news") == [] and await desk.rig.services.store.articles.count() == 0
    taken = desk.editor.take_preview(preview.token)
    assert taken is not None and taken.title == article.title
    assert desk.editor.take_preview(preview.token) is None
    assert desk.editor.take_preview("nonexistent") is None


async def test_breaking_reaches_channels_and_every_subscriber_once(desk: Desk) -> None:
    store = desk.rig.services.store
    await store.subscribers.subscribe(42, "world")
    await store.subscribers.subscribe(42, "sports")
    await store.subscribers.subscribe(43, "sports")
    await store.subscribers.unsubscribe(43)
    queued = await desk.editor.breaking("زلزال بقوة 6 درجات\nلا أنباء عن إصابات")
    assert queued == 2
    latest = (await store.articles.latest(1))[0]
    assert is_breaking(latest.article) and latest.article.source == BREAKING_SOURCE
    assert latest.article.href == desk.site.base_url
    rows = await store.outbox.for_article(latest.id)
    assert sorted(r.destination for r in rows) == ["channel:@huna_news", "subscriber:42"]
    await desk.rig.services.worker.drain()
    assert "زلزال بقوة 6 درجات" in plain(desk.rig.fake.sent("@huna_news")[-1].text)
    assert "زلزال" in plain(desk.rig.fake.sent(42)[-1].text)


async def test_pause_resume_and_status(desk: Desk) -> None:
    assert await desk.editor.set_paused(True) is True
    assert await desk.editor.set_paused(True) is False
    assert await desk.rig.services.store.state.paused()
    assert await desk.editor.set_paused(False) is True
    await run_once(desk.rig.services)
    desk.site.fault(desk.site.path_of(desk.site.feed_url("rss")), "500", times=None)
    await run_once(desk.rig.services)
    status = await desk.editor.status()
    assert status.paused is False and status.articles >= 2
    assert [f.url for f in status.feeds] == [desk.site.feed_url("rss")]
    assert status.feeds[0].failures == 1 and status.feeds[0].last_error


@pytest.mark.parametrize(
    "url",
    [
        "ftp://{host}/x",
        "file:///etc/passwd",
        "http://localhost:{port}/news/1",
        "http://127.0.0.1/news/1",
        "http://127.0.0.1:1/news/1",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://user@{host}/news/1",
        "https://evil.example/{host}",
        "javascript:alert(1)",
    ],
)
async def test_push_and_preview_refuse_urls_off_the_site(desk: Desk, url: str) -> None:
    host = desk.site.base_url.removeprefix("http://")
    bad = url.format(host=host, port=host.split(":")[1])
    before = len(desk.site.requests)
    with pytest.raises(BlockedURL):
        await desk.editor.push(bad)
    with pytest.raises(BlockedURL):
        await desk.editor.preview(bad)
    assert len(desk.site.requests) == before


@pytest.mark.parametrize("where", ["victim", "localhost", "port80", "metadata", "other-host"])
async def test_redirects_off_the_site_are_not_followed(tmp_path: Path, where: str) -> None:
    victim = Victim()
    victim_url, front_url = await victim.start()
    victim.target = {
        "victim": f"{victim_url}/admin",
        "localhost": f"http://localhost:{victim_url.rsplit(':', 1)[1]}/admin",
        "port80": "http://127.0.0.1/admin",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "other-host": "https://example.org/",
    }[where]
    try:
        async with running(tmp_path, SITE_URL=front_url) as rig:
            with pytest.raises(BlockedURL):
                await parts(rig.app).editor.push(f"{front_url}/news/1")
        assert victim.hits == 0
    finally:
        await victim.close()


async def test_fetch_failures_are_reported(desk: Desk) -> None:
    with pytest.raises(FetchError):
        await desk.editor.push(desk.site.url("/news/999999/none"))
    desk.site.fault("/news/1/x", "500")
    with pytest.raises(FetchError):
        await desk.editor.push(desk.site.url("/news/1/x"))
