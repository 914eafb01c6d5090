"""Pacing for everything one bot token sends to Telegram.

Telegram's limits (Bot FAQ): about 30 messages per second overall, 20 per minute in one group or
channel, about one per second in one private chat (short bursts tolerated).  python-telegram-bot's
AIORateLimiter bursts 30 and then paces, so a strict sliding window sees up to ~60 in one second and
answers 429; it also has no per-chat limit.  This limiter instead:

- holds the whole token to ``overall_max`` sends in any ``overall_window`` seconds, and counts a send
  in the window from its release until ``overall_window`` after its *answer* (:meth:`RateLimiter.turn`):
  the answer comes after Telegram received the request, so however late a request reaches Telegram,
  the requests Telegram sees in any window are never more than ``overall_max``;
- releases waiters in groups of up to ``batch`` per event-loop wake-up (a wake-up costs more CPU than
  a send on small virtual machines; the window, not the grouping, decides how many go per second);
- holds a group or channel (negative id or ``@username``) to ``group_max`` sends per ``group_window``
  (a sliding window, like the server's);
- holds a private chat to a GCRA token bucket: ``chat_burst`` at once, then ``chat_rate`` per second;
- stops every release while paused: a 429 from Telegram (``retry_after``) may block the whole bot.

Use from a worker pool::

    limiter = RateLimiter()                  # one per bot token, shared by every sender
    if limiter.delay(chat) > 5:              # optional: postpone a busy chat, take other work
        ...
    async with limiter.turn(chat):           # returns when this send may go
        ...                                  # send at once; on a 429: limiter.pause(retry_after)

A waiter costs one queued future, and per-chat state is pruned once it no longer constrains anything,
so 100,000 subscribers do not accumulate.  Waiters for groups and channels go before waiters for
private chats (a channel post reaches everyone at once; a subscriber's copy can wait a moment), and
within each kind first come, first served; a waiter whose chat is not ready when its turn comes steps
aside (the slot goes to the next) and queues again once its chat is ready.
"""

from __future__ import annotations

import asyncio
import heapq
import math
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

_PRUNE_EVERY = 4096
_BATCH_WAIT = 0.02  # the longest a partial batch waits for the rest of the batch's room
_EARLY = 0.002  # a timer may fire this much before its time (the loop's clock resolution)
_NEVER = float("-inf")


@dataclass(frozen=True, slots=True)
class Limits:
    """Rates for one bot token.  ``margin`` (seconds) is added to every per-chat spacing so that the
    few milliseconds between a release and the request reaching Telegram cannot break a window.
    ``batch``: most sends released by one wake-up once the overall window is full; a waiter arriving
    while the window has room goes at once."""

    overall_max: int = 30
    overall_window: float = 1.0
    group_max: int = 20
    group_window: float = 60.0
    chat_rate: float = 1.0
    chat_burst: int = 3
    margin: float = 0.05
    batch: int = 10

    @classmethod
    def per_second(cls, rate: float, *, group_max: int = 20, chat_rate: float = 1.0) -> Limits:
        """Limits from a messages-per-second figure (TELEGRAM_OVERALL_RATE): ``floor(rate)`` sends in
        any second, or one per ``1/rate`` seconds below 1/s."""
        if rate >= 1:
            return cls(overall_max=math.floor(rate), group_max=group_max, chat_rate=chat_rate)
        return cls(overall_max=1, overall_window=1.0 / rate, group_max=group_max, chat_rate=chat_rate)


def chat_key(chat: str | int) -> tuple[str, bool]:
    """Normalise a chat id or @username and tell whether it is a group/channel (the 20/min kind)."""
    text = str(chat).strip()
    if text.startswith("@"):
        return text.lower(), True
    return text, text.startswith("-")


class RateLimiter:
    """Paces sends for one bot token; see the module docstring.  Not thread-safe: one event loop."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        lim = self.limits
        self._chat_step = 1.0 / lim.chat_rate + lim.margin
        self._chat_tolerance = (lim.chat_burst - 1) * self._chat_step
        self._queue: deque[tuple[str, bool, asyncio.Future[bool]]] = deque()  # private chats
        self._first: deque[tuple[str, bool, asyncio.Future[bool]]] = deque()  # groups and channels: served first
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._paused_until = _NEVER
        self._in_flight = 0  # released by turn(), not answered yet: count in the window until answered
        self._counted: list[float] = []  # heap: when each finished send stops counting in the window
        self._tat: dict[str, float] = {}  # private chats: GCRA theoretical arrival time
        self._windows: dict[str, deque[float]] = {}  # groups: release times in the window
        self._commits = 0
        self.pauses = 0  # how many times pause() was called (429s seen)
        self.released = 0
        self.wakeups = 0  # timer wake-ups that released something (released / wakeups = grouping)

    # -- public API -------------------------------------------------------------------------------
    @asynccontextmanager
    async def turn(self, chat: str | int) -> AsyncIterator[None]:
        """Wait until a message to ``chat`` may go, then send it inside the block.  The send counts in
        the overall window until ``overall_window`` seconds after the block ends (the answer)."""
        await self._wait(chat)
        try:
            yield
        finally:
            self._finish(self.limits.overall_window)

    async def acquire(self, chat: str | int) -> None:
        """Wait until a message to ``chat`` may be sent now, for a caller that does not report the
        answer: the send counts in the window from now (plus ``margin``) instead."""
        await self._wait(chat)
        self._finish(self.limits.overall_window + self.limits.margin)

    def delay(self, chat: str | int) -> float:
        """Seconds before ``chat`` could be sent to (ignoring the overall queue); 0 when ready."""
        key, group = chat_key(chat)
        now = asyncio.get_running_loop().time()
        return max(0.0, self._chat_wait(key, group, now), self._paused_until - now)

    def pause(self, seconds: float) -> None:
        """Stop all releases for ``seconds`` (Telegram answered 429 with this retry_after)."""
        loop = asyncio.get_running_loop()
        self.pauses += 1
        self._paused_until = max(self._paused_until, loop.time() + max(0.0, seconds))
        if self._timer is not None and self._timer_at < self._paused_until:
            self._timer.cancel()
            self._timer = None
        self._arm(loop)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - asyncio.get_running_loop().time())

    @property
    def waiting(self) -> int:
        return len(self._queue) + len(self._first)

    @property
    def in_flight(self) -> int:
        """Sends released and not finished (answered, failed or given back)."""
        return self._in_flight

    @property
    def busy(self) -> bool:
        """Sends are in flight, or the next release is due within ``_BATCH_WAIT`` (the rest of a
        window's batches follow each other by milliseconds)."""
        if self._in_flight > 0:
            return True
        return self._timer is not None and self._timer_at - asyncio.get_running_loop().time() < _BATCH_WAIT

    # -- internals --------------------------------------------------------------------------------
    async def _wait(self, chat: str | int) -> None:
        """Return once released; the release is then in flight until :meth:`_finish`."""
        key, group = chat_key(chat)
        loop = asyncio.get_running_loop()
        while True:
            wait = self._chat_wait(key, group, loop.time())
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            fut: asyncio.Future[bool] = loop.create_future()
            (self._first if group else self._queue).append((key, group, fut))
            self._arm(loop)
            try:
                if await fut:
                    return
            except asyncio.CancelledError:
                if fut.done() and not fut.cancelled() and fut.result():
                    self._finish(0.0)  # released, then cancelled before sending: give the slot back
                raise

    def _finish(self, counts_for: float) -> None:
        """A released send is over (answered, failed or never made): it counts in the overall window
        for ``counts_for`` more seconds."""
        self._in_flight -= 1
        loop = asyncio.get_running_loop()
        if counts_for > 0:
            heapq.heappush(self._counted, loop.time() + counts_for)
        if self.waiting and self._timer is None:
            self._arm(loop)

    def _chat_wait(self, key: str, group: bool, now: float) -> float:
        if group:
            window = self._windows.get(key)
            if window is not None and len(window) >= self.limits.group_max:
                return window[0] + self.limits.group_window + self.limits.margin - now
            return 0.0
        tat = self._tat.get(key)
        return 0.0 if tat is None else tat - self._chat_tolerance - now

    def _commit(self, key: str, group: bool, now: float) -> None:
        if group:
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = deque(maxlen=self.limits.group_max)
            window.append(now)
        else:
            self._tat[key] = max(self._tat.get(key, now), now) + self._chat_step
        self._commits += 1
        if self._commits % _PRUNE_EVERY == 0:
            self._prune(now)

    def _prune(self, now: float) -> None:
        self._tat = {k: t for k, t in self._tat.items() if t > now}
        horizon = now - self.limits.group_window - self.limits.margin
        self._windows = {k: w for k, w in self._windows.items() if w[-1] > horizon}

    def _room(self, now: float) -> int:
        """Sends the overall window admits now (expired entries dropped)."""
        counted = self._counted
        while counted and counted[0] <= now:
            heapq.heappop(counted)
        return self.limits.overall_max - self._in_flight - len(counted)

    def _due_at(self, now: float) -> float | None:
        """When the next release should happen: now if the window has room for the waiters (or for a
        whole batch), else when enough counted sends expire (a partial batch goes at once only if the
        rest is more than ``_BATCH_WAIT`` away); None: every slot is in flight, an answer re-arms."""
        want = min(self.limits.batch, self.waiting)
        room = self._room(now)
        short = want - room
        if short <= 0:
            at = now
        elif short <= len(self._counted):
            at = heapq.nsmallest(short, self._counted)[-1]
        elif self._counted:
            at = max(self._counted)  # the rest are in flight: take what the window gives then
        elif room <= 0:
            return None
        else:
            at = now
        if room > 0 and at - now > _BATCH_WAIT:
            at = now
        return max(at, self._paused_until)

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """Schedule the next release (see :meth:`_due_at`)."""
        if self._timer is not None or not self.waiting:
            return
        at = self._due_at(loop.time())
        if at is None:
            return
        self._timer_at = at
        self._timer = loop.call_at(at, self._release, loop)

    def _release(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        due = self._due_at(now) if self.waiting else None
        if due is None or due > now + _EARLY:  # paused, or a whole batch is a moment away: wait for it
            self._arm(loop)
            return
        room = min(self._room(now), self.limits.batch)
        released = 0
        while released < room and (self._first or self._queue):
            key, group, fut = (self._first or self._queue).popleft()
            if fut.done():  # the waiter was cancelled
                continue
            if self._chat_wait(key, group, now) > 0:
                fut.set_result(False)  # its chat is busy: step aside, queue again when ready
                continue
            self._commit(key, group, now)
            released += 1
            fut.set_result(True)
        if released:
            self.released += released
            self.wakeups += 1
            # released now, counted from now on (turn() and acquire() record when they stop counting)
            self._in_flight += released
        self._arm(loop)
