"""Group commit: many coroutines' small writes, one transaction.

A fan-out has hundreds of lanes that each claim a row, send, and record the outcome.  One transaction
per step costs far more than the send itself (a commit, and on SQLite a trip to aiosqlite's thread
and back).  :class:`GroupCommit` gathers the items submitted while no write is running (or while one
is) and hands them to one ``flush`` call; each submitter resumes only once the transaction holding
its item has committed, so "committed before the next step" still holds for every row.

- An idle batcher starts its flush on the next event-loop iteration: a lone write waits no longer
  than it would alone, so the crash window of :mod:`bot.store.outbox` stays a few milliseconds.
- ``hold`` (optional) says more items are about to come (the delivery worker: sends released to
  Telegram and not yet answered); the flush then waits for them, at most ``linger`` seconds after the
  first item, so the answers to one release of the limiter share one commit.
- Under load, items arriving during a flush go together in the next one (at most ``max_items``).
- If ``flush`` raises, every submitter of that batch gets the exception (nothing is swallowed).
- A submitter cancelled while waiting does not withdraw its item: it is written anyway, and
  :meth:`GroupCommit.wait_idle` lets a shutdown wait for that before it releases what it holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """``flush(items)`` writes ``items`` in one transaction and returns one result per item, in order."""

    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[Sequence[R]]],
        *,
        max_items: int = 500,
        hold: Callable[[], bool] | None = None,
        linger: float = 0.1,
    ) -> None:
        self._flush = flush
        self._max = max_items
        self._hold = hold
        self._linger = linger
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None
        self._gathered: asyncio.Event | None = None  # set when the held-for items have come
        self.flushes = 0
        self.items = 0

    async def submit(self, item: T) -> R:
        """Queue ``item`` and return its result once its transaction committed."""
        fut: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, fut))
        if self._task is None:
            self._task = asyncio.create_task(self._run())
        elif self._gathered is not None and not self._holding():
            self._gathered.set()
        return await fut

    def _holding(self) -> bool:
        if self._hold is None or len(self._pending) >= self._max:
            return False
        try:
            return self._hold()
        except Exception:  # holding only saves commits: a broken hook must not stall the writes
            log.exception("GroupCommit hold hook failed; writing now")
            return False

    async def wait_idle(self) -> None:
        """Return when nothing is queued or being written."""
        while self._task is not None:
            await asyncio.shield(self._task)

    async def _run(self) -> None:
        try:
            await self._gather()
            while self._pending:
                batch, self._pending = self._pending[: self._max], self._pending[self._max :]
                try:
                    results = list(await self._flush([item for item, _ in batch]))
                    if len(results) != len(batch):
                        raise RuntimeError(f"flush returned {len(results)} results for {len(batch)} items")
                except Exception as exc:  # handed to every submitter of this batch, not swallowed
                    for _, fut in batch:
                        if not fut.done():
                            fut.set_exception(exc)
                    continue
                except BaseException:  # cancelled mid-write: its submitters must not wait forever
                    self._pending[:0] = batch
                    raise
                self.flushes += 1
                self.items += len(batch)
                for (_, fut), result in zip(batch, results, strict=True):
                    if not fut.done():
                        fut.set_result(result)
        finally:
            self._task = None
            for _, fut in self._pending:  # only left over when this task was cancelled
                fut.cancel()
            self._pending = []

    async def _gather(self) -> None:
        """While ``hold`` says more items are coming, wait for them (at most ``linger`` seconds)."""
        if not self._holding():
            return
        self._gathered = asyncio.Event()
        try:
            await asyncio.wait_for(self._gathered.wait(), self._linger)
        except TimeoutError:
            pass
        finally:
            self._gathered = None
