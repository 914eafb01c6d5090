"""The watcher against the fake site: new, changed and unchanged items, identity, faults, back-off."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.config import SourceSettings, load_settings
from bot.models import FeedHealth, FeedState, Section
from bot.sources.fetch import Fetcher
from bot.sources.watcher import KnownLookup, PolledItem, PollResult, Watcher
from tests.fakes.site import FakeSite, sample_articles

NOW = datetime(2025, 10, 16, 12, 0, tzinfo=UTC)


class MemoryStore:
    """The store's side of the contract, in memory: keys → fingerprint, as the real store keeps them."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}
        self.saved: list[PolledItem] = []

    async def known(self, keys: Sequence[str]) -> Mapping[str, str]:
        return {k: self.keys[k] for k in keys if k in self.keys}

    def save(self, result: PollResult) -> None:
        for item in result.items:
            for key in (item.article.url, *item.aliases):
                self.keys[key] = item.fingerprint
            self.saved.append(item)


def settings(**overrides: object) -> SourceSettings:
    return load_settings(env_file=None, FETCH_TIMEOUT=0.5, POLL_INTERVAL=60, **overrides).sources


@pytest.fixture
async def site() -> AsyncIterator[FakeSite]:
    async with FakeSite() as s:
        yield s


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def watcher(http: aiohttp.ClientSession, **overrides: object) -> Watcher:
    conf = settings(**overrides)
    return Watcher(Fetcher(http, conf), conf, rng=random.Random(7), clock=lambda: NOW)


async def poll(w: Watcher, state: FeedState, store: MemoryStore) -> PollResult:
    known: KnownLookup = store.known
    result = await w.poll(state, known)
    store.save(result)
    return result


def ready(url: str) -> FeedState:
    return FeedState(url=url, baselined=True)


def page_hits(site: FakeSite) -> int:
    return sum(1 for r in site.requests if r.path.startswith("/news/"))


async def test_every_item_of_a_new_feed_comes_newest_first_from_feed_and_page(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    store = MemoryStore()
    result = await poll(watcher(http), ready(site.feed_url("rss")), store)
    samples = sorted(sample_articles(), key=lambda a: a.published, reverse=True)
    assert [i.article.title for i in result.items] == [a.title for a in samples]
    assert result.entries == 6 and not any(i.updated for i in result.items)
    seed = next(i.article for i in result.items if i.article.guid == "huna-1001")
    assert list(seed.paragraphs) == list(site.get(1001).paragraphs)
    assert seed.kicker == "روته يتوقّع انضمام دول جديدة لمبادرة الناتو لدعم أوكرانيا عسكريًا"
    assert seed.dateline == "أخبار هنا العالم" and seed.section == Section("العالم", "world")
    assert seed.image == site.url("/images/nato-ukraine-brussels.jpg")
    assert seed.url.startswith(site.url("/news/1001/%D8%A7").replace("http://127.0.0.1", "https://127.0.0.1"))
    assert "guid:huna-1001" in next(i for i in result.items if i.article.guid == "huna-1001").aliases
    assert seed.source == site.feed_url("rss")
    assert result.state.health is FeedHealth.OK and result.state.etag
    assert result.state.next_poll_at == NOW + timedelta(seconds=60)


async def test_first_poll_reads_pages_only_for_the_backfill(site: FakeSite, http: aiohttp.ClientSession) -> None:
    store = MemoryStore()
    result = await poll(watcher(http, BACKFILL=2), FeedState(url=site.feed_url("rss")), store)
    assert len(result.items) == 6
    assert page_hits(site) == 2
    assert [bool(i.article.paragraphs) for i in result.items] == [True, True, False, False, False, False]
    assert all(i.article.title and i.article.section for i in result.items)  # the feed's own data


async def test_unchanged_feed_costs_a_304_and_nothing_else(site: FakeSite, http: aiohttp.ClientSession) -> None:
    store, w = MemoryStore(), watcher(http)
    first = await poll(w, ready(site.feed_url("rss")), store)
    pages = page_hits(site)
    second = await poll(w, first.state, store)
    assert second.not_modified and second.items == ()
    assert site.requests[-1].headers["If-None-Match"] == first.state.etag
    assert page_hits(site) == pages


async def test_same_body_without_conditional_get_is_not_parsed_again(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    site.conditional = False
    store, w = MemoryStore(), watcher(http)
    first = await poll(w, ready(site.feed_url("rss")), store)
    second = await poll(w, first.state, store)
    assert second.not_modified and second.items == ()


async def test_a_new_article_is_the_only_item_and_the_only_page_read(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    store, w = MemoryStore(), watcher(http)
    state = (await poll(w, ready(site.feed_url("rss")), store)).state
    pages = page_hits(site)
    fresh = site.add(title="عاجل: زلزال بقوة 5.2 درجات يضرب جنوب البلاد", section="محليات")
    result = await poll(w, state, store)
    assert [i.article.title for i in result.items] == [fresh.title]
    assert page_hits(site) == pages + 1
    assert result.items[0].article.section == Section("محليات", "local")


async def test_a_changed_title_is_an_update_of_the_same_article(site: FakeSite, http: aiohttp.ClientSession) -> None:
    store, w = MemoryStore(), watcher(http)
    first = await poll(w, ready(site.feed_url("rss")), store)
    old = next(i for i in first.items if i.article.guid == "huna-1003")
    site.update(1003, title="البنك المركزي يخفض سعر الفائدة إلى 7.25% في قرار مفاجئ")
    result = await poll(w, first.state, store)
    (item,) = result.items
    assert item.updated and item.article.url == old.article.url
    assert item.article.title.startswith("البنك المركزي يخفض") and item.fingerprint != old.fingerprint


async def test_one_article_across_feeds_and_url_variants(site: FakeSite, http: aiohttp.ClientSession) -> None:
    store, w = MemoryStore(), watcher(http)
    await poll(w, ready(site.feed_url("rss")), store)
    for kind in ("rss1", "atom", "json", "news_sitemap", "sitemap"):
        assert (await poll(w, ready(site.feed_url(kind)), store)).items == (), kind
    assert (await poll(w, ready(site.feed_url("rss", section="world")), store)).items == ()
    site.link_style, site.tracking = "encoded", True  # %XX links with utm_* parameters
    assert (await poll(w, ready(site.feed_url("rss")), store)).items == ()


async def test_a_changed_url_with_the_same_guid_is_an_update(site: FakeSite, http: aiohttp.ClientSession) -> None:
    store, w = MemoryStore(), watcher(http)
    first = await poll(w, ready(site.feed_url("rss")), store)
    site.update(1004, url_slug="المنتخب-يتأهل", title="المنتخب الوطني يحجز بطاقة التأهل إلى كأس آسيا 2027")
    (item,) = (await poll(w, first.state, store)).items
    assert item.updated and "guid:huna-1004" in item.aliases


async def test_a_changed_guid_with_the_same_link_is_the_same_article(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    store, w = MemoryStore(), watcher(http)
    await poll(w, ready(site.feed_url("rss")), store)
    site.guid_prefix = "cms2-"
    assert (await poll(w, ready(site.feed_url("rss")), store)).items == ()


@pytest.mark.parametrize("kind", ["rss", "rss1", "atom", "json", "news_sitemap", "sitemap", "sitemap_index"])
async def test_every_feed_kind_yields_the_same_articles(site: FakeSite, http: aiohttp.ClientSession, kind: str) -> None:
    reference = await poll(watcher(http), ready(site.feed_url("rss")), MemoryStore())
    result = await poll(watcher(http), ready(site.feed_url(kind)), MemoryStore())
    assert {i.article.url for i in result.items} == {i.article.url for i in reference.items}
    assert all(i.article.paragraphs and i.article.title for i in result.items)


async def test_sitemap_index_follows_the_newest_children_conditionally(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    store, w = MemoryStore(), watcher(http)
    first = await poll(w, ready(site.feed_url("sitemap_index")), store)
    assert len(first.items) == 6
    again = await poll(w, first.state, store)
    assert again.items == ()
    assert site.requests[-1].headers.get("If-None-Match")  # the child sitemap, conditionally
    fresh = site.add()
    third = await poll(w, again.state, store)
    assert [i.article.title for i in third.items] == [fresh.title]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("500", "HTTP 500"),
        ("404", "HTTP 404"),
        ("hang", "timed out"),
        ("html", "HTML page where a feed was expected"),
        ("malformed", "malformed feed"),
        ("empty", "empty response"),
        ("huge", "cap"),
    ],
)
async def test_a_failing_feed_backs_off_and_says_why(
    site: FakeSite, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture, fault: str, reason: str
) -> None:
    site.huge_bytes = 12_000_000
    site.fault("/feed.xml", fault, times=None)
    w = watcher(http, MAX_RESPONSE_BYTES=10_000_000)
    with caplog.at_level(logging.WARNING, logger="bot.sources.watcher"):
        result = await poll(w, ready(site.feed_url("rss")), MemoryStore())
    assert result.items == () and result.state.health is FeedHealth.FAILING
    assert result.state.failures == 1 and reason in (result.state.last_error or "")
    assert result.state.next_poll_at is not None and result.state.next_poll_at >= NOW + timedelta(seconds=60)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and site.feed_url("rss") in lines[0] and reason in lines[0]


async def test_back_off_grows_is_capped_and_resets_on_success(site: FakeSite, http: aiohttp.ClientSession) -> None:
    site.fault("/feed.xml", "503", times=None)
    w, store = watcher(http), MemoryStore()
    state = ready(site.feed_url("rss"))
    delays = []
    for _ in range(8):
        state = (await poll(w, state, store)).state
        assert state.next_poll_at is not None
        delays.append((state.next_poll_at - NOW).total_seconds())
    assert delays[0] < delays[2] < delays[4] and max(delays) <= 3600 and delays[-1] >= 3600 * 0.8
    assert state.failures == 8
    site.clear_faults()
    state = (await poll(w, state, store)).state
    assert state.health is FeedHealth.OK and state.failures == 0 and state.last_error is None
    assert state.next_poll_at == NOW + timedelta(seconds=60)


async def test_a_failing_page_keeps_the_item_and_is_read_again_later(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    store, w = MemoryStore(), watcher(http)
    seed = site.get(1001)
    site.fault(site.path_of(site.article_url(seed)), "500")
    first = await poll(w, ready(site.feed_url("rss")), store)
    assert len(first.items) == 6  # one bad page blocks nothing
    item = next(i for i in first.items if i.article.guid == "huna-1001")
    assert item.article.title == seed.title and not item.article.paragraphs  # what the feed gave
    assert item.fingerprint.endswith("~1")
    second = await poll(w, first.state, store)  # the feed did not change, but the page is read again
    (again,) = second.items
    assert again.updated and list(again.article.paragraphs) == list(seed.paragraphs)
    assert "~" not in again.fingerprint
    assert (await poll(w, second.state, store)).items == ()


async def test_a_page_that_keeps_failing_is_given_up_after_three_tries(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    store, w = MemoryStore(), watcher(http)
    site.fault(site.path_of(site.article_url(1002)), "404", times=None)
    state = ready(site.feed_url("rss"))
    prints = []
    for _ in range(5):
        result = await poll(w, state, store)
        state = result.state
        prints += [i.fingerprint for i in result.items if i.article.guid == "huna-1002"]
    assert [p.rpartition("~")[2] for p in prints] == ["1", "2", "3"]


async def test_page_reads_are_bounded_and_polls_of_one_feed_never_overlap(
    site: FakeSite, http: aiohttp.ClientSession
) -> None:
    for n in range(6):
        site.add(title=f"خبر إضافي رقم {n} في سلسلة الأخبار العاجلة اليوم")
    site.delay = 0.03
    w = watcher(http)
    w_state = ready(site.feed_url("rss"))
    results = await asyncio.gather(w.poll(w_state, MemoryStore().known), w.poll(w_state, MemoryStore().known))
    assert all(len(r.items) == 12 for r in results)
    assert site.peak["/feed.xml"] == 1
    in_flight = _max_overlap(site)
    assert in_flight <= 4


def _max_overlap(site: FakeSite) -> int:
    return max((n for path, n in site.peak.items() if path.startswith("/news/")), default=0)


async def test_windows_1256_feed(site: FakeSite, http: aiohttp.ClientSession) -> None:
    site.fault("/feed.xml", "cp1256_undeclared")
    result = await poll(watcher(http), ready(site.feed_url("rss")), MemoryStore())
    assert len(result.items) == 6 and result.items[0].article.title == sample_articles()[0].title
