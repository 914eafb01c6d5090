"""Reader services on a real store: pages, sections, search (index and fallback), subscriptions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.compose.arabic import normalize
from bot.models import Article, Destination, DestinationKind, Section
from bot.reader import Reader
from bot.store import Store

T0 = datetime(2025, 10, 15, 9, 0, tzinfo=UTC)
WORLD = Section("العالم", "world")
SPORTS = Section("رياضة", "sports")
SECTIONS = {"العالم": "world", "رياضة": "sports", "اقتصاد": "economy"}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(f"sqlite+aiosqlite:///{tmp_path}/db")
    try:
        yield s
    finally:
        await s.close()


async def put(store: Store, n: int, title: str, section: Section | None = WORLD, body: str = "") -> int:
    article = Article(
        url=f"https://news.example/a/{n}",
        title=title,
        paragraphs=(body,) if body else (),
        section=section,
        published=T0 + timedelta(minutes=n),
    )
    text = normalize(" ".join([title, body]))
    saved = await store.articles.save(
        article,
        fingerprint=f"f{n}",
        search_text=text,
        now=T0 + timedelta(minutes=n),
        destinations=[Destination(DestinationKind.SUBSCRIBER, section.slug)] if section else [],
    )
    return saved.article_id


async def test_latest_pages_newest_first(store: Store) -> None:
    for n in range(12):
        await put(store, n, f"خبر رقم {n}")
    reader = Reader(store, SECTIONS)
    first = await reader.latest()
    assert [s.title for s in first.items] == [f"خبر رقم {n}" for n in (11, 10, 9, 8, 7)]
    assert first.next_offset == 5
    last = await reader.latest(5, 10)
    assert [s.title for s in last.items] == ["خبر رقم 1", "خبر رقم 0"]
    assert last.next_offset is None
    assert len((await reader.latest(500)).items) == 12  # capped at 50
    assert (await reader.latest(5, 10_000)).items == []


async def test_section_listing_and_lookup(store: Store) -> None:
    await put(store, 1, "مباراة القمة", SPORTS)
    await put(store, 2, "قمة دولية", WORLD)
    await put(store, 3, "معرض الكتاب", Section("ثقافة وفنون", "culture"))
    reader = Reader(store, SECTIONS)
    page = await reader.latest(section="sports")
    assert [s.title for s in page.items] == ["مباراة القمة"]
    slugs = [s.slug for s in await reader.sections()]
    assert slugs == ["world", "sports", "economy", "culture"]  # configured first, then the store's
    assert (await reader.find_section("/sports")) == SPORTS
    assert (await reader.find_section("الرياضة")) == SPORTS
    assert (await reader.find_section("رياضه")) == SPORTS
    assert (await reader.find_section("ثقافة وفنون")) == Section("ثقافة وفنون", "culture")
    assert await reader.find_section("طقس") is None
    assert await reader.find_section("") is None


@pytest.mark.parametrize("warm", [True, False], ids=["index", "store-fallback"])
async def test_search_ranks_by_relevance_then_recency(store: Store, warm: bool) -> None:
    await put(store, 1, "ارتفاع أسعار النفط")
    await put(store, 2, "الاقتصاد العالمي", body="وتحدث التقرير عن النفط والغاز")
    await put(store, 3, "النفط يهبط مع تراجع الطلب")
    await put(store, 4, "مباراة كرة قدم", SPORTS)
    reader = Reader(store, SECTIONS)
    if warm:
        await reader.warm()
    page = await reader.search("النفط")
    assert page is not None
    assert [s.title for s in page.items] == [
        "النفط يهبط مع تراجع الطلب",
        "ارتفاع أسعار النفط",
        "الاقتصاد العالمي",
    ]
    assert page.next_offset is None
    assert await reader.search("في من") is not None
    assert await reader.search("؟!") is None


async def test_search_pages(store: Store) -> None:
    for n in range(8):
        await put(store, n, f"قمة المناخ {n}")
    reader = Reader(store, SECTIONS)
    await reader.warm()
    first = await reader.search("قمة المناخ", limit=5)
    assert first is not None and first.next_offset == 5
    second = await reader.search("قمة المناخ", limit=5, offset=5)
    assert second is not None and second.next_offset is None
    assert [s.id for s in first.items + second.items] == list(range(8, 0, -1))


async def test_index_follows_new_updated_and_withdrawn_articles(store: Store) -> None:
    reader = Reader(store, SECTIONS, fresh_every=0, recheck_every=0)
    first = await put(store, 1, "زلزال في تركيا")
    await reader.warm()
    await put(store, 2, "زلزال جديد في اليابان")
    page = await reader.search("زلزال")
    assert page is not None and [s.id for s in page.items] == [2, first]
    changed = Article(url="https://news.example/a/1", title="فيضانات في تركيا", section=WORLD)
    await store.articles.save(
        changed, fingerprint="g1", search_text=normalize(changed.title), now=datetime.now(UTC) + timedelta(seconds=1)
    )
    page = await reader.search("فيضانات")
    assert page is not None and [s.id for s in page.items] == [first]
    await store.articles.mark_withdrawn(2)
    page = await reader.search("زلزال")
    assert page is not None and page.items == []


async def test_subscriptions(store: Store) -> None:
    reader = Reader(store, SECTIONS)
    assert await reader.subscribe(42, WORLD, "ar") is True
    assert await reader.subscribe(42, WORLD, "ar") is False
    assert await reader.subscribe(42, SPORTS, "ar") is True
    assert await reader.subscriptions(42) == [SPORTS, WORLD]
    # a new article of a subscribed section fans out to the subscriber through the outbox
    article_id = await put(store, 5, "هدف قاتل", SPORTS)
    assert [d.destination for d in await store.outbox.for_article(article_id)] == ["subscriber:42"]
    assert await reader.unsubscribe(42, SPORTS) == 1
    assert await reader.unsubscribe(42, SPORTS) == 0
    article_id = await put(store, 6, "هدف ثان", SPORTS)
    assert await store.outbox.for_article(article_id) == []
    assert await reader.unsubscribe(42, None) == 1
    assert await reader.subscriptions(42) == []


async def test_pages_are_kept_briefly_and_dropped_when_stale(store: Store) -> None:
    await put(store, 1, "خبر أول")
    reader = Reader(store, SECTIONS, fresh_every=60)
    assert [s.title for s in (await reader.latest()).items] == ["خبر أول"]
    await put(store, 2, "خبر ثان")
    assert [s.title for s in (await reader.latest()).items] == ["خبر أول"]  # kept
    reader.stale()
    assert [s.title for s in (await reader.latest()).items] == ["خبر ثان", "خبر أول"]


async def test_search_results_are_read_again_when_their_version_changes(store: Store) -> None:
    reader = Reader(store, SECTIONS, fresh_every=0, recheck_every=0)
    await put(store, 1, "زلزال قوي")
    await reader.warm()
    page = await reader.search("زلزال")
    assert page is not None and page.items[0].title == "زلزال قوي"
    changed = Article(url="https://news.example/a/1", title="زلزال قوي يضرب المدينة", section=WORLD)
    await store.articles.save(
        changed, fingerprint="g", search_text=normalize(changed.title), now=datetime.now(UTC) + timedelta(seconds=1)
    )
    page = await reader.search("زلزال")
    assert page is not None and page.items[0].title == "زلزال قوي يضرب المدينة"
    assert page.items[0].version == 2


async def test_a_page_past_its_time_is_served_while_one_read_refreshes_it(store: Store) -> None:
    statements: list[str] = []
    event.listen(store.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    await put(store, 1, "خبر أول")
    statements.clear()
    reader = Reader(store, SECTIONS, fresh_every=0)
    pages = await asyncio.gather(*(reader.latest() for _ in range(20)))  # cold: they share one read
    assert {tuple(s.title for s in p.items) for p in pages} == {("خبر أول",)}
    assert sum("FROM articles" in s for s in statements) == 1
    await put(store, 2, "خبر ثان")
    stale = await reader.latest()  # past its time: the old page at once, a read in the background
    assert [s.title for s in stale.items] == ["خبر أول"]
    await asyncio.sleep(0.1)
    assert [s.title for s in (await reader.latest()).items] == ["خبر ثان", "خبر أول"]
