"""Articles: identity across feeds and URL variants, updates, and the queries readers use.

An article is found by any of its aliases (its normalised URL, URL variants, ``guid:…``).  Saving a new
article creates its outbox rows in the same transaction; saving a changed one bumps its version and
re-opens the deliveries already sent so the posts get edited.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, insert, literal, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from bot.models import Article, DeliveryStatus, Destination, DestinationKind, Priority, Section
from bot.store.tables import article_aliases, articles, deliveries, subscribers


class SaveOutcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    SAME = "same"


@dataclass(frozen=True, slots=True)
class Saved:
    article_id: int
    outcome: SaveOutcome
    version: int


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    article: Article
    version: int
    seen_at: datetime
    withdrawn: bool


def row_to_article(row: Row[Any] | Mapping[str, Any]) -> Article:
    m = row._mapping if isinstance(row, Row) else row
    section = Section(m["section_name"], m["section_slug"]) if m["section_slug"] else None
    return Article(
        url=m["key"],
        title=m["title"],
        link=m["link"],
        guid=m["guid"],
        kicker=m["kicker"],
        description=m["description"],
        paragraphs=tuple(json.loads(m["body"] or "[]")),
        image=m["image"],
        published=m["published_at"],
        section=section,
        dateline=m["dateline"],
        source=m["source"],
    )


def _stored(row: Row[Any]) -> StoredArticle:
    m = row._mapping
    return StoredArticle(m["id"], row_to_article(row), m["version"], m["seen_at"], m["withdrawn"])


def _values(article: Article, fingerprint: str, search_text: str) -> dict[str, Any]:
    return {
        "link": article.href,
        "guid": article.guid,
        "title": article.title,
        "kicker": article.kicker,
        "description": article.description,
        "body": json.dumps(list(article.paragraphs), ensure_ascii=False),
        "image": article.image,
        "dateline": article.dateline,
        "section_slug": article.section.slug if article.section else None,
        "section_name": article.section.name if article.section else None,
        "published_at": article.published,
        "content_hash": article.content_hash(),
        "fingerprint": fingerprint,
        "search_text": search_text,
        "source": article.source,
    }


def merge(old: Article, new: Article) -> Article:
    """``new`` wins, but what it lacks (a feed-only update has no body, say) is kept from ``old``."""
    return replace(new.filled_from(old), url=old.url, source=old.source or new.source)


class ArticleRepo:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def known(self, keys: Sequence[str]) -> dict[str, str]:
        """{alias: fingerprint} for the keys already stored (the sources' KnownLookup)."""
        if not keys:
            return {}
        out: dict[str, str] = {}
        async with self._engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(keys)), 500):
                q = (
                    select(article_aliases.c.alias, articles.c.fingerprint)
                    .join(articles, articles.c.id == article_aliases.c.article_id)
                    .where(article_aliases.c.alias.in_(chunk))
                )
                out.update({a: f for a, f in (await conn.execute(q)).all()})
        return out

    async def save(
        self,
        article: Article,
        *,
        fingerprint: str,
        aliases: Iterable[str] = (),
        search_text: str = "",
        destinations: Sequence[Destination] = (),
        now: datetime | None = None,
        status: DeliveryStatus = DeliveryStatus.PENDING,
    ) -> Saved:
        """Record ``article`` (new or an update) and, for a new one, its outbox rows — atomically.

        ``destinations`` are the fixed ones (channels, X); a ``subscriber`` pseudo-destination with the
        section slug as target fans out to that section's active subscribers with one INSERT … SELECT,
        so 100,000 subscribers are never loaded into memory.  ``status`` SKIPPED records them as not to
        be sent (posting paused); a baseline passes no destinations at all.
        """
        now = now or datetime.now(UTC)
        keys = list(dict.fromkeys([article.url, *aliases]))
        async with self._engine.begin() as conn:
            found = (
                await conn.execute(
                    select(articles)
                    .join(article_aliases, article_aliases.c.article_id == articles.c.id)
                    .where(article_aliases.c.alias.in_(keys))
                    .order_by(articles.c.id)
                    .limit(1)
                )
            ).first()
            if found is None:
                return await self._insert(conn, article, fingerprint, keys, search_text, destinations, now, status)
            return await self._update(conn, found, article, fingerprint, keys, search_text, now)

    async def _insert(
        self,
        conn: AsyncConnection,
        article: Article,
        fingerprint: str,
        keys: list[str],
        search_text: str,
        dests: Sequence[Destination],
        now: datetime,
        status: DeliveryStatus,
    ) -> Saved:
        values = _values(article, fingerprint, search_text)
        res = await conn.execute(
            insert(articles).values(key=article.url, seen_at=now, updated_at=now, version=1, withdrawn=False, **values)
        )
        pk = res.inserted_primary_key
        assert pk is not None
        article_id = int(pk[0])
        await conn.execute(insert(article_aliases), [{"alias": k, "article_id": article_id} for k in keys])
        fixed = [d for d in dests if d.kind is not DestinationKind.SUBSCRIBER]
        row = {"status": status.value, "attempts": 0, "next_attempt_at": now, "created_at": now, "updated_at": now}
        if fixed:
            await conn.execute(
                insert(deliveries),
                [
                    {"article_id": article_id, "destination": d.key, "priority": Priority.of(d.kind).value, **row}
                    for d in fixed
                ],
            )
        for d in dests:
            if d.kind is DestinationKind.SUBSCRIBER and d.target:
                await fan_out(conn, article_id, now, status=status, where=subscribers.c.section_slug == d.target)
        return Saved(article_id, SaveOutcome.NEW, 1)

    async def _update(
        self,
        conn: AsyncConnection,
        found: Row[Any],
        article: Article,
        fingerprint: str,
        keys: list[str],
        search_text: str,
        now: datetime,
    ) -> Saved:
        m = found._mapping
        article_id, version = int(m["id"]), int(m["version"])
        known = set(
            (await conn.execute(select(article_aliases.c.alias).where(article_aliases.c.alias.in_(keys)))).scalars()
        )
        fresh = [k for k in keys if k not in known]
        if fresh:
            await conn.execute(insert(article_aliases), [{"alias": k, "article_id": article_id} for k in fresh])
        merged = merge(row_to_article(found), article)
        if merged.content_hash() == m["content_hash"] and not m["withdrawn"]:
            if fingerprint != m["fingerprint"]:
                await conn.execute(update(articles).where(articles.c.id == article_id).values(fingerprint=fingerprint))
            return Saved(article_id, SaveOutcome.SAME, version)
        version += 1
        values = _values(merged, fingerprint, search_text or m["search_text"])
        await conn.execute(
            update(articles)
            .where(articles.c.id == article_id)
            .values(version=version, updated_at=now, withdrawn=False, **values)
        )
        # Posts already out get edited: re-open them (message_id set ⇒ the worker edits, not sends).
        # A row being sent right now is caught by OutboxRepo.sent, which compares the hashes.
        await conn.execute(
            update(deliveries)
            .where(
                deliveries.c.article_id == article_id,
                deliveries.c.status == DeliveryStatus.SENT.value,
                deliveries.c.message_id.is_not(None),
                deliveries.c.destination != DestinationKind.X.value,  # an X post cannot be edited
                or_(deliveries.c.sent_hash.is_(None), deliveries.c.sent_hash != values["content_hash"]),
            )
            .values(status=DeliveryStatus.PENDING.value, next_attempt_at=now, attempts=0, updated_at=now)
        )
        return Saved(article_id, SaveOutcome.UPDATED, version)

    async def get(self, article_id: int) -> StoredArticle | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(articles).where(articles.c.id == article_id))).first()
        return _stored(row) if row else None

    async def by_alias(self, alias: str) -> StoredArticle | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(articles)
                    .join(article_aliases, article_aliases.c.article_id == articles.c.id)
                    .where(article_aliases.c.alias == alias)
                )
            ).first()
        return _stored(row) if row else None

    async def latest(self, limit: int = 5, offset: int = 0, section: str | None = None) -> list[StoredArticle]:
        q = select(articles).where(articles.c.withdrawn.is_(False))
        if section:
            q = q.where(articles.c.section_slug == section)
        q = q.order_by(articles.c.seen_at.desc(), articles.c.id.desc()).limit(limit).offset(offset)
        async with self._engine.connect() as conn:
            return [_stored(r) for r in (await conn.execute(q)).all()]

    async def search(self, terms: Sequence[str], limit: int = 200) -> list[StoredArticle]:
        """Articles whose normalised search text holds every term, newest first (ranking is the caller's)."""
        if not terms:
            return []
        q = select(articles).where(articles.c.withdrawn.is_(False))
        for term in terms:
            q = q.where(articles.c.search_text.contains(term, autoescape=True))
        q = q.order_by(articles.c.seen_at.desc(), articles.c.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            return [_stored(r) for r in (await conn.execute(q)).all()]

    async def mark_withdrawn(self, article_id: int) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(update(articles).where(articles.c.id == article_id).values(withdrawn=True))

    async def count(self) -> int:
        async with self._engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(articles))).scalar_one())

    async def sections(self) -> list[Section]:
        """Sections that have articles, most used first."""
        q = (
            select(articles.c.section_name, articles.c.section_slug)
            .where(articles.c.section_slug.is_not(None))
            .group_by(articles.c.section_name, articles.c.section_slug)
            .order_by(func.count().desc())
        )
        async with self._engine.connect() as conn:
            return [Section(n, s) for n, s in (await conn.execute(q)).all()]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


async def fan_out(
    conn: AsyncConnection,
    article_id: int,
    now: datetime,
    *,
    status: DeliveryStatus = DeliveryStatus.PENDING,
    where: ColumnElement[bool] | None = None,
) -> int:
    """One delivery per chat with an active subscription (narrowed by ``where``, e.g. a section), by one
    INSERT … SELECT — 100,000 subscribers are never loaded — skipping chats the article already has."""
    taken = select(deliveries.c.destination).where(deliveries.c.article_id == article_id)
    dest = literal(DestinationKind.SUBSCRIBER.value + ":") + cast(subscribers.c.chat_id, String(64))
    cond = and_(subscribers.c.active.is_(True), dest.not_in(taken))
    if where is not None:
        cond = and_(cond, where)
    chats = select(subscribers.c.chat_id).where(cond).distinct().subquery()
    when = articles.c.seen_at.type
    sel = select(
        literal(article_id),
        literal(DestinationKind.SUBSCRIBER.value + ":") + cast(chats.c.chat_id, String(64)),
        literal(status.value),
        literal(0),
        literal(now, when),
        literal(now, when),
        literal(now, when),
        literal(False),
        literal(Priority.BULK.value),
    )
    cols = [
        "article_id",
        "destination",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "updated_at",
        "as_photo",
        "priority",
    ]
    res = await conn.execute(insert(deliveries).from_select(cols, sel))
    return max(int(res.rowcount), 0)
