"""The live search index: built from the store in the background, kept fresh, with the articles it
returns held in memory — so a reader's search costs no database round trip in the common case.

SQLite through aiosqlite costs a thread hand-off per statement, and under load each hand-off waits for
the event loop's thread to release the GIL: measured at 200 updates/s, a search that queried the store
for its page waited 60-240 ms.  Here:

- new articles are read (``id > newest indexed``) at most ``fresh_every`` seconds apart, on a search;
- articles edited since the last check (``updated_at``) and withdrawn ones are re-read every
  ``recheck_every`` seconds;
- the :class:`~bot.store.StoredArticle` of a result is kept (LRU, ``cache`` entries) as long as the index
  holds the same version; otherwise it is read again;
- at most ``db`` (a semaphore shared with the reader) statements run at once: more would take the
  connection pool into overflow, and an overflow SQLite connection is opened (a thread, the pragmas) and
  closed again for each statement — tens of milliseconds each under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.queries import articles_by_ids, changed_since, search_docs, withdrawn_ids
from bot.search import Query, SearchIndex
from bot.store import Store, StoredArticle

log = logging.getLogger(__name__)


class Searcher:
    def __init__(
        self,
        store: Store,
        *,
        max_docs: int = 20_000,
        fresh_every: float = 2.0,
        recheck_every: float = 60.0,
        cache: int = 4096,
        db: asyncio.Semaphore | None = None,
    ) -> None:
        self._store = store
        self._db = db or asyncio.Semaphore(4)
        self._max_docs = max_docs
        self._fresh_every = fresh_every
        self._recheck_every = recheck_every
        self._cache_size = cache
        self._index = SearchIndex()
        self._cache: OrderedDict[int, StoredArticle] = OrderedDict()
        self._build: asyncio.Task[None] | None = None
        self._ready = False
        self._refreshing = False
        self._checked_new = 0.0
        self._checked_changed = 0.0
        self._watermark = datetime.now(UTC)

    def start(self) -> None:
        """Start building the index in the background."""
        if self._build is None:
            self._build = asyncio.create_task(self._build_index())

    async def warm(self) -> None:
        """Build the index and wait for it."""
        self.start()
        assert self._build is not None
        await asyncio.shield(self._build)

    async def close(self) -> None:
        if self._build is not None and not self._build.done():
            self._build.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._build

    def stale(self) -> None:
        """Read new articles on the next search (instead of up to ``fresh_every`` later)."""
        self._checked_new = -1e9

    async def ready(self) -> bool:
        """Whether the index can answer (its build is started if it was not); refreshes it when due."""
        self.start()
        if not self._ready:
            return False
        now = time.monotonic()
        if not self._refreshing and now - self._checked_new > self._fresh_every:
            self._refreshing = True
            try:
                async with self._db:
                    await self._refresh(now)
            finally:
                self._refreshing = False
        return True

    def ids(self, query: Query, count: int) -> list[int]:
        return self._index.search(query, count)

    async def articles(self, ids: Sequence[int]) -> list[StoredArticle]:
        """The articles for ``ids`` in that order (from memory when the index has the same version)."""
        found: dict[int, StoredArticle] = {}
        missing = []
        for ident in ids:
            cached = self._cache.get(ident)
            if cached is not None and cached.version == self._index.version(ident):
                self._cache.move_to_end(ident)
                found[ident] = cached
            else:
                missing.append(ident)
        if missing:
            async with self._db:
                fetched = await articles_by_ids(self._store.engine, missing)
            for stored in fetched.values():
                self._remember(stored)
            found.update(fetched)
        return [found[i] for i in ids if i in found]

    def _remember(self, stored: StoredArticle) -> None:
        self._cache[stored.id] = stored
        self._cache.move_to_end(stored.id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _build_index(self) -> None:
        started = time.monotonic()
        self._watermark = datetime.now(UTC)
        await self._index.add_many(await search_docs(self._store.engine, newest=self._max_docs))
        self._checked_new = self._checked_changed = time.monotonic()
        self._ready = True
        log.info("search index: %d articles in %.1f s", len(self._index), time.monotonic() - started)

    async def _refresh(self, now: float) -> None:
        self._checked_new = now
        engine = self._store.engine
        await self._index.add_many(await search_docs(engine, after_id=self._index.max_id))
        if now - self._checked_changed <= self._recheck_every:
            return
        self._checked_changed = now
        mark = datetime.now(UTC)
        await self._index.add_many(await changed_since(engine, self._watermark, up_to_id=self._index.max_id))
        for ident in await withdrawn_ids(engine, up_to_id=self._index.max_id):
            self._index.remove(ident)
            self._cache.pop(ident, None)
        self._watermark = mark
