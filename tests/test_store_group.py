"""Group commit: items that become ready together share one flush, each submitter gets its own result
only after that flush, and a failing flush reaches every submitter of its batch."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.group import GroupCommit


class Journal:
    """A flush target that records each batch and can be told to fail or to take its time."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.fail: Exception | None = None
        self.delay = 0.0

    async def flush(self, items: list[int]) -> list[int]:
        await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        self.batches.append(list(items))
        return [i * 10 for i in items]


async def test_items_ready_together_share_one_flush_and_keep_their_results() -> None:
    journal = Journal()
    group = GroupCommit(journal.flush)
    results = await asyncio.gather(*(group.submit(i) for i in range(50)))
    assert results == [i * 10 for i in range(50)]
    assert journal.batches == [list(range(50))]
    assert (group.flushes, group.items) == (1, 50)


async def test_items_arriving_during_a_flush_go_in_the_next() -> None:
    journal = Journal()
    journal.delay = 0.02
    group = GroupCommit(journal.flush)
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0.005)  # the first flush is running
    rest = [asyncio.create_task(group.submit(i)) for i in range(2, 12)]
    assert await first == 10 and not any(t.done() for t in rest)  # not reported before their own commit
    assert await asyncio.gather(*rest) == [i * 10 for i in range(2, 12)]
    assert journal.batches == [[1], list(range(2, 12))]


async def test_a_lone_item_is_written_at_once() -> None:
    journal = Journal()
    group = GroupCommit(journal.flush)
    assert await asyncio.wait_for(group.submit(7), 0.05) == 70


async def test_max_items_splits_a_big_group() -> None:
    journal = Journal()
    group = GroupCommit(journal.flush, max_items=8)
    await asyncio.gather(*(group.submit(i) for i in range(20)))
    assert [len(b) for b in journal.batches] == [8, 8, 4]


async def test_a_failed_flush_reaches_every_submitter_of_its_batch_and_the_next_batch_still_runs() -> None:
    journal = Journal()
    journal.delay = 0.01
    group = GroupCommit(journal.flush)
    doomed = [asyncio.create_task(group.submit(i)) for i in range(3)]
    await asyncio.sleep(0)
    journal.fail = OSError("database is away")
    outcomes = await asyncio.gather(*doomed, return_exceptions=True)
    assert all(isinstance(o, OSError) for o in outcomes)
    journal.fail = None
    assert await group.submit(5) == 50


async def test_a_cancelled_submitter_is_still_written_and_wait_idle_waits_for_it() -> None:
    journal = Journal()
    journal.delay = 0.02
    group = GroupCommit(journal.flush)
    task = asyncio.create_task(group.submit(3))
    await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await group.wait_idle()
    assert journal.batches == [[3]]


async def test_a_broken_hold_hook_does_not_stall_the_writes() -> None:
    journal = Journal()

    def broken() -> bool:
        raise RuntimeError("no publisher")

    group = GroupCommit(journal.flush, hold=broken)
    assert await asyncio.wait_for(group.submit(4), 1.0) == 40


async def test_held_items_wait_for_the_rest_and_at_most_the_linger() -> None:
    journal = Journal()
    busy = [True]
    group = GroupCommit(journal.flush, hold=lambda: busy[0], linger=0.2)
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0.05)
    assert not first.done()  # held: more answers are coming
    busy[0] = False
    assert await asyncio.wait_for(group.submit(2), 0.1) == 20  # the last one: both written together
    assert await first == 10 and journal.batches == [[1, 2]]
    busy[0] = True
    start = asyncio.get_running_loop().time()
    assert await group.submit(3) == 30  # nobody else comes: written after the linger
    assert 0.15 <= asyncio.get_running_loop().time() - start < 0.5


async def test_a_flush_that_answers_short_fails_its_submitters() -> None:
    async def short(items: list[int]) -> list[int]:
        return items[:-1]

    group = GroupCommit(short)
    outcomes = await asyncio.gather(*(group.submit(i) for i in range(3)), return_exceptions=True)
    assert all(isinstance(o, RuntimeError) for o in outcomes)
