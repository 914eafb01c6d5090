"""The outbox: one row per article × destination.  The source of truth for "was this posted".

Life of a row: PENDING → (claimed by :meth:`OutboxRepo.begin`) SENDING → SENT, or back to PENDING with
a later ``next_attempt_at`` (retry), or DEAD with the reason (dead letter), or left PENDING while its
destination is paused.  Each step is its own committed transaction, so a restart resumes where it
stopped.  The one window that remains is a row in SENDING whose send went out but whose SENT was not yet
committed: :meth:`recover` puts such rows back to PENDING at start, so a crash in that window can post
twice; it can never lose a post.  The delivery worker claims rows a batch at a time
(:meth:`begin_many`) and records them in group commits (:meth:`sent_many`: a SENT record waits for
the answers to the sends released with it), so the window is the time from Telegram's answer to that
commit: a few milliseconds, at most 0.1 s (``bot.delivery.RECORD_LINGER``).  If the database is away
when the record is due, the write is retried for a minute rather than the row given back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Delivery, DeliveryStatus, DestinationKind, Priority
from bot.store.tables import articles, deliveries, destinations


@dataclass(frozen=True, slots=True)
class SentRecord:
    """What a successful send or edit leaves in its row (see :meth:`OutboxRepo.sent_many`)."""

    delivery_id: int
    message_id: str
    chat_id: str
    as_photo: bool
    sent_hash: str


def _delivery(row: Row[Any]) -> Delivery:
    m = row._mapping
    return Delivery(
        id=m["id"],
        article_id=m["article_id"],
        destination=m["destination"],
        status=DeliveryStatus(m["status"]),
        attempts=m["attempts"],
        next_attempt_at=m["next_attempt_at"],
        message_id=m["message_id"],
        last_error=m["last_error"],
        sent_hash=m["sent_hash"],
        chat_id=m["chat_id"],
        as_photo=m["as_photo"],
        route=m.get("route"),
    )


def _sent_statement() -> Any:
    """UPDATE for a successful send; built once (a fan-out runs it for every message).  A row whose
    article changed while it was being sent goes back to PENDING so the post gets edited."""
    current = select(articles.c.content_hash).where(articles.c.id == deliveries.c.article_id).scalar_subquery()
    stale = and_(deliveries.c.destination != DestinationKind.X.value, current != bindparam("r_hash"))
    return (
        update(deliveries)
        .where(deliveries.c.id == bindparam("r_id"))
        .values(
            status=case((stale, DeliveryStatus.PENDING.value), else_=DeliveryStatus.SENT.value),
            message_id=bindparam("r_message"),
            chat_id=bindparam("r_chat"),
            as_photo=bindparam("r_photo"),
            sent_hash=bindparam("r_hash"),
            last_error=None,
            updated_at=bindparam("r_at"),
        )
    )


_SENT = _sent_statement()


@dataclass(frozen=True, slots=True)
class DestinationState:
    key: str
    paused: bool
    reason: str | None
    moved_to: str | None


def _now() -> datetime:
    return datetime.now(UTC)


class OutboxRepo:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def due(
        self,
        *,
        limit: int = 500,
        now: datetime | None = None,
        exclude: Sequence[int] = (),
        priority: Priority | None = None,
    ) -> list[Delivery]:
        """Pending rows whose time has come, channels and X before subscribers (:class:`Priority`), oldest
        first, skipping paused destinations and ``exclude`` (rows a worker already holds in memory);
        only one priority's rows when ``priority`` is given."""
        paused = select(destinations.c.key).where(destinations.c.paused.is_(True))
        # where a migrated destination now lives, read with the row (no lookup per send)
        route = (
            select(destinations.c.moved_to)
            .where(destinations.c.key == deliveries.c.destination)
            .scalar_subquery()
            .label("route")
        )
        q = select(deliveries, route).where(
            deliveries.c.status == DeliveryStatus.PENDING.value,
            deliveries.c.next_attempt_at <= (now or _now()),
            deliveries.c.destination.not_in(paused),
        )
        if exclude:
            q = q.where(deliveries.c.id.not_in(list(exclude)))
        if priority is not None:
            q = q.where(deliveries.c.priority == priority.value)
        q = q.order_by(deliveries.c.priority, deliveries.c.next_attempt_at, deliveries.c.id).limit(limit)
        async with self._engine.connect() as conn:
            return [_delivery(r) for r in (await conn.execute(q)).all()]

    async def next_due_at(self) -> datetime | None:
        q = select(func.min(deliveries.c.next_attempt_at)).where(deliveries.c.status == DeliveryStatus.PENDING.value)
        async with self._engine.connect() as conn:
            value: datetime | None = (await conn.execute(q)).scalar_one_or_none()
        return value

    async def begin(self, delivery_id: int) -> bool:
        """Claim a row just before its send (PENDING → SENDING).  False: someone else has it."""
        return delivery_id in await self.begin_many([delivery_id])

    async def begin_many(self, ids: Sequence[int]) -> set[int]:
        """Claim rows in one transaction; returns the ids claimed (the others were no longer due).  A claim
        is not an attempt: ``attempts`` counts failed sends (:meth:`retry`), so rows a crash or a
        shutdown gave back never move closer to the dead-letter limit."""
        if not ids:
            return set()
        now = _now()
        paused = select(destinations.c.key).where(destinations.c.paused.is_(True))
        async with self._engine.begin() as conn:
            res = await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.id.in_(list(ids)),
                    deliveries.c.status == DeliveryStatus.PENDING.value,
                    # still due: a row read just before its destination was deferred or paused stays
                    deliveries.c.next_attempt_at <= now,
                    deliveries.c.destination.not_in(paused),
                )
                .values(status=DeliveryStatus.SENDING.value, updated_at=now)
                .returning(deliveries.c.id)
            )
            return {int(i) for i in res.scalars()}

    async def sent(self, delivery_id: int, *, message_id: str, chat_id: str, as_photo: bool, sent_hash: str) -> None:
        """Record a send.  If the article changed while this row was being sent (the update could not
        re-open a row in SENDING), the row goes back to PENDING at once so the post gets edited."""
        await self.sent_many([SentRecord(delivery_id, message_id, chat_id, as_photo, sent_hash)])

    async def sent_many(self, records: Sequence[SentRecord]) -> None:
        """:meth:`sent` for many rows in one transaction (one prepared statement, executed per row)."""
        if not records:
            return
        now = _now()
        params = [
            {"r_id": r.delivery_id, "r_message": r.message_id, "r_chat": r.chat_id, "r_photo": r.as_photo,
             "r_hash": r.sent_hash, "r_at": now}
            for r in records
        ]  # fmt: skip
        async with self._engine.begin() as conn:
            await conn.execute(_SENT, params)

    async def defer_destination(self, destination: str, at: datetime) -> int:
        """Hold every pending row of a destination until ``at`` (a long 429): keeps the channel's order."""
        async with self._engine.begin() as conn:
            res = await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.destination == destination,
                    deliveries.c.status == DeliveryStatus.PENDING.value,
                    deliveries.c.next_attempt_at < at,
                )
                .values(next_attempt_at=at, updated_at=_now())
            )
        return int(res.rowcount)

    async def retry(self, delivery_id: int, *, error: str, at: datetime, count_attempt: bool = True) -> None:
        values: dict[str, Any] = {
            "status": DeliveryStatus.PENDING.value,
            "next_attempt_at": at,
            "last_error": error[:500],
        }
        if count_attempt:  # a 429 is the platform's pacing, not a failure of this delivery
            values["attempts"] = deliveries.c.attempts + 1
        await self._set(delivery_id, **values)

    async def skip(self, delivery_id: int, *, reason: str) -> None:
        """Not sent by policy (a daily cap, say): recorded, visible, never retried by itself."""
        await self._set(delivery_id, status=DeliveryStatus.SKIPPED.value, last_error=reason[:500])

    async def sent_since(self, destination: str, since: datetime) -> int:
        q = (
            select(func.count())
            .select_from(deliveries)
            .where(
                deliveries.c.destination == destination,
                deliveries.c.status == DeliveryStatus.SENT.value,
                deliveries.c.updated_at >= since,
            )
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(q)).scalar_one())

    async def dead(self, delivery_id: int, *, reason: str) -> None:
        await self._set(delivery_id, status=DeliveryStatus.DEAD.value, last_error=reason[:500])

    async def release(self, ids: Sequence[int]) -> int:
        """SENDING → PENDING for rows this process held (shutdown).  Returns how many."""
        if not ids:
            return 0
        async with self._engine.begin() as conn:
            res = await conn.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(list(ids)), deliveries.c.status == DeliveryStatus.SENDING.value)
                .values(status=DeliveryStatus.PENDING.value, updated_at=_now())
            )
        return int(res.rowcount)

    async def recover(self) -> int:
        """At start: rows left in SENDING by a crash go back to PENDING (see the module docstring)."""
        async with self._engine.begin() as conn:
            res = await conn.execute(
                update(deliveries)
                .where(deliveries.c.status == DeliveryStatus.SENDING.value)
                .values(status=DeliveryStatus.PENDING.value, updated_at=_now())
            )
        return int(res.rowcount)

    async def _set(self, delivery_id: int, **values: Any) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                update(deliveries).where(deliveries.c.id == delivery_id).values(updated_at=_now(), **values)
            )

    async def for_article(self, article_id: int) -> list[Delivery]:
        q = select(deliveries).where(deliveries.c.article_id == article_id).order_by(deliveries.c.id)
        async with self._engine.connect() as conn:
            return [_delivery(r) for r in (await conn.execute(q)).all()]

    async def counts(self) -> dict[str, int]:
        q = select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        async with self._engine.connect() as conn:
            return {s: int(n) for s, n in (await conn.execute(q)).all()}

    async def dead_letters(self, limit: int = 10) -> list[Delivery]:
        q = (
            select(deliveries)
            .where(deliveries.c.status == DeliveryStatus.DEAD.value)
            .order_by(deliveries.c.updated_at.desc())
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [_delivery(r) for r in (await conn.execute(q)).all()]

    async def last_sent(self, limit: int = 5) -> list[Delivery]:
        q = (
            select(deliveries)
            .where(deliveries.c.status == DeliveryStatus.SENT.value)
            .order_by(deliveries.c.updated_at.desc())
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [_delivery(r) for r in (await conn.execute(q)).all()]

    # -- destinations ------------------------------------------------------------------------------

    async def destination(self, key: str) -> DestinationState | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(destinations).where(destinations.c.key == key))).first()
        if row is None:
            return None
        m = row._mapping
        return DestinationState(m["key"], m["paused"], m["reason"], m["moved_to"])

    async def set_destination(
        self, key: str, *, paused: bool, reason: str | None = None, moved_to: str | None = None
    ) -> None:
        async with self._engine.begin() as conn:
            res = await conn.execute(
                update(destinations)
                .where(destinations.c.key == key)
                .values(paused=paused, reason=reason, updated_at=_now(), **({"moved_to": moved_to} if moved_to else {}))
            )
            if res.rowcount == 0:
                await conn.execute(
                    insert(destinations).values(
                        key=key, paused=paused, reason=reason, moved_to=moved_to, updated_at=_now()
                    )
                )

    async def paused_destinations(self) -> list[DestinationState]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(select(destinations).where(destinations.c.paused.is_(True)))).all()
        return [DestinationState(r.key, r.paused, r.reason, r.moved_to) for r in rows]
