"""Reader services: the newest articles (all, or one section), sections, search and subscriptions.

Handlers call one method and render what it returns (see ``handlers/views.py``).  Search uses an
in-memory index (:mod:`bot.search`) built in the background on first use and kept fresh from the store:
new articles are picked up at most ``fresh_every`` seconds after they are stored, edited ones within
``recheck_every``.  Until the index is ready the store's ``LIKE`` search answers, ranked the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.compose.arabic import normalize
from bot.models import Section
from bot.queries import articles_by_ids, changed_since, search_docs
from bot.search import SearchIndex, core, parse_query, rank
from bot.store import Store, StoredArticle

log = logging.getLogger(__name__)

PAGE = 5
MAX_PAGE = 10  # a chat listing
MAX_LIMIT = 50  # inline results
MAX_OFFSET = 200


@dataclass(frozen=True, slots=True)
class Page:
    items: list[StoredArticle]
    offset: int
    next_offset: int | None  # None: no more


class Reader:
    def __init__(
        self,
        store: Store,
        sections: Mapping[str, str],
        *,
        index_docs: int = 20_000,
        fresh_every: float = 2.0,
        recheck_every: float = 60.0,
        sections_every: float = 60.0,
    ) -> None:
        self._store = store
        self._configured = [Section(name, slug) for name, slug in sections.items()]
        self._index_docs = index_docs
        self._fresh_every = fresh_every
        self._recheck_every = recheck_every
        self._sections_every = sections_every
        self._index = SearchIndex()
        self._ready = False
        self._build: asyncio.Task[None] | None = None
        self._refreshing = False
        self._checked_new = 0.0
        self._checked_changed = 0.0
        self._watermark = datetime.now(UTC)
        self._sections: list[Section] = []
        self._sections_at = -1e9

    # -- listings ------------------------------------------------------------------------------------

    async def latest(self, limit: int = PAGE, offset: int = 0, section: str | None = None) -> Page:
        limit = max(1, min(limit, MAX_LIMIT))
        offset = max(0, min(offset, MAX_OFFSET))
        rows = await self._store.articles.latest(limit + 1, offset, section)
        more = len(rows) > limit and offset + limit < MAX_OFFSET
        return Page(rows[:limit], offset, offset + limit if more else None)

    async def sections(self) -> list[Section]:
        """The configured sections, then any other section found in the store (cached a minute)."""
        now = time.monotonic()
        if now - self._sections_at > self._sections_every:
            known = {s.slug for s in self._configured}
            extra = [s for s in await self._store.articles.sections() if s.slug not in known]
            self._sections = self._configured + sorted(extra, key=lambda s: s.slug)
            self._sections_at = now
        return self._sections

    def stale(self) -> None:
        """The store changed: re-read the sections and new articles on next use (not waiting for the
        ``sections_every``/``fresh_every`` periods)."""
        self._sections_at = -1e9
        self._checked_new = -1e9

    async def find_section(self, text: str) -> Section | None:
        """A section by slug (``world``, ``/world``) or by its Arabic name («العالم», «عالم»)."""
        wanted = text.strip().lstrip("/").casefold()
        if not wanted:
            return None
        folded = normalize(wanted)
        for section in await self.sections():
            name = normalize(section.name)
            if wanted == section.slug or folded in (name, core(name)) or core(folded) == core(name):
                return section
        return None

    # -- search --------------------------------------------------------------------------------------

    async def search(self, text: str, limit: int = PAGE, offset: int = 0) -> Page | None:
        """Articles matching ``text``, best first; None when the query has no usable word."""
        query = parse_query(text)
        if query.empty:
            return None
        limit = max(1, min(limit, MAX_LIMIT))
        offset = max(0, min(offset, MAX_OFFSET))
        want = offset + limit + 1
        if await self._index_ready():
            ids = self._index.search(query, want)
        else:
            found = await self._store.articles.search([core(min(t, key=len)) for t in query.terms])
            rows = [(s.id, s.seen_at.timestamp(), s.article.title, normalize(_text(s))) for s in found]
            ids = rank(query, rows, want)
        page_ids = ids[offset : offset + limit]
        by_id = await articles_by_ids(self._store.engine, page_ids)
        items = [by_id[i] for i in page_ids if i in by_id]
        more = len(ids) > offset + limit and offset + limit < MAX_OFFSET
        return Page(items, offset, offset + limit if more else None)

    def start(self) -> None:
        """Start building the search index in the background (searches use the store meanwhile)."""
        if self._build is None:
            self._build = asyncio.create_task(self._build_index())

    async def close(self) -> None:
        """Stop building the index (at shutdown, before the store closes)."""
        if self._build is not None and not self._build.done():
            self._build.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._build

    async def warm(self) -> None:
        """Build the search index and wait for it (tests, benchmarks)."""
        self.start()
        assert self._build is not None
        await asyncio.shield(self._build)

    async def _index_ready(self) -> bool:
        self.start()
        if not self._ready:
            return False
        now = time.monotonic()
        if not self._refreshing and now - self._checked_new > self._fresh_every:
            self._refreshing = True
            try:
                await self._refresh(now)
            finally:
                self._refreshing = False
        return True

    async def _build_index(self) -> None:
        started = time.monotonic()
        self._watermark = datetime.now(UTC)
        docs = await search_docs(self._store.engine, newest=self._index_docs)
        await self._index.add_many(docs)
        del docs
        self._checked_new = self._checked_changed = time.monotonic()
        self._ready = True
        log.info("search index: %d articles in %.1f s", len(self._index), time.monotonic() - started)

    async def _refresh(self, now: float) -> None:
        self._checked_new = now
        await self._index.add_many(await search_docs(self._store.engine, after_id=self._index.max_id))
        if now - self._checked_changed > self._recheck_every:
            self._checked_changed = now
            mark = datetime.now(UTC)
            await self._index.add_many(
                await changed_since(self._store.engine, self._watermark, up_to_id=self._index.max_id)
            )
            self._watermark = mark

    # -- subscriptions -------------------------------------------------------------------------------

    async def subscribe(self, chat_id: int, section: Section, language: str | None) -> bool:
        return await self._store.subscribers.subscribe(chat_id, section.slug, language)

    async def unsubscribe(self, chat_id: int, section: Section | None) -> int:
        return await self._store.subscribers.unsubscribe(chat_id, section.slug if section else None)

    async def subscriptions(self, chat_id: int) -> list[Section]:
        slugs = await self._store.subscribers.sections_of(chat_id)
        by_slug = {s.slug: s for s in await self.sections()}
        return [by_slug.get(slug, Section(slug, slug)) for slug in slugs]


def _text(stored: StoredArticle) -> str:
    a = stored.article
    return " ".join([a.title, a.kicker or "", a.description or "", *a.paragraphs[:3]])
