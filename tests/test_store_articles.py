"""Articles on both backends: identity across aliases, updates re-open sent posts, queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.models import Article, DeliveryStatus, Destination, DestinationKind, Section
from bot.store import SaveOutcome, Store

WORLD = Section("العالم", "world")
CHANNEL = Destination(DestinationKind.CHANNEL, "@akhbar")
X = Destination(DestinationKind.X)


def art(n: int, **kw: object) -> Article:
    base: dict[str, object] = {
        "url": f"https://huna.example/news/{n}",
        "title": f"عنوان الخبر رقم {n}",
        "paragraphs": (f"فقرة أولى من الخبر {n}.",),
        "section": WORLD,
    }
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


async def test_new_article_creates_its_deliveries_in_one_go(store: Store) -> None:
    saved = await store.articles.save(art(1), fingerprint="f", destinations=[CHANNEL, X])
    assert saved.outcome is SaveOutcome.NEW and saved.version == 1
    rows = await store.outbox.for_article(saved.article_id)
    assert [r.destination for r in rows] == ["channel:@akhbar", "x"]
    assert {r.status for r in rows} == {DeliveryStatus.PENDING}


async def test_same_article_under_another_alias_is_not_new(store: Store) -> None:
    first = await store.articles.save(art(1), fingerprint="f", aliases=["guid:abc"], destinations=[CHANNEL])
    # the GUID changed but the URL is the same
    again = await store.articles.save(art(1), fingerprint="f", aliases=["guid:xyz"], destinations=[CHANNEL])
    # the URL changed (slug edited) but the GUID is the one we know
    moved = await store.articles.save(
        art(1, url="https://huna.example/news/1-edited"), fingerprint="f", aliases=["guid:xyz"], destinations=[CHANNEL]
    )
    assert again.outcome is SaveOutcome.SAME and moved.outcome is SaveOutcome.SAME
    assert again.article_id == moved.article_id == first.article_id
    assert len(await store.outbox.for_article(first.article_id)) == 1
    known = await store.articles.known(["guid:abc", "guid:xyz", "https://huna.example/news/1-edited", "nope"])
    assert set(known) == {"guid:abc", "guid:xyz", "https://huna.example/news/1-edited"}


async def test_update_reopens_sent_posts_for_editing_only(store: Store) -> None:
    saved = await store.articles.save(art(1), fingerprint="f1", destinations=[CHANNEL, X])
    tg, x = await store.outbox.for_article(saved.article_id)
    assert await store.outbox.begin(tg.id)
    await store.outbox.sent(tg.id, message_id="42", chat_id="@akhbar", as_photo=True, sent_hash=art(1).content_hash())
    await store.outbox.dead(x.id, reason="400 duplicate")

    updated = await store.articles.save(art(1, title="عنوان مُحدَّث"), fingerprint="f2")
    assert updated.outcome is SaveOutcome.UPDATED and updated.version == 2
    tg2, x2 = await store.outbox.for_article(saved.article_id)
    assert tg2.status is DeliveryStatus.PENDING and tg2.message_id == "42" and tg2.as_photo
    assert x2.status is DeliveryStatus.DEAD  # a dead letter stays dead
    stored = await store.articles.get(saved.article_id)
    assert stored is not None and stored.article.title == "عنوان مُحدَّث"


async def test_feed_only_update_keeps_the_body(store: Store) -> None:
    saved = await store.articles.save(art(1), fingerprint="f1")
    await store.articles.save(art(1, paragraphs=(), image="https://huna.example/i.jpg"), fingerprint="f2")
    stored = await store.articles.get(saved.article_id)
    assert stored is not None
    assert stored.article.paragraphs == art(1).paragraphs and stored.article.image == "https://huna.example/i.jpg"


async def test_unchanged_content_with_new_fingerprint_is_same(store: Store) -> None:
    await store.articles.save(art(1), fingerprint="f1")
    again = await store.articles.save(art(1), fingerprint="f2")
    assert again.outcome is SaveOutcome.SAME
    assert await store.articles.known([art(1).url]) == {art(1).url: "f2"}


async def test_subscribers_fan_out_without_loading_them(store: Store) -> None:
    for chat in range(1, 251):
        await store.subscribers.subscribe(chat, "world")
    await store.subscribers.subscribe(999, "sports")
    await store.subscribers.unsubscribe(7, "world")
    saved = await store.articles.save(
        art(1), fingerprint="f", destinations=[CHANNEL, Destination(DestinationKind.SUBSCRIBER, "world")]
    )
    rows = await store.outbox.for_article(saved.article_id)
    subs = {r.destination for r in rows if r.destination.startswith("subscriber:")}
    assert len(subs) == 249 and "subscriber:7" not in subs and "subscriber:999" not in subs


async def test_latest_and_section_and_search(store: Store) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(1, 8):
        sec = WORLD if n % 2 else Section("رياضة", "sports")
        await store.articles.save(
            art(n, section=sec),
            fingerprint="f",
            search_text=f"عنوان الخبر رقم {n} ناتو" if n == 3 else "",
            now=t0 + timedelta(minutes=n),
        )
    latest = await store.articles.latest(3)
    assert [a.article.url[-1] for a in latest] == ["7", "6", "5"]
    page2 = await store.articles.latest(3, offset=3)
    assert [a.article.url[-1] for a in page2] == ["4", "3", "2"]
    sports = await store.articles.latest(10, section="sports")
    assert [a.article.url[-1] for a in sports] == ["6", "4", "2"]
    found = await store.articles.search(["ناتو"])
    assert [a.article.url[-1] for a in found] == ["3"]
    assert await store.articles.search(["ناتو", "غير_موجود"]) == []
    assert {s.slug for s in await store.articles.sections()} == {"world", "sports"}


async def test_search_escapes_like_wildcards(store: Store) -> None:
    await store.articles.save(art(1), fingerprint="f", search_text="نسبة 5% فقط")
    await store.articles.save(art(2), fingerprint="f", search_text="نسبة 50 فقط")
    found = await store.articles.search(["5%"])
    assert [a.article.url[-1] for a in found] == ["1"]


async def test_times_come_back_aware_utc(store: Store) -> None:
    published = datetime(2025, 10, 15, 15, 59, tzinfo=UTC) + timedelta(hours=0)
    saved = await store.articles.save(art(1, published=published), fingerprint="f")
    stored = await store.articles.get(saved.article_id)
    assert stored is not None and stored.article.published == published
    assert stored.seen_at.tzinfo is not None


async def test_update_leaves_x_posts_alone(store: Store) -> None:
    """X posts cannot be edited; re-opening them made X_DAILY_CAP count old posts as new ones."""
    saved = await store.articles.save(art(1), fingerprint="f1", destinations=[X])
    (x,) = await store.outbox.for_article(saved.article_id)
    await store.outbox.begin(x.id)
    await store.outbox.sent(x.id, message_id="99", chat_id="x", as_photo=False, sent_hash=art(1).content_hash())
    await store.articles.save(art(1, title="عنوان آخر"), fingerprint="f2")
    (x2,) = await store.outbox.for_article(saved.article_id)
    assert x2.status is DeliveryStatus.SENT


async def test_sent_reopens_a_row_whose_article_changed_meanwhile(store: Store) -> None:
    saved = await store.articles.save(art(1), fingerprint="f1", destinations=[CHANNEL])
    (row,) = await store.outbox.for_article(saved.article_id)
    await store.outbox.begin(row.id)
    old_hash = art(1).content_hash()
    await store.articles.save(art(1, title="عنوان محدّث"), fingerprint="f2")  # lands mid-send
    await store.outbox.sent(row.id, message_id="5", chat_id="@akhbar", as_photo=True, sent_hash=old_hash)
    (after,) = await store.outbox.for_article(saved.article_id)
    assert after.status is DeliveryStatus.PENDING and after.message_id == "5"
