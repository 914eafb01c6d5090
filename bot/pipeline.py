"""watch → store → outbox → deliver.

:func:`run_once` runs one cycle (poll every feed once, then deliver what is due) and returns — what the
tests and the demo use (arq's burst mode).  :func:`run_forever` runs one watch loop per feed and the
delivery worker until ``stop`` is set.

First sight of a feed is a *baseline*: what it already holds is stored, not posted — except the newest
``BACKFILL`` items.  While editors have paused posting, new articles are recorded with SKIPPED
deliveries (visible, pushable by hand), never queued for later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.compose.arabic import normalize
from bot.config import Settings
from bot.delivery import STORE_DOWN, DeliveryStats, describe
from bot.models import Article, DeliveryStatus, Destination, DestinationKind
from bot.services import Services
from bot.sources.watcher import PolledItem
from bot.store import SaveOutcome
from bot.withdrawn import recheck

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestReport:
    feed: str
    new: int = 0
    updated: int = 0
    baseline: int = 0
    error: str | None = None


@dataclass(slots=True)
class CycleReport:
    feeds: list[IngestReport] = field(default_factory=list)
    delivery: DeliveryStats | None = None

    @property
    def new(self) -> int:
        return sum(f.new for f in self.feeds)


def destinations_for(article: Article, settings: Settings) -> list[Destination]:
    """Every destination a new article goes to: the channels, its section's routes, X, its subscribers."""
    chats = list(settings.telegram.telegram_channels)
    if article.section:
        chats += [c for c in settings.telegram.routes.get(article.section.slug, []) if c not in chats]
    out = [Destination(DestinationKind.CHANNEL, c) for c in dict.fromkeys(chats)]
    if settings.x.enabled:
        out.append(Destination(DestinationKind.X))
    if article.section:
        out.append(Destination(DestinationKind.SUBSCRIBER, article.section.slug))
    return out


def search_text(article: Article) -> str:
    parts = [article.title, article.kicker or "", article.description or "", *article.paragraphs[:3]]
    return normalize(" ".join(parts))


async def ingest(services: Services, feed_url: str, *, force: bool = False) -> IngestReport:
    """Poll one feed (unless it is backing off) and record what it holds."""
    report = IngestReport(feed_url)
    state = await services.store.feeds.get(feed_url)
    now = datetime.now(UTC)
    if not force and state.next_poll_at is not None and state.next_poll_at > now:
        return report
    result = await services.watcher.poll(state, services.store.articles.known)
    if result.state.last_error and result.state.failures:
        report.error = result.state.last_error
    # a baseline needs something to stand on: an empty or failing first poll leaves the feed un-baselined,
    # or its whole back catalogue would be posted the first time it answers
    baseline = not state.baselined
    await _record(services, result.items, baseline=baseline, report=report)
    if baseline and result.entries > 0:
        result.state.baselined = True
    await services.store.feeds.save(result.state)
    if report.new or report.updated:
        services.wake.set()
    return report


async def _record(services: Services, items: Sequence[PolledItem], *, baseline: bool, report: IngestReport) -> None:
    settings = services.settings
    paused = await services.store.state.paused()
    backfill = settings.sources.backfill
    # items come newest first; save oldest first so the outbox (and the channel) keeps publication order
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        post_it = not baseline or index < backfill
        dests = destinations_for(item.article, settings) if post_it else []
        status = DeliveryStatus.SKIPPED if paused else DeliveryStatus.PENDING
        saved = await services.store.articles.save(
            item.article,
            fingerprint=item.fingerprint,
            aliases=item.aliases,
            search_text=search_text(item.article),
            destinations=dests,
            status=status,
        )
        if saved.outcome is SaveOutcome.NEW:
            if post_it:
                report.new += 1
            else:
                report.baseline += 1
        elif saved.outcome is SaveOutcome.UPDATED:
            report.updated += 1


async def run_once(services: Services) -> CycleReport:
    """One cycle: every feed polled once (ignoring back-off), then everything due delivered."""
    reports = await asyncio.gather(*(ingest(services, url, force=True) for url in services.settings.sources.feed_urls))
    delivery = await services.worker.drain()
    return CycleReport(list(reports), delivery)


async def _watch(services: Services, url: str, stop: asyncio.Event) -> None:
    interval = services.settings.sources.poll_interval
    while not stop.is_set():
        try:
            report = await ingest(services, url)
        except STORE_DOWN as exc:  # the database is down: say so, keep the loop, try again next interval
            log.error("feed %s not recorded: %s", url, describe(exc))
            report = IngestReport(url)
        if report.new or report.updated or report.baseline:
            log.info("feed %s: %d new, %d updated, %d baseline", url, report.new, report.updated, report.baseline)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def _recheck_withdrawn(services: Services, stop: asyncio.Event) -> None:
    interval = services.settings.telegram.withdrawn_check_interval
    if not interval:
        return
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        if stop.is_set():
            return
        try:
            report = await recheck(services)
        except STORE_DOWN as exc:
            log.warning("withdrawn-article check skipped: %s", describe(exc))
            continue
        if report.withdrawn:
            log.info("%d of %d recent articles were withdrawn by the site", report.withdrawn, report.checked)


async def run_forever(services: Services, stop: asyncio.Event) -> None:
    """Watch every feed and deliver until ``stop`` is set; in-flight sends finish or are released."""
    recovered = await services.store.outbox.recover()
    if recovered:
        log.warning("%d deliveries were in flight at the last stop; they will be sent again", recovered)
    watchers = [asyncio.create_task(_watch(services, url, stop)) for url in services.settings.sources.feed_urls]
    watchers.append(asyncio.create_task(_recheck_withdrawn(services, stop)))
    worker = asyncio.create_task(services.worker.run(stop, services.wake))
    stopping = asyncio.create_task(stop.wait())
    # a watcher or the worker ending before stop is a bug: stop everything and raise it, never run on half a bot
    done, _ = await asyncio.wait([stopping, worker, *watchers], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    for task in watchers:
        task.cancel()
    results = await asyncio.gather(*watchers, return_exceptions=True)
    await worker
    for task, result in zip(watchers, results, strict=True):
        if task in done and isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result
