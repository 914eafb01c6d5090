"""Pacing for everything one bot token sends to Telegram.

Telegram's limits (Bot FAQ): about 30 messages per second overall, 20 per minute in one group or
channel, about one per second in one private chat (short bursts tolerated).  python-telegram-bot's
AIORateLimiter bursts 30 and then paces, so a strict sliding window sees up to ~60 in one second and
answers 429; it also has no per-chat limit.  This limiter instead:

- releases sends one at a time, each at least ``1/overall_rate`` seconds after the previous *actual*
  release (29/s by default: evenly paced, no burst, and a late wake-up never compresses the gaps);
- holds a group or channel (negative id or ``@username``) to ``group_max`` sends per ``group_window``
  (a sliding window, like the server's);
- holds a private chat to a GCRA token bucket: ``chat_burst`` at once, then ``chat_rate`` per second;
- stops every release while paused: a 429 from Telegram (``retry_after``) may block the whole bot.

Use from a worker pool::

    limiter = RateLimiter()                  # one per bot token, shared by every sender
    if limiter.delay(chat) > 5:              # optional: postpone a busy chat, take other work
        ...
    await limiter.acquire(chat)              # returns when this send may go; then send at once
    ...                                      # on a 429: limiter.pause(retry_after)

A waiter costs one queued future, and per-chat state is pruned once it no longer constrains anything,
so 100,000 subscribers do not accumulate.  Waiters are served first come, first served; a waiter
whose chat is not ready when its turn comes steps aside (the slot goes to the next) and queues again
once its chat is ready.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

_PRUNE_EVERY = 4096
_NEVER = float("-inf")


@dataclass(frozen=True, slots=True)
class Limits:
    """Rates for one bot token.  ``margin`` (seconds) is added to every per-chat spacing so that the
    few milliseconds between a release and the request reaching Telegram cannot break a window.
    ``batch``: sends released together per tick, so one event-loop wake-up serves ``batch`` sends
    (cheaper where a wake-up costs more CPU than a send), but a sliding second may then hold up to
    ``overall_rate`` + ``batch`` sends: keep 1 at 29/s against Telegram's 30 (batch 3 measured 429s)."""

    overall_rate: float = 29.0
    group_max: int = 20
    group_window: float = 60.0
    chat_rate: float = 1.0
    chat_burst: int = 3
    margin: float = 0.05
    batch: int = 1


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
        self._interval = 1.0 / lim.overall_rate
        self._slack = self._interval / 4
        self._chat_step = 1.0 / lim.chat_rate + lim.margin
        self._chat_tolerance = (lim.chat_burst - 1) * self._chat_step
        self._queue: deque[tuple[str, bool, asyncio.Future[bool]]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._next_at = _NEVER
        self._paused_until = _NEVER
        self._tat: dict[str, float] = {}  # private chats: GCRA theoretical arrival time
        self._windows: dict[str, deque[float]] = {}  # groups: release times in the window
        self._commits = 0
        self.pauses = 0  # how many times pause() was called (429s seen)
        self.released = 0

    # -- public API -------------------------------------------------------------------------------
    async def acquire(self, chat: str | int) -> None:
        """Wait until a message to ``chat`` may be sent now."""
        key, group = chat_key(chat)
        loop = asyncio.get_running_loop()
        while True:
            wait = self._chat_wait(key, group, loop.time())
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            fut: asyncio.Future[bool] = loop.create_future()
            self._queue.append((key, group, fut))
            self._arm(loop)
            if await fut:
                return

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
        return len(self._queue)

    # -- internals --------------------------------------------------------------------------------
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

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is not None or not self._queue:
            return
        at = max(self._next_at, self._paused_until)
        self._timer_at = at
        self._timer = loop.call_at(at, self._release, loop)

    def _release(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        if now < self._paused_until:
            self._arm(loop)
            return
        released = 0
        while self._queue and released < self.limits.batch:
            key, group, fut = self._queue.popleft()
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
            # Keep to the ideal grid (a tick that fires a little late must not slow the whole fan-out
            # down), but never let a gap shrink by more than a quarter interval: any 30 intervals then
            # still span ≥ 30 × interval - slack (1.026 s at 29/s), so a sliding second holds ≤ 30.
            step = released * self._interval
            self._next_at = max(self._next_at + step, now + step - self._slack)
        self._arm(loop)
