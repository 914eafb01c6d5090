"""Store queries the reader and editor services need beyond the store's repositories.

Read-only helpers for the search index (:func:`search_docs`, :func:`changed_since`), a batch lookup
(:func:`articles_by_ids`), and two outbox writes for editors: :func:`enqueue` (deliveries for an article
already stored — a pushed article the feed had baselined, or a preview published later) and
:func:`fan_out_everyone` (a breaking alert to every active subscriber, one row per chat).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import DeliveryStatus, Destination, DestinationKind, Section
from bot.store import StoredArticle
from bot.store.articles import fan_out, row_to_article
from bot.store.tables import articles, deliveries, subscribers


@dataclass(frozen=True, slots=True)
class Headline:
    """What a listing shows of an article: its headline, link, time and section."""

    id: int
    version: int
    title: str
    href: str
    when: datetime  # published, else first seen
    section: Section | None = None

    @classmethod
    def of(cls, stored: StoredArticle) -> Headline:
        a = stored.article
        return cls(stored.id, stored.version, a.title, a.href, a.published or stored.seen_at, a.section)


@dataclass(frozen=True, slots=True)
class SearchDoc:
    headline: Headline
    seen_at: datetime
    text: str  # the normalised search text

    @property
    def id(self) -> int:
        return self.headline.id


_DOC_COLUMNS = (
    articles.c.id,
    articles.c.version,
    articles.c.title,
    articles.c.link,
    articles.c.key,
    articles.c.published_at,
    articles.c.seen_at,
    articles.c.section_slug,
    articles.c.section_name,
    articles.c.search_text,
)


def _doc(row: Any) -> SearchDoc:
    ident, version, title, link, key, published, seen, slug, name, text = row
    section = Section(name or slug, slug) if slug else None
    headline = Headline(int(ident), int(version), title or "", link or key, published or seen, section)
    return SearchDoc(headline, seen, text or "")


async def search_docs(engine: AsyncEngine, *, after_id: int = 0, newest: int | None = None) -> list[SearchDoc]:
    """Articles with ``id > after_id`` (oldest first); with ``newest`` only that many of the most recent."""
    q = select(*_DOC_COLUMNS).where(articles.c.id > after_id, articles.c.withdrawn.is_(False))
    if newest is not None:
        q = q.order_by(articles.c.id.desc()).limit(newest)
    async with engine.connect() as conn:
        rows = (await conn.execute(q)).all()
    docs = [_doc(r) for r in rows]
    docs.sort(key=lambda d: d.id)
    return docs


async def changed_since(engine: AsyncEngine, since: datetime, *, up_to_id: int) -> list[SearchDoc]:
    """Articles (``id <= up_to_id``) updated after ``since``: their text may have changed."""
    q = select(*_DOC_COLUMNS).where(articles.c.updated_at > since, articles.c.id <= up_to_id)
    async with engine.connect() as conn:
        return [_doc(r) for r in (await conn.execute(q)).all()]


async def withdrawn_ids(engine: AsyncEngine, *, up_to_id: int) -> list[int]:
    """Ids of the articles the site withdrew (``id <= up_to_id``)."""
    q = select(articles.c.id).where(articles.c.withdrawn.is_(True), articles.c.id <= up_to_id)
    async with engine.connect() as conn:
        return [int(i) for i in (await conn.execute(q)).scalars()]


async def articles_by_ids(engine: AsyncEngine, ids: Sequence[int]) -> dict[int, StoredArticle]:
    """The visible (not withdrawn) articles among ``ids``."""
    if not ids:
        return {}
    q = select(articles).where(articles.c.id.in_(list(ids)), articles.c.withdrawn.is_(False))
    async with engine.connect() as conn:
        rows = (await conn.execute(q)).all()
    out = {}
    for row in rows:
        m = row._mapping
        out[int(m["id"])] = StoredArticle(int(m["id"]), row_to_article(row), m["version"], m["seen_at"], m["withdrawn"])
    return out


async def enqueue(
    engine: AsyncEngine, article_id: int, destinations: Sequence[Destination], *, now: datetime | None = None
) -> int:
    """Make every destination due for ``article_id``: missing rows are created, rows that were never sent
    (SKIPPED while paused, DEAD) are re-opened.  Rows already SENT or in flight are left alone.  A
    ``subscriber`` destination with a section slug fans out to that section's active subscribers.
    Returns how many rows became due."""
    now = now or datetime.now(UTC)
    row = {"status": DeliveryStatus.PENDING.value, "attempts": 0, "next_attempt_at": now, "updated_at": now}
    count = 0
    async with engine.begin() as conn:
        existing = {
            key: status
            for key, status in (
                await conn.execute(
                    select(deliveries.c.destination, deliveries.c.status).where(deliveries.c.article_id == article_id)
                )
            ).all()
        }
        reopen = [k for k, s in existing.items() if s in (DeliveryStatus.SKIPPED.value, DeliveryStatus.DEAD.value)]
        wanted = {d.key for d in destinations if d.kind is not DestinationKind.SUBSCRIBER}
        fresh = sorted(wanted - existing.keys())
        if fresh:
            await conn.execute(
                insert(deliveries),
                [{"article_id": article_id, "destination": k, "created_at": now, **row} for k in fresh],
            )
            count += len(fresh)
        for d in destinations:
            if d.kind is DestinationKind.SUBSCRIBER and d.target:
                count += await _fan_out(conn, article_id, now, subscribers.c.section_slug == d.target)
        targets = [k for k in reopen if k in wanted or k.startswith(DestinationKind.SUBSCRIBER.value + ":")]
        if targets:
            res = await conn.execute(
                update(deliveries)
                .where(deliveries.c.article_id == article_id, deliveries.c.destination.in_(targets))
                .values(last_error=None, **row)
            )
            count += int(res.rowcount)
    return count


async def fan_out_everyone(engine: AsyncEngine, article_id: int, *, now: datetime | None = None) -> int:
    """One delivery per chat that has any active subscription (a breaking alert)."""
    async with engine.begin() as conn:
        return await _fan_out(conn, article_id, now or datetime.now(UTC), None)


async def _fan_out(conn: Any, article_id: int, now: datetime, where: Any) -> int:
    return await fan_out(conn, article_id, now, where=where)
