"""Reader services: the newest articles (all, or one section), sections, search and subscriptions.

Handlers call one method and render what it returns (see ``handlers/views.py``): listings are pages of
:class:`~bot.queries.Headline`; inline mode asks for the full articles with :meth:`Reader.articles`.
Readers ask the same few questions over and over, so answers are kept briefly: a page of the newest
articles is served from memory for ``fresh_every`` seconds, then — while one background read refreshes
it — once more as it was (a new article shows up about that late; :meth:`Reader.stale` drops the pages
at once); the section list for ``sections_every``.  Search runs on the live in-memory index
(:class:`~bot.searcher.Searcher`); until it is built the store's ``LIKE`` search answers, ranked the
same way.  At most ``db_concurrency`` reader statements run at once (see :mod:`bot.searcher`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.compose.arabic import normalize
from bot.models import Section
from bot.queries import Headline, articles_by_ids
from bot.search import core, parse_query, rank
from bot.searcher import Searcher
from bot.store import Store, StoredArticle

log = logging.getLogger(__name__)

PAGE = 5
MAX_PAGE = 10  # a chat listing
MAX_LIMIT = 50  # inline results
MAX_OFFSET = 200
_PAGES_KEPT = 512
PageKey = tuple[int, int, str | None]


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Headline]
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
        db_concurrency: int = 4,
    ) -> None:
        self._store = store
        self._configured = [Section(name, slug) for name, slug in sections.items()]
        self._fresh_every = fresh_every
        self._sections_every = sections_every
        self._db = asyncio.Semaphore(db_concurrency)
        self.searcher = Searcher(
            store, max_docs=index_docs, fresh_every=fresh_every, recheck_every=recheck_every, db=self._db
        )
        self._pages: dict[PageKey, tuple[float, Page]] = {}
        self._loading: dict[PageKey, asyncio.Task[Page]] = {}
        self._generation = 0  # bumped by stale(): a read begun before must not store its page
        self._sections: list[Section] = []
        self._sections_at = -1e9

    # -- listings ------------------------------------------------------------------------------------

    async def latest(self, limit: int = PAGE, offset: int = 0, section: str | None = None) -> Page:
        key = (max(1, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET)), section)
        kept = self._pages.get(key)
        if kept is not None and time.monotonic() - kept[0] <= self._fresh_every:
            return kept[1]
        task = self._loading.get(key)
        if task is None:  # one read per page, however many readers ask at once
            task = self._loading[key] = asyncio.create_task(self._load(key))
            task.add_done_callback(lambda done: self._loaded(key, done))
        if kept is not None:
            return kept[1]
        return await asyncio.shield(task)

    async def _load(self, key: PageKey) -> Page:
        limit, offset, section = key
        generation = self._generation
        async with self._db:
            rows = await self._store.articles.latest(limit + 1, offset, section)
        more = len(rows) > limit and offset + limit < MAX_OFFSET
        page = Page([Headline.of(r) for r in rows[:limit]], offset, offset + limit if more else None)
        if generation == self._generation:
            if len(self._pages) >= _PAGES_KEPT:
                self._pages.clear()
            self._pages[key] = (time.monotonic(), page)
        return page

    def _loaded(self, key: PageKey, task: asyncio.Task[Page]) -> None:
        self._loading.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            log.warning("reading the newest articles failed: %s", task.exception())

    async def articles(self, ids: Sequence[int]) -> list[StoredArticle]:
        """The full articles for ``ids``, in that order (withdrawn ones left out)."""
        async with self._db:
            found = await articles_by_ids(self._store.engine, ids)
        return [found[i] for i in ids if i in found]

    async def sections(self) -> list[Section]:
        """The configured sections, then any other section found in the store (cached a minute)."""
        now = time.monotonic()
        if now - self._sections_at > self._sections_every:
            known = {s.slug for s in self._configured}
            async with self._db:
                stored = await self._store.articles.sections()
            extra = [s for s in stored if s.slug not in known]
            self._sections = self._configured + sorted(extra, key=lambda s: s.slug)
            self._sections_at = now
        return self._sections

    def stale(self) -> None:
        """The store changed: forget the kept pages and section list, look for new articles on the next
        search (instead of waiting for ``fresh_every``/``sections_every``)."""
        self._generation += 1
        self._pages.clear()
        self._loading.clear()
        self._sections_at = -1e9
        self.searcher.stale()

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
        if await self.searcher.ready():
            ids = self.searcher.ids(query, want)
            items = self.searcher.headlines(ids[offset : offset + limit])
        else:
            async with self._db:
                found = await self._store.articles.search([core(min(t, key=len)) for t in query.terms])
            rows = [(s.id, s.seen_at.timestamp(), s.article.title, normalize(_text(s))) for s in found]
            ids = rank(query, rows, want)
            by_id = {s.id: s for s in found}
            items = [Headline.of(by_id[i]) for i in ids[offset : offset + limit]]
        more = len(ids) > offset + limit and offset + limit < MAX_OFFSET
        return Page(items, offset, offset + limit if more else None)

    def start(self) -> None:
        """Start building the search index in the background (searches use the store meanwhile)."""
        self.searcher.start()

    async def warm(self) -> None:
        """Build the search index and wait for it (tests, benchmarks)."""
        await self.searcher.warm()

    async def close(self) -> None:
        """Stop building the index (at shutdown, before the store closes)."""
        await self.searcher.close()

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
