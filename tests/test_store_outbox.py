"""The outbox on both backends: claiming, retries, dead letters, crash recovery, paused destinations."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from bot.models import Article, DeliveryStatus, Destination, DestinationKind, Priority, Section
from bot.store import Store
from bot.store.outbox import SentRecord

A = Destination(DestinationKind.CHANNEL, "@a")
B = Destination(DestinationKind.CHANNEL, "@b")


async def _article(store: Store, n: int = 1) -> int:
    saved = await store.articles.save(
        Article(url=f"https://huna.example/{n}", title=f"خبر {n}"), fingerprint="f", destinations=[A, B]
    )
    return saved.article_id


async def test_due_rows_are_claimed_once(store: Store) -> None:
    await _article(store)
    due = await store.outbox.due()
    assert [d.destination for d in due] == ["channel:@a", "channel:@b"]
    assert await store.outbox.begin(due[0].id) is True
    assert await store.outbox.begin(due[0].id) is False  # already SENDING
    assert [d.destination for d in await store.outbox.due()] == ["channel:@b"]
    assert [d.destination for d in await store.outbox.due(exclude=[due[1].id])] == []


async def test_retry_waits_and_429_does_not_count_as_an_attempt(store: Store) -> None:
    await _article(store)
    first = (await store.outbox.due())[0]
    await store.outbox.begin(first.id)
    later = datetime.now(UTC) + timedelta(seconds=30)
    await store.outbox.retry(first.id, error="429 retry after 30", at=later, count_attempt=False)
    assert [d.id for d in await store.outbox.due()] != [first.id]
    row = next(d for d in await store.outbox.due(now=later + timedelta(seconds=1)) if d.id == first.id)
    assert row.attempts == 0 and row.last_error == "429 retry after 30"
    await store.outbox.begin(first.id)
    await store.outbox.retry(first.id, error="502", at=datetime.now(UTC))
    row = next(d for d in await store.outbox.due() if d.id == first.id)
    assert row.attempts == 1


async def test_dead_letters_are_visible(store: Store) -> None:
    await _article(store)
    row = (await store.outbox.due())[0]
    await store.outbox.dead(row.id, reason="400 can't parse entities")
    dead = await store.outbox.dead_letters()
    assert [(d.id, d.last_error) for d in dead] == [(row.id, "400 can't parse entities")]
    assert (await store.outbox.counts())["dead"] == 1


async def test_recover_after_crash_and_release_on_shutdown(store: Store) -> None:
    await _article(store)
    a, b = await store.outbox.due()
    await store.outbox.begin(a.id)
    await store.outbox.begin(b.id)
    assert await store.outbox.release([a.id]) == 1
    assert await store.outbox.recover() == 1  # b was left SENDING by a "crash"
    rows = await store.outbox.due()
    assert {r.id for r in rows} == {a.id, b.id}
    assert {r.status for r in rows} == {DeliveryStatus.PENDING}


async def test_paused_destination_is_skipped_until_resumed(store: Store) -> None:
    await _article(store)
    await store.outbox.set_destination("channel:@a", paused=True, reason="403 kicked")
    assert [d.destination for d in await store.outbox.due()] == ["channel:@b"]
    state = await store.outbox.destination("channel:@a")
    assert state is not None and state.paused and state.reason == "403 kicked"
    await store.outbox.set_destination("channel:@a", paused=False, moved_to="-1001234")
    assert {d.destination for d in await store.outbox.due()} == {"channel:@a", "channel:@b"}
    state = await store.outbox.destination("channel:@a")
    assert state is not None and state.moved_to == "-1001234"


async def test_claims_and_records_in_one_transaction_each(store: Store) -> None:
    await _article(store, 1)
    await _article(store, 2)
    rows = await store.outbox.due()
    ids = [r.id for r in rows]
    assert await store.outbox.begin_many(ids[:3]) == set(ids[:3])
    assert await store.outbox.begin_many(ids) == {ids[3]}  # the first three were already claimed
    assert await store.outbox.begin_many([]) == set()
    current = {r.article_id: (await store.articles.get(r.article_id)) for r in rows}
    records = [
        SentRecord(r.id, str(100 + n), r.destination.split(":", 1)[1], n % 2 == 0,
                   current[r.article_id].article.content_hash())  # type: ignore[union-attr]
        for n, r in enumerate(rows)
    ]  # fmt: skip
    records[-1] = dataclasses.replace(records[-1], sent_hash="an older version")
    await store.outbox.sent_many(records)
    after = {d.id: d for a in current for d in await store.outbox.for_article(a)}
    assert [after[i].status for i in ids] == [DeliveryStatus.SENT] * 3 + [DeliveryStatus.PENDING]  # stale: edit
    assert [after[i].message_id for i in ids] == ["100", "101", "102", "103"]
    assert [after[i].as_photo for i in ids] == [True, False, True, False]


async def test_due_rows_carry_the_route_of_a_migrated_destination(store: Store) -> None:
    await _article(store)
    await store.outbox.set_destination("channel:@b", paused=False, moved_to="-100777")
    routes = {d.destination: d.route for d in await store.outbox.due()}
    assert routes == {"channel:@a": None, "channel:@b": "-100777"}


async def test_channel_rows_come_before_an_older_subscriber_backlog(store: Store) -> None:
    for chat in (11, 12, 13):
        await store.subscribers.subscribe(chat, "world")
    world = Section("العالم", "world")
    subs = [Destination(DestinationKind.SUBSCRIBER, "world")]
    old = Article(url="https://huna.example/s", title="قديم", section=world)
    await store.articles.save(old, fingerprint="s", destinations=subs)
    await _article(store, 2)  # newer, for channels @a and @b
    due = await store.outbox.due()
    assert [d.destination for d in due] == ["channel:@a", "channel:@b", "subscriber:11", "subscriber:12",
                                            "subscriber:13"]  # fmt: skip
    bulk = await store.outbox.due(priority=Priority.BULK, limit=2)
    assert [d.destination for d in bulk] == ["subscriber:11", "subscriber:12"]


async def test_claims_and_give_backs_are_not_attempts(store: Store) -> None:
    await _article(store)
    row = (await store.outbox.due())[0]
    for _ in range(3):  # claimed, then a crash (recover) or a shutdown (release) gives it back
        assert await store.outbox.begin_many([row.id]) == {row.id}
        await store.outbox.recover()
        await store.outbox.begin(row.id)
        await store.outbox.release([row.id])
    again = next(d for d in await store.outbox.due() if d.id == row.id)
    assert again.attempts == 0
    await store.outbox.begin(row.id)
    await store.outbox.retry(row.id, error="502", at=datetime.now(UTC))
    assert next(d for d in await store.outbox.due() if d.id == row.id).attempts == 1
