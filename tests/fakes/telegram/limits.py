"""The fake's flood control: what Telegram documents, enforced with real 429s.

- overall: at most ``overall`` accepted messages in any sliding ``overall_window`` seconds;
- a group or channel (negative id or @username): at most ``group`` per sliding ``group_window``;
- a private chat: a token bucket of ``private_burst`` refilled at ``private_rate`` per second.

Only accepted messages count (sendMessage, sendPhoto and the edits).  ``retry_after`` is the wait
until the request would pass, rounded up to whole seconds (at least 1) like Telegram's, unless
``whole_seconds=False`` (fractions keep fast tests fast).
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    overall: int = 30
    overall_window: float = 1.0
    group: int = 20
    group_window: float = 60.0
    private_burst: int = 3
    private_rate: float = 1.0
    whole_seconds: bool = True
    enabled: bool = True

    @classmethod
    def off(cls) -> Limits:
        return cls(enabled=False)


class FloodControl:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._overall: deque[float] = deque()
        self._groups: dict[str, deque[float]] = {}
        self._buckets: dict[str, tuple[float, float]] = {}  # tokens, at
        self.rejected = 0

    def check(self, chat: str, group: bool) -> float | None:
        """``None`` when a message to ``chat`` may pass now, else the retry_after to answer."""
        lim = self.limits
        if not lim.enabled:
            return None
        now = time.monotonic()
        waits = []
        overall = self._overall
        while overall and overall[0] <= now - lim.overall_window:
            overall.popleft()
        if len(overall) >= lim.overall:
            waits.append(overall[0] + lim.overall_window - now)
        if group:
            window = self._groups.get(chat)
            if window is not None:
                while window and window[0] <= now - lim.group_window:
                    window.popleft()
                if len(window) >= lim.group:
                    waits.append(window[0] + lim.group_window - now)
        else:
            tokens = self._tokens(chat, now)
            if tokens < 1:
                waits.append((1 - tokens) / lim.private_rate)
        if not waits:
            return None
        self.rejected += 1
        wait = max(waits)
        return float(max(1, math.ceil(wait))) if lim.whole_seconds else max(0.01, round(wait, 3))

    def record(self, chat: str, group: bool) -> None:
        if not self.limits.enabled:
            return
        now = time.monotonic()
        self._overall.append(now)
        if group:
            self._groups.setdefault(chat, deque()).append(now)
        else:
            self._buckets[chat] = (self._tokens(chat, now) - 1, now)

    def _tokens(self, chat: str, now: float) -> float:
        lim = self.limits
        tokens, at = self._buckets.get(chat, (float(lim.private_burst), now))
        return min(float(lim.private_burst), tokens + (now - at) * lim.private_rate)
