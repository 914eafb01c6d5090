"""Feed state, bot state, subscriptions and migrations on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.models import FeedHealth, FeedState
from bot.store import Store
from bot.store.db import current_revision, head_revision


async def test_migrations_bring_an_empty_database_to_head(store: Store) -> None:
    assert head_revision() is not None
    assert await current_revision(store.engine) == head_revision()


async def test_feed_state_round_trip(store: Store) -> None:
    assert (await store.feeds.get("https://x/feed")).health is FeedHealth.NEW
    when = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    state = FeedState(
        url="https://x/feed",
        etag='W/"1"',
        last_modified="Sun, 29 Nov 2026 06:00:00 GMT",
        health=FeedHealth.FAILING,
        failures=3,
        next_poll_at=when,
        last_error="HTTP 502",
        baselined=True,
        extra={"kind": "rss"},
    )
    await store.feeds.save(state)
    state.failures = 4
    await store.feeds.save(state)
    back = await store.feeds.get("https://x/feed")
    assert back == state
    assert [f.url for f in await store.feeds.all()] == ["https://x/feed"]


async def test_bot_state_and_pause(store: Store) -> None:
    assert await store.state.paused() is False
    await store.state.set_paused(True)
    assert await store.state.paused() is True
    await store.state.set("update_offset", "17")
    await store.state.set("update_offset", "18")
    assert await store.state.get("update_offset") == "18"


async def test_subscriptions(store: Store) -> None:
    assert await store.subscribers.subscribe(10, "world", "ar") is True
    assert await store.subscribers.subscribe(10, "world") is False
    assert await store.subscribers.subscribe(10, "sports") is True
    assert await store.subscribers.sections_of(10) == ["sports", "world"]
    assert await store.subscribers.unsubscribe(10, "world") == 1
    assert await store.subscribers.sections_of(10) == ["sports"]
    assert await store.subscribers.subscribe(10, "world") is True  # re-activated
    assert await store.subscribers.count("world") == 1
    assert await store.subscribers.unsubscribe(10) == 2
    assert await store.subscribers.count() == 0


async def test_unsubscribe_is_immediate_for_queued_posts(store: Store) -> None:
    from bot.models import Article, DeliveryStatus, Destination, DestinationKind, Section

    await store.subscribers.subscribe(10, "world")
    await store.subscribers.subscribe(10, "sports")
    for n, (name, slug) in enumerate([("العالم", "world"), ("رياضة", "sports")]):
        await store.articles.save(
            Article(url=f"https://huna.example/{n}", title=f"خبر {n}", section=Section(name, slug)),
            fingerprint="f",
            destinations=[Destination(DestinationKind.SUBSCRIBER, slug)],
        )
    await store.subscribers.unsubscribe(10, "world")
    due = await store.outbox.due()
    assert [d.article_id for d in due] == [2]  # the sports post still goes; the world one does not
    assert (await store.outbox.counts())[DeliveryStatus.SKIPPED.value] == 1
