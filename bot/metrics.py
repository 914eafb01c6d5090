"""Counters for readers' traffic, rendered in the Prometheus text format (served at /metrics).

One :class:`Metrics` per application (``application.bot_data["metrics"]``).  The webhook notes when each
update arrived; the handlers' reply helper notes when its first reply went out, which gives the reply
latency inside the bot (kept for the last :data:`WINDOW` replies, exported as a summary).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

WINDOW = 4096
_PENDING_MAX = 20_000
QUANTILES = (0.5, 0.9, 0.99)


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of sorted ``values`` (nearest rank); 0 for none."""
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))
    return values[index]


@dataclass(slots=True)
class Metrics:
    updates: int = 0  # accepted by the webhook
    duplicates: int = 0  # dropped: an update_id seen before
    rejected: int = 0  # bad secret or not an update
    replies: int = 0  # messages and answers the handlers sent
    errors: int = 0  # handler errors (see the error handler)
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))  # arrival → reply accepted
    handling: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))  # arrival → reply sent off
    _arrivals: dict[int, float] = field(default_factory=dict)
    _ready: set[int] = field(default_factory=set)

    def arrived(self, update_id: int) -> None:
        self.updates += 1
        self._arrivals[update_id] = time.perf_counter()
        if len(self._arrivals) > _PENDING_MAX:  # updates that got no reply (silence) must not pile up
            oldest = next(iter(self._arrivals))
            del self._arrivals[oldest]
            self._ready.discard(oldest)

    def ready(self, update_id: int | None) -> None:
        """The bot's work for ``update_id`` is done and its reply is being sent (recorded once)."""
        if update_id is None:
            return
        started = self._arrivals.get(update_id)
        if started is not None and update_id not in self._ready:
            self._ready.add(update_id)
            self.handling.append(time.perf_counter() - started)

    def replied(self, update_id: int | None) -> None:
        """A reply went out for ``update_id``: its latency is recorded once (the first reply)."""
        self.replies += 1
        started = self._arrivals.pop(update_id, None) if update_id is not None else None
        if update_id is not None:
            self._ready.discard(update_id)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)

    def render(self, deliveries: Mapping[str, int], queue_depth: int) -> str:
        lines: list[str] = []

        def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
            lines.append(f"# HELP akhbar_{name} {help_text}")
            lines.append(f"# TYPE akhbar_{name} {kind}")
            lines.extend(f"akhbar_{name}{labels} {value:g}" for labels, value in samples)

        metric("updates_received_total", "counter", "Updates accepted by the webhook.", [("", self.updates)])
        metric("updates_duplicate_total", "counter", "Updates dropped as repeats.", [("", self.duplicates)])
        metric("updates_rejected_total", "counter", "Requests refused (secret, body).", [("", self.rejected)])
        metric("replies_total", "counter", "Replies sent to readers and editors.", [("", self.replies)])
        metric("errors_total", "counter", "Errors while handling updates.", [("", self.errors)])
        metric("update_queue_depth", "gauge", "Updates waiting for a handler.", [("", queue_depth)])
        metric(
            "deliveries",
            "gauge",
            "Outbox rows by status.",
            [(f'{{status="{status}"}}', count) for status, count in sorted(deliveries.items())],
        )
        for name, values, text in (
            ("handling_seconds", self.handling, "From update arrival to its reply being sent (the bot's work)."),
            ("reply_latency_seconds", self.latencies, "From update arrival to the reply accepted by Telegram."),
        ):
            ordered = sorted(values)
            samples = [(f'{{quantile="{q}"}}', quantile(ordered, q)) for q in QUANTILES]
            samples += [("_sum", sum(ordered)), ("_count", len(ordered))]
            metric(name, "summary", text, samples)
        return "\n".join(lines) + "\n"
