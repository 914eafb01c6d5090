"""The delivery worker: sends what the outbox says is due, and records every outcome.

Rows are read in batches (never the whole outbox) and grouped into one *lane* per destination: a lane
sends its rows one after another, oldest first, so a channel gets its posts in order and a slow channel
(20 messages a minute) never holds up the others.  The pacing across the whole bot token is the
publisher's limiter's job.  Rows are claimed (PENDING → SENDING, committed) as they are read, one
transaction per batch; then each is sent or edited and SENT is recorded with the platform's message id
(committed).  Records of lanes that finish together share one transaction (:mod:`bot.store.group`): a
lane still waits for its own commit, but a fan-out pays about one commit per group of sends, not two per
message.  A lane that stops (429, 403, back-off) gives its unsent rows back (SENDING → PENDING) before
the destination is deferred or paused, so they keep their order; so does shutdown.

Failures follow the rules in ``bot.exceptions``: 429 → the same row again after ``retry_after``;
5xx/timeouts → back-off with jitter, dead after ``max_attempts``; 400 → dead letter with the reason;
403 → the destination is paused (a subscriber is unsubscribed) and editors are alerted; a migrated
chat is followed and remembered.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot.exceptions import (
    ChatMoved,
    DestinationGone,
    PublishError,
    RateLimited,
    Rejected,
    StoreError,
    TransientError,
)
from bot.models import Delivery, DestinationKind, Priority
from bot.models import Destination as Dest
from bot.posts import PostFactory
from bot.publish.base import Publisher, XPoster
from bot.store import Store, StoredArticle
from bot.store.group import GroupCommit
from bot.store.outbox import SentRecord

log = logging.getLogger(__name__)

Alert = Callable[[str], Awaitable[None]]
# What a database outage raises: SQLAlchemy's errors, and asyncpg's bare OSError when the server is gone.
STORE_DOWN = (SQLAlchemyError, OSError, StoreError)
ARTICLE_TTL = 5.0
RECORD_LINGER = 0.1  # the longest a SENT record waits to share a commit (the crash window's bound)
RECORD_PATIENCE = 60.0  # how long a SENT record is retried while the database is away


def describe(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


@dataclass(slots=True)
class DeliveryStats:
    sent: int = 0
    edited: int = 0
    retried: int = 0
    dead: int = 0
    paused: int = 0
    commits: int = 0  # transactions that claimed or recorded rows (group commits: far fewer than rows)


def backoff(attempts: int, *, base: float = 2.0, cap: float = 900.0) -> float:
    """Exponential back-off with full jitter: attempt 1 → up to 2 s, 2 → 4 s … capped at ``cap``."""
    return random.uniform(base / 2, min(cap, base * 2 ** max(0, attempts - 1)))


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        posts: PostFactory,
        telegram: Publisher,
        x: XPoster | None = None,
        *,
        alert: Alert | None = None,
        max_lanes: int = 256,
        batch: int = 500,
        max_attempts: int = 8,
        x_daily_cap: int | None = None,
    ) -> None:
        self._store = store
        self._posts = posts
        self._telegram = telegram
        self._x = x
        self._alert = alert
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._queued: dict[str, list[Delivery]] = {}
        self._held: dict[int, bool] = {}  # claimed rows in memory → is a subscriber (bulk) row
        self._bulk_held = 0
        self._stopping: set[str] = set()  # destinations whose lane is giving its rows back
        self._to_release: set[int] = set()
        self._articles: dict[int, tuple[float, StoredArticle]] = {}
        self._loading: dict[int, asyncio.Future[StoredArticle | None]] = {}
        self._digests: dict[tuple[int, int], str] = {}
        self._slots = asyncio.Semaphore(max_lanes)
        self._batch = batch
        self._max_attempts = max_attempts
        self._x_daily_cap = x_daily_cap
        # records wait for the answers to the sends released with them (at most 0.1 s): one commit each
        self._records: GroupCommit[SentRecord, None] = GroupCommit(
            self._record_group, hold=lambda: self._telegram.busy, linger=RECORD_LINGER
        )
        self._room = asyncio.Event()
        self.stats = DeliveryStats()

    async def _record_group(self, records: list[SentRecord]) -> list[None]:
        await self._store.outbox.sent_many(records)
        self.stats.commits += 1
        return [None] * len(records)

    # -- scheduling ---------------------------------------------------------------------------------

    async def dispatch(self) -> int:
        """Read and claim due rows and hand them to their lanes; returns how many were claimed.

        Channel and X rows are read every time, up to a ``batch`` held (they must not wait behind a
        subscriber fan-out); subscriber rows once no more than half a ``batch`` of them is held, up to a
        ``batch``: memory stays bounded and a 100,000-subscriber fan-out costs a read every
        ``batch / 2`` sends.  Rows of a destination whose lane is stopping are left for the next read."""
        if self._to_release:  # rows a database failure left claimed: give them back first
            await self._store.outbox.release(sorted(self._to_release))
            self._to_release.clear()
        outbox = self._store.outbox
        broadcast_room = self._batch - (len(self._held) - self._bulk_held)
        due = await outbox.due(limit=broadcast_room, priority=Priority.BROADCAST) if broadcast_room > 0 else []
        if self._bulk_held <= self._batch // 2:
            due += await outbox.due(limit=self._batch - self._bulk_held, priority=Priority.BULK)
        # held rows are SENDING, so never due, except one its lane has just put back (a chat migrated, an
        # edit re-opened) and not yet dropped: a later read takes it (a Python check, not a NOT IN list)
        due = [row for row in due if row.destination not in self._stopping and row.id not in self._held]
        if not due:
            return 0
        claimed = await self._store.outbox.begin_many([row.id for row in due])
        self.stats.commits += 1
        rows = [row for row in due if row.id in claimed]  # the others: another worker has them
        for row in rows:
            self._hold(row)
            self._queued.setdefault(row.destination, []).append(row)
            if row.destination not in self._lanes:
                self._lanes[row.destination] = asyncio.create_task(self._lane(row.destination))
        return len(rows)

    async def drain(self) -> DeliveryStats:
        """Send everything due now and return what this drain did (run_once's delivery half).
        Rows retried for later stay in the outbox."""
        before = dataclasses.replace(self.stats)
        while True:
            read = await self.dispatch()
            if not self._lanes:
                break
            self._room.clear()
            if read and self._bulk_held > self._batch // 2:
                await self._room.wait()  # read more once half the batch is done: the lanes never run dry
            else:
                await asyncio.gather(*list(self._lanes.values()))  # then look again (retries due now)
        return DeliveryStats(
            *(getattr(self.stats, f.name) - getattr(before, f.name) for f in dataclasses.fields(DeliveryStats))
        )

    async def run(self, stop: asyncio.Event, wake: asyncio.Event, *, idle: float = 1.0) -> None:
        """Keep dispatching until ``stop``; ``wake`` is set by the watcher when new rows were written."""
        try:
            while not stop.is_set():
                try:
                    await self.dispatch()
                except STORE_DOWN as exc:  # the database is away: keep the rows, try again shortly
                    log.error("outbox unreachable: %s", describe(exc))
                wake.clear()
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
                _, pending = await asyncio.wait(waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
                for w in pending:
                    w.cancel()
        finally:
            await self.shutdown()

    async def shutdown(self, grace: float = 5.0) -> None:
        """Let in-flight sends finish (up to ``grace`` s), cancel the rest; nothing held stays SENDING."""
        for queue in self._queued.values():
            queue.clear()  # rows not started yet: still held, released below with the rest
        lanes = list(self._lanes.values())
        if lanes:
            _, pending = await asyncio.wait(lanes, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._records.wait_idle()  # a record still being written lands before the release
        released = await self._store.outbox.release(sorted(self._held.keys() | self._to_release))
        if released:
            log.info("released %d in-flight deliveries for the next start", released)
        self._held.clear()
        self._bulk_held = 0
        self._to_release.clear()

    async def _lane(self, key: str) -> None:
        # subscriber lanes share max_lanes slots; a channel or X lane never queues behind them
        bulk = key.startswith(DestinationKind.SUBSCRIBER.value + ":")
        async with self._slots if bulk else contextlib.nullcontext():
            try:
                queue = self._queued[key]
                while queue:
                    row = queue.pop(0)
                    try:
                        await self._deliver(row)
                    except STORE_DOWN as exc:  # claimed, maybe sent: released when the database is back
                        log.error("delivery %s → %s interrupted: %s", row.article_id, key, describe(exc))
                        self._to_release.update([row.id, *(rest.id for rest in queue)])
                        for rest in queue:
                            self._drop(rest.id)
                        queue.clear()
                    finally:
                        self._drop(row.id)
                        self._stopping.discard(key)  # any deferral or pause is written by now
            finally:
                self._lanes.pop(key, None)
                self._queued.pop(key, None)
                if self._bulk_held <= self._batch // 2 or not self._lanes:
                    self._room.set()

    def _hold(self, row: Delivery) -> None:
        bulk = row.destination.startswith(DestinationKind.SUBSCRIBER.value + ":")
        if row.id not in self._held:
            self._held[row.id] = bulk
            self._bulk_held += bulk

    def _drop(self, delivery_id: int) -> None:
        self._bulk_held -= self._held.pop(delivery_id, False)

    # -- one row ------------------------------------------------------------------------------------

    async def _stop_lane(self, destination: str) -> None:
        """The destination cannot take more now: its lane's unsent rows go back to PENDING (first, so that
        the deferral or pause that follows applies to them too) and the lane ends.  Until it has ended,
        dispatch leaves the destination's rows alone (they would be claimed again before the deferral)."""
        self._stopping.add(destination)
        queue = self._queued.get(destination, [])
        rest, queue[:] = [r.id for r in queue], []
        for delivery_id in rest:
            self._drop(delivery_id)
        if rest:
            self._to_release.update(rest)  # until the release below is committed
            await self._store.outbox.release(rest)
            self._to_release.difference_update(rest)

    async def _deliver(self, row: Delivery) -> None:
        """Send or edit one claimed row and record the outcome."""
        outbox = self._store.outbox
        try:
            await self._send(row)
        except asyncio.CancelledError:
            await asyncio.shield(outbox.release([row.id]))
            raise
        except RateLimited as exc:
            self.stats.retried += 1
            at = datetime.now(UTC) + timedelta(seconds=max(exc.retry_after, 0.05))
            await self._stop_lane(row.destination)
            await outbox.retry(row.id, error=f"429: {exc.message}", at=at, count_attempt=False)
            await outbox.defer_destination(row.destination, at)  # the newer posts wait too: order kept
        except ChatMoved as exc:
            await outbox.set_destination(row.destination, paused=False, moved_to=str(exc.new_chat_id))
            await outbox.retry(row.id, error=f"moved to {exc.new_chat_id}", at=datetime.now(UTC), count_attempt=False)
        except DestinationGone as exc:
            await self._stop_lane(row.destination)
            await self._gone(row, exc)
        except Rejected as exc:
            self.stats.dead += 1
            await outbox.dead(row.id, reason=f"rejected: {exc.message}")
            log.warning("dead letter %s → %s: %s", row.article_id, row.destination, exc.message)
        except (TransientError, PublishError) as exc:
            if row.attempts + 1 >= self._max_attempts:
                self.stats.dead += 1
                await outbox.dead(row.id, reason=f"gave up after {row.attempts + 1} attempts: {exc.message}")
                log.warning("dead letter %s → %s after retries: %s", row.article_id, row.destination, exc.message)
            else:
                self.stats.retried += 1
                at = datetime.now(UTC) + timedelta(seconds=backoff(row.attempts + 1))
                await self._stop_lane(row.destination)
                await outbox.retry(row.id, error=exc.message, at=at)
                await outbox.defer_destination(row.destination, at)

    async def _send(self, row: Delivery) -> None:
        # an edit exists because the article changed: always read it fresh
        stored = await self._article(row.article_id, fresh=row.message_id is not None)
        if stored is None:
            await self._store.outbox.dead(row.id, reason="article no longer stored")
            return
        if stored.withdrawn:
            await self._store.outbox.skip(row.id, reason="withdrawn by the site")
            return
        dest = Dest.parse(row.destination)
        if dest.kind is DestinationKind.X:
            if self._x is None:
                await self._store.outbox.dead(row.id, reason="X posting is not configured")
                return
            if row.message_id:  # X posts cannot be edited: the first version stays
                await self._record(SentRecord(row.id, row.message_id, "x", row.as_photo, self._digest(stored)))
                return
            if await self._x_capped(row):
                return
            xpost = await self._posts.x(stored)
            tweet_id = await self._x.post(xpost)
            await self._record(SentRecord(row.id, tweet_id, "x", xpost.photo is not None, self._digest(stored)))
            self.stats.sent += 1
            return
        chat = row.chat_id or row.route or dest.target  # where it went before, or where the chat moved
        post = await self._posts.telegram(stored)
        if row.message_id:
            await self._telegram.edit(chat, int(row.message_id), post, as_photo=row.as_photo)
            await self._record(SentRecord(row.id, row.message_id, chat, row.as_photo, self._digest(stored)))
            self.stats.edited += 1
            return
        result = await self._telegram.send(chat, post)
        await self._record(
            SentRecord(row.id, str(result.message_id), result.chat_id, result.as_photo, self._digest(stored))
        )
        if result.chat_id != chat:
            await self._store.outbox.set_destination(row.destination, paused=False, moved_to=result.chat_id)
        self.stats.sent += 1

    async def _x_capped(self, row: Delivery) -> bool:
        """X_DAILY_CAP: past it the row is recorded as skipped (X bills per post; editors see why)."""
        if self._x_daily_cap is None:
            return False
        since = datetime.now(UTC) - timedelta(hours=24)
        if await self._store.outbox.sent_since(row.destination, since) < self._x_daily_cap:
            return False
        await self._store.outbox.skip(row.id, reason=f"X daily cap of {self._x_daily_cap} posts reached")
        log.warning("X daily cap (%d) reached; article %s not posted to X", self._x_daily_cap, row.article_id)
        return True

    async def _record(self, record: SentRecord) -> None:
        """Write SENT.  The message is already out, so a database hiccup must not become a second
        send: the write is retried for up to ``RECORD_PATIENCE`` seconds before the row is given up
        (released, so it may be sent again: the documented duplicate window)."""
        delay = 0.25
        deadline = time.monotonic() + RECORD_PATIENCE
        while True:
            try:
                await self._records.submit(record)
                return
            except STORE_DOWN as exc:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("recording delivery %s failed, retrying: %s", record.delivery_id, describe(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)

    def _digest(self, stored: StoredArticle) -> str:
        """The content hash sent with a row, computed once per article version, not once per message."""
        key = (stored.id, stored.version)
        digest = self._digests.get(key)
        if digest is None:
            if len(self._digests) > 1024:
                self._digests.clear()
            digest = self._digests[key] = stored.article.content_hash()
        return digest

    async def _article(self, article_id: int, *, fresh: bool = False) -> StoredArticle | None:
        """The article, read at most once per ``ARTICLE_TTL`` seconds: a fan-out to thousands of chats
        reads it once, not per message.  A change that lands meanwhile is not missed: ``outbox.sent``
        compares the hash sent with the stored one and re-opens the row for an edit."""
        now = time.monotonic()
        hit = self._articles.get(article_id)
        if hit is not None and not fresh and now - hit[0] < ARTICLE_TTL:
            return hit[1]
        loading = self._loading.get(article_id)
        if loading is not None and not fresh:  # hundreds of lanes start together: one read for all
            return await asyncio.shield(loading)
        task = asyncio.ensure_future(self._store.articles.get(article_id))
        if not fresh:
            self._loading[article_id] = task
        try:
            stored = await asyncio.shield(task)
        finally:
            if self._loading.get(article_id) is task:
                del self._loading[article_id]
        if len(self._articles) > 1024:
            self._articles.clear()
        if stored is not None:
            self._articles[article_id] = (now, stored)
        return stored

    async def _gone(self, row: Delivery, exc: DestinationGone) -> None:
        dest = Dest.parse(row.destination)
        self.stats.paused += 1
        if dest.kind is DestinationKind.SUBSCRIBER:
            await self._store.subscribers.unsubscribe(int(dest.target))
            await self._store.outbox.dead(row.id, reason=f"subscriber unreachable: {exc.message}")
            log.info("subscriber %s blocked the bot; deactivated", dest.target)
            return
        await self._store.outbox.set_destination(row.destination, paused=True, reason=exc.message)
        await self._store.outbox.retry(row.id, error=exc.message, at=datetime.now(UTC), count_attempt=False)
        log.warning("destination %s paused: %s", row.destination, exc.message)
        if self._alert is not None:
            await self._alert(f"⚠️ توقف النشر إلى {dest.target}: {exc.message}")
