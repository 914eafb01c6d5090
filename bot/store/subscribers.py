"""Readers' subscriptions: a private chat × a section slug."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import DeliveryStatus, DestinationKind
from bot.store.tables import articles, deliveries, subscribers


class SubscriberRepo:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def subscribe(self, chat_id: int, section: str, language: str | None = None) -> bool:
        """True when this is a new (or re-activated) subscription, False when it was already active."""
        async with self._engine.begin() as conn:
            row = (
                await conn.execute(
                    select(subscribers.c.id, subscribers.c.active).where(
                        subscribers.c.chat_id == chat_id, subscribers.c.section_slug == section
                    )
                )
            ).first()
            if row is None:
                await conn.execute(
                    insert(subscribers).values(
                        chat_id=chat_id,
                        section_slug=section,
                        active=True,
                        language=language,
                        created_at=datetime.now(UTC),
                    )
                )
                return True
            if row.active:
                return False
            await conn.execute(update(subscribers).where(subscribers.c.id == row.id).values(active=True))
            return True

    async def unsubscribe(self, chat_id: int, section: str | None = None) -> int:
        """Deactivate one section (or all of a chat's); returns how many were active.  Immediate: what
        was still queued for this chat from that section (or anything, for all) is skipped too."""
        q = update(subscribers).where(subscribers.c.chat_id == chat_id, subscribers.c.active.is_(True))
        if section:
            q = q.where(subscribers.c.section_slug == section)
        queued = and_(
            deliveries.c.destination == f"{DestinationKind.SUBSCRIBER.value}:{chat_id}",
            deliveries.c.status == DeliveryStatus.PENDING.value,
        )
        if section:
            of_section = select(articles.c.id).where(articles.c.section_slug == section)
            queued = and_(queued, deliveries.c.article_id.in_(of_section))
        async with self._engine.begin() as conn:
            res = await conn.execute(q.values(active=False))
            await conn.execute(
                update(deliveries)
                .where(queued)
                .values(status=DeliveryStatus.SKIPPED.value, last_error="unsubscribed", updated_at=datetime.now(UTC))
            )
        return int(res.rowcount)

    async def sections_of(self, chat_id: int) -> list[str]:
        q = (
            select(subscribers.c.section_slug)
            .where(subscribers.c.chat_id == chat_id, subscribers.c.active.is_(True))
            .order_by(subscribers.c.section_slug)
        )
        async with self._engine.connect() as conn:
            return list((await conn.execute(q)).scalars())

    async def count(self, section: str | None = None) -> int:
        q = select(func.count()).select_from(subscribers).where(subscribers.c.active.is_(True))
        if section:
            q = q.where(subscribers.c.section_slug == section)
        async with self._engine.connect() as conn:
            return int((await conn.execute(q)).scalar_one())
