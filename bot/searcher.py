"""The live search index: built from the store in the background, kept fresh, and holding what a
listing shows of each article — so a reader's search costs no database round trip.

SQLite through aiosqlite costs a thread hand-off per statement, and under load those hand-offs queue
behind the event loop's thread: measured at 200 updates/s, a search that read its page of articles from
the store waited 20-240 ms at the 99th percentile.  Here:

- new articles are read (``id > newest indexed``) at most ``fresh_every`` seconds apart, on a search;
- articles edited since the last check (``updated_at``) are re-read, and withdrawn ones dropped, every
  ``recheck_every`` seconds — a listing may show an edited headline (or a withdrawn article) that long;
- at most ``db`` (a semaphore shared with the reader) statements run at once: more would take the
  connection pool into overflow, and an overflow SQLite connection is opened (a thread, the pragmas) and
  closed again for each statement — tens of milliseconds each under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.queries import Headline, changed_since, search_docs, withdrawn_ids
from bot.search import Query, SearchIndex
from bot.store import Store

log = logging.getLogger(__name__)


class Searcher:
    def __init__(
        self,
        store: Store,
        *,
        max_docs: int = 20_000,
        fresh_every: float = 2.0,
        recheck_every: float = 60.0,
        db: asyncio.Semaphore | None = None,
    ) -> None:
        self._store = store
        self._db = db or asyncio.Semaphore(4)
        self._max_docs = max_docs
        self._fresh_every = fresh_every
        self._recheck_every = recheck_every
        self._index = SearchIndex()
        self._build: asyncio.Task[None] | None = None
        self._ready = False
        self._refreshing = False
        self._checked_new = 0.0
        self._checked_changed = 0.0
        self._watermark = datetime.now(UTC)

    def start(self) -> None:
        """Start building the index in the background (again, if the last build failed)."""
        if self._build is not None and self._build.done() and not self._ready:
            if not self._build.cancelled() and (exc := self._build.exception()) is not None:
                log.warning("search index build failed (%s); retrying, the store answers meanwhile", exc)
            self._build = None
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

    def headlines(self, ids: Sequence[int]) -> list[Headline]:
        """What to list for ``ids`` (in that order; ids the index no longer holds are left out)."""
        return [h for h in map(self._index.headline, ids) if h is not None]

    async def _build_index(self) -> None:
        started = time.monotonic()
        self._watermark = datetime.now(UTC)
        async with self._db:
            docs = await search_docs(self._store.engine, newest=self._max_docs)
        await self._index.add_many(docs)
        self._checked_new = self._checked_changed = time.monotonic()
        self._ready = True
        log.info("search index: %d articles in %.1f s", len(self._index), time.monotonic() - started)

    async def _refresh(self, now: float) -> None:
        self._checked_new = now
        engine = self._store.engine
        await self._index.add_many(await search_docs(engine, after_id=self._index.max_id))
        if self._index.slots > 2 * self._max_docs:  # new and re-added articles only ever append: start over
            fresh = SearchIndex()
            await fresh.add_many(await search_docs(engine, newest=self._max_docs))
            self._index = fresh
            self._checked_changed = now
            return
        if now - self._checked_changed <= self._recheck_every:
            return
        self._checked_changed = now
        mark = datetime.now(UTC)
        await self._index.add_many(await changed_since(engine, self._watermark, up_to_id=self._index.max_id))
        for ident in await withdrawn_ids(engine, up_to_id=self._index.max_id):
            self._index.remove(ident)
        self._watermark = mark
