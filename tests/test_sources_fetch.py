"""The fetcher against the fake site over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.config import load_settings
from bot.exceptions import BlockedURL, FetchError, TooLarge
from bot.sources.fetch import Fetcher
from tests.fakes.site import FakeSite


@pytest.fixture
async def site() -> AsyncIterator[FakeSite]:
    async with FakeSite(huge_bytes=2_000_000) as s:
        yield s


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    settings = load_settings(env_file=None, FETCH_TIMEOUT=0.5, MAX_RESPONSE_BYTES=500_000, USER_AGENT="AkhbarTest/1")
    async with aiohttp.ClientSession() as session:
        yield Fetcher(session, settings.sources)


async def test_fetches_with_a_clear_user_agent_and_gzip(site: FakeSite, fetcher: Fetcher) -> None:
    got = await fetcher.fetch(site.feed_url("rss"))
    assert got.status == 200 and got.body.startswith(b"<?xml")
    assert "charset=utf-8" in (got.content_type or "")
    seen = site.requests[-1].headers
    assert seen["User-Agent"] == "AkhbarTest/1"
    assert "gzip" in seen["Accept-Encoding"] and "rss+xml" in seen["Accept"]


async def test_conditional_get_by_etag_and_by_last_modified(site: FakeSite, fetcher: Fetcher) -> None:
    first = await fetcher.fetch(site.feed_url("atom"))
    assert first.etag and first.last_modified
    by_etag = await fetcher.fetch(site.feed_url("atom"), etag=first.etag)
    assert by_etag.not_modified and by_etag.body == b"" and by_etag.etag == first.etag
    assert site.requests[-1].headers["If-None-Match"] == first.etag
    by_date = await fetcher.fetch(site.feed_url("atom"), last_modified=first.last_modified)
    assert by_date.not_modified
    site.add(title="خبر جديد يغير الخلاصة")
    changed = await fetcher.fetch(site.feed_url("atom"), etag=first.etag, last_modified=first.last_modified)
    assert changed.status == 200 and "خبر جديد يغير الخلاصة".encode() in changed.body


@pytest.mark.parametrize("status", [404, 410, 500, 503])
async def test_http_errors_carry_the_status(site: FakeSite, fetcher: Fetcher, status: int) -> None:
    site.fault("/feed.xml", str(status))
    with pytest.raises(FetchError, match=f"HTTP {status}") as info:
        await fetcher.fetch(site.feed_url("rss"))
    assert info.value.status == status
    assert (await fetcher.fetch(site.feed_url("rss"))).status == 200  # the fault was one-off


async def test_a_hanging_server_times_out(site: FakeSite, fetcher: Fetcher) -> None:
    site.fault("/feed.xml", "hang")
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
        await fetcher.fetch(site.feed_url("rss"))


async def test_a_reset_connection(site: FakeSite, fetcher: Fetcher) -> None:
    site.fault("/feed.xml", "reset", times=None)  # aiohttp itself retries a reset idempotent request once
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(site.feed_url("rss"))
    assert info.value.status is None


async def test_refused_connection(fetcher: Fetcher) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect"):
        await fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")


@pytest.mark.parametrize("kind", ["huge", "gzip_bomb"])
async def test_bodies_over_the_cap_stop_reading(site: FakeSite, fetcher: Fetcher, kind: str) -> None:
    site.fault("/feed.xml", kind)
    with pytest.raises(TooLarge, match="500000-byte cap"):
        await fetcher.fetch(site.feed_url("rss"))


async def test_redirects_are_bounded_at_five(site: FakeSite, fetcher: Fetcher) -> None:
    got = await fetcher.fetch(site.url("/hop/5"))
    assert got.status == 200 and got.url == site.url("/hop/0")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetcher.fetch(site.url("/hop/6"))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetcher.fetch(site.url("/loop"))


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "javascript:alert(1)", "/feed.xml"])
async def test_only_http_urls_are_fetched(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(BlockedURL):
        await fetcher.fetch(url)


async def test_arabic_paths_are_fetched_raw_or_encoded(site: FakeSite, fetcher: Fetcher) -> None:
    raw = await fetcher.fetch_page(site.article_url(1001, encoded=False))
    encoded = await fetcher.fetch_page(site.article_url(1001, encoded=True))
    assert raw.status == encoded.status == 200 and raw.body == encoded.body
    assert "text/html" in site.requests[-1].headers["Accept"]


async def test_fetch_image_sends_the_page_as_referer(site: FakeSite, fetcher: Fetcher) -> None:
    article = site.get(1001)
    data = await fetcher.fetch_image(site.image_url(article) or "", site.article_url(article))
    assert data.startswith(b"\xff\xd8\xff")  # a JPEG
    assert site.requests[-1].headers["Referer"].startswith(site.url("/news/1001/%D8%A7"))


async def test_fetch_image_refuses_what_is_not_an_image(site: FakeSite, fetcher: Fetcher) -> None:
    url = site.image_url(site.get(1001)) or ""
    site.fault(site.path_of(url), "not_image")
    with pytest.raises(FetchError, match="not an image: text/html"):
        await fetcher.fetch_image(url)
    site.fault(site.path_of(url), "404")
    with pytest.raises(FetchError, match="HTTP 404"):
        await fetcher.fetch_image(url)


async def test_open_owns_and_closes_its_session(site: FakeSite) -> None:
    settings = load_settings(env_file=None)
    async with Fetcher.open(settings.sources) as fetcher:
        assert (await fetcher.fetch(site.feed_url("json"))).status == 200
    assert fetcher._session.closed
