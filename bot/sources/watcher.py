"""The poll of one source: what is new or changed in a feed, as Articles ready to store.

``await watcher.poll(state, known)`` fetches the feed conditionally (a 304, or a body identical to the
last one, costs no parsing), parses it, asks ``known`` — the store — which items it already holds, and
returns a :class:`PollResult`: the feed's next :class:`~bot.models.FeedState` and a
:class:`PolledItem` for every item that is NEW (no key known) or CHANGED (its fingerprint differs on a
field both versions have).  Unchanged items cost nothing more.  New and changed items are completed from
their article page when the feed lacks the body, image, section or title (at most 4 pages at a time);
a page that fails keeps what the feed gave, and is retried on the next polls (up to 3 times).

Items come newest first (by published time; undated last, in feed order).  The pipeline keeps the newest
N of a baseline simply as ``items[:N]``.  On a feed's first poll (``state.baselined`` false) only the
newest ``BACKFILL`` items are completed from their pages: the rest are recorded from the feed alone.

Failures never raise: the feed is marked failing (``health``, ``failures``, ``last_error`` for editors)
with exponential back-off and jitter (``next_poll_at``, at most an hour), and one log line says why.
At most one poll of a feed runs at a time (a lock per feed URL).  The watcher never touches the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import unquote, urlsplit

from bot.config import SourceSettings
from bot.exceptions import SourceError
from bot.models import Article, FeedHealth, FeedState
from bot.sources import identity
from bot.sources.entries import EntryKind, FeedEntry
from bot.sources.feeds import parse_feed
from bot.sources.fetch import Fetched, Fetcher
from bot.sources.page import extract_article

log = logging.getLogger(__name__)

MAX_BACKOFF = 3600.0
ENRICH_CONCURRENCY = 4
MAX_ITEMS = 100
SITEMAP_CHILDREN = 2


class KnownLookup(Protocol):
    """The store's answer to «which of these keys do you hold?»: ``{key: fingerprint}`` for those known."""

    async def __call__(self, keys: Sequence[str]) -> Mapping[str, str]: ...


@dataclass(frozen=True, slots=True)
class PolledItem:
    article: Article  # article.url is the identity key (normalised canonical URL)
    fingerprint: str  # store it; it comes back through KnownLookup on the next polls
    aliases: tuple[str, ...]  # every other key of this article (feed link, guid:…), without article.url
    updated: bool = False  # the store already had it: this is a change, not a new article


@dataclass(frozen=True, slots=True)
class PollResult:
    state: FeedState  # save it, whatever happened
    items: tuple[PolledItem, ...] = ()  # newest first
    not_modified: bool = False  # 304, or the same body as last time: nothing was parsed
    entries: int = 0  # how many items the feed held


@dataclass(slots=True)
class _Candidate:
    entry: FeedEntry
    keys: tuple[str, ...]
    print_: str
    tries: int  # failed page reads so far
    known: bool


class Watcher:
    def __init__(
        self,
        fetcher: Fetcher,
        settings: SourceSettings,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
        enrich_concurrency: int = ENRICH_CONCURRENCY,
        max_items: int = MAX_ITEMS,
        max_backoff: float = MAX_BACKOFF,
    ) -> None:
        self._fetcher = fetcher
        self._settings = settings
        self._tz = settings.tz
        self._sections = settings.sections
        self._rng = rng or random.Random()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._concurrency = enrich_concurrency
        self._max_items = max_items
        self._max_backoff = max_backoff
        self._locks: dict[str, asyncio.Lock] = {}

    async def poll(self, state: FeedState, known: KnownLookup) -> PollResult:
        lock = self._locks.setdefault(state.url, asyncio.Lock())
        async with lock:
            return await self._poll(state, known)

    # --- the feed -------------------------------------------------------------------------------------

    async def _poll(self, state: FeedState, known: KnownLookup) -> PollResult:
        extra = dict(state.extra)
        retry = bool(extra.get("retry"))  # pages to read again: the feed's items are needed even if unchanged
        try:
            got = await self._fetcher.fetch(
                state.url, etag=None if retry else state.etag, last_modified=None if retry else state.last_modified
            )
            digest = hashlib.sha1(got.body, usedforsecurity=False).hexdigest()[:16] if got.body else ""
            unchanged = got.not_modified or (digest == extra.get("body") and not retry)
            if unchanged and not extra.get("children"):
                return PollResult(self._ok(state, got, extra), not_modified=True)
            if not unchanged:
                extra["body"] = digest
                entries = parse_feed(got.body, got.url, got.content_type, tz=self._tz)
            else:
                entries = []
            entries = await self._follow_sitemaps(entries, extra, state.url)
        except SourceError as exc:
            return self._failed(state, exc)
        items = await self._items(entries, state, known, extra)
        return PollResult(self._ok(state, got, extra), items, entries=len(entries))

    async def _follow_sitemaps(self, entries: list[FeedEntry], extra: dict[str, str], url: str) -> list[FeedEntry]:
        """A sitemap index: the newest child sitemaps' entries (each fetched conditionally)."""
        children = [e for e in entries if e.kind is EntryKind.SITEMAP]
        if children:
            floor = datetime.min.replace(tzinfo=UTC)
            children.sort(key=lambda e: e.updated or floor, reverse=True)
            extra["children"] = " ".join(e.link for e in children[:SITEMAP_CHILDREN])
        links = extra.get("children", "").split()
        if not links:
            return entries
        results = await asyncio.gather(*(self._child(link, extra) for link in links), return_exceptions=True)
        out: list[FeedEntry] = [e for e in entries if e.kind is EntryKind.ARTICLE]
        errors = [r for r in results if isinstance(r, SourceError)]
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, SourceError):
                raise result
            if isinstance(result, list):
                out.extend(result)
        if errors and len(errors) == len(results):
            raise errors[0]
        for error in errors:
            log.warning("feed %s: child sitemap %s skipped: %s", url, error.url, error.reason)
        return out

    async def _child(self, link: str, extra: dict[str, str]) -> list[FeedEntry]:
        got = await self._fetcher.fetch(link, etag=extra.get(f"etag {link}"), last_modified=extra.get(f"lm {link}"))
        if got.etag:
            extra[f"etag {link}"] = got.etag
        if got.last_modified:
            extra[f"lm {link}"] = got.last_modified
        if got.not_modified:
            return []
        found = parse_feed(got.body, got.url, got.content_type, tz=self._tz)
        return [e for e in found if e.kind is EntryKind.ARTICLE]

    # --- the items ------------------------------------------------------------------------------------

    async def _items(
        self, entries: list[FeedEntry], state: FeedState, known: KnownLookup, extra: dict[str, str]
    ) -> tuple[PolledItem, ...]:
        candidates = self._candidates(entries)
        if not candidates:
            extra.pop("retry", None)
            return ()
        stored = await known([k for c in candidates for k in c.keys])
        todo: list[_Candidate] = []
        for c in candidates:
            found = next((stored[k] for k in c.keys if k in stored), None)
            if found is None:
                todo.append(c)
                continue
            c.known = True
            same = identity.same_content(found, c.print_)
            c.tries = identity.split_tries(found)[1] if same else 0
            if not same or 0 < c.tries < identity.MAX_PAGE_TRIES:
                todo.append(c)
        gate = asyncio.Semaphore(self._concurrency)
        enrich = len(todo) if state.baselined else self._settings.backfill
        items = await asyncio.gather(*(self._complete(c, state.url, gate, i < enrich) for i, c in enumerate(todo)))
        if any(0 < identity.split_tries(i.fingerprint)[1] < identity.MAX_PAGE_TRIES for i in items):
            extra["retry"] = "1"
        else:
            extra.pop("retry", None)
        return _newest_first(items)

    def _candidates(self, entries: list[FeedEntry]) -> list[_Candidate]:
        entries = [e for e in entries if e.kind is EntryKind.ARTICLE]
        if entries and all(e.published or e.updated for e in entries):
            floor = datetime.min.replace(tzinfo=UTC)
            entries.sort(key=lambda e: e.published or e.updated or floor, reverse=True)
        all_keys = [identity.entry_keys(e) for e in entries]
        # a GUID that several items of one feed share (a CMS writing the home URL into every <guid>)
        # identifies nothing: keeping it as an alias would fold every article into the first one
        uses = Counter(k for keys in all_keys for k in set(keys[1:]))
        seen: set[str] = set()
        out = []
        for entry, keys in zip(entries, all_keys, strict=True):
            keys = (keys[0], *(k for k in keys[1:] if uses[k] == 1))
            if keys[0] in seen:
                continue
            seen.add(keys[0])
            out.append(_Candidate(entry, keys, identity.fingerprint(entry), 0, False))
            if len(out) >= self._max_items:
                break
        return out

    async def _complete(self, c: _Candidate, source: str, gate: asyncio.Semaphore, read_page: bool) -> PolledItem:
        names = [self._settings.site_name]
        article = identity.from_entry(c.entry, self._sections, names, source)
        tries = 0
        if read_page and identity.needs_page(c.entry):
            async with gate:
                try:
                    got = await self._fetcher.fetch_page(c.entry.link)
                    page = await asyncio.to_thread(
                        extract_article,
                        got.body,
                        got.url,
                        tz=self._tz,
                        sections=self._sections,
                        site_name=self._settings.site_name,
                        content_type=got.content_type,
                    )
                except SourceError as exc:
                    tries = c.tries + 1
                    log.warning("article page %s unusable (%s); keeping what the feed gave", c.entry.link, exc.reason)
                else:
                    article = identity.merge(article, page)
        if not article.title:
            article = replace(article, title=article.description or article.kicker or _title_from_url(article.link))
        aliases = tuple(k for k in dict.fromkeys((*c.keys, article.url)) if k != article.url)
        return PolledItem(article, identity.with_tries(c.print_, tries), aliases, updated=c.known)

    # --- state ----------------------------------------------------------------------------------------

    def _ok(self, state: FeedState, got: Fetched, extra: dict[str, str]) -> FeedState:
        now = self._clock()
        if state.health is FeedHealth.FAILING:
            log.info("feed %s recovered after %d failed polls", state.url, state.failures)
        return replace(
            state,
            etag=got.etag or (state.etag if got.not_modified else None),
            last_modified=got.last_modified or (state.last_modified if got.not_modified else None),
            health=FeedHealth.OK,
            failures=0,
            last_error=None,
            last_ok_at=now,
            next_poll_at=now + timedelta(seconds=self._settings.poll_interval),
            extra=extra,
        )

    def _failed(self, state: FeedState, exc: SourceError) -> PollResult:
        failures = state.failures + 1
        interval = self._settings.poll_interval
        delay = min(self._max_backoff, interval * 2 ** min(failures, 20))
        delay = max(interval, min(self._max_backoff, delay * self._rng.uniform(0.8, 1.2)))
        log.warning("feed %s failing (%d in a row; next try in %.0f s): %s", state.url, failures, delay, exc.reason)
        new = replace(
            state,
            health=FeedHealth.FAILING,
            failures=failures,
            last_error=exc.reason,
            next_poll_at=self._clock() + timedelta(seconds=delay),
        )
        return PollResult(new)


def _newest_first(items: Sequence[PolledItem]) -> tuple[PolledItem, ...]:
    unique: dict[str, PolledItem] = {}
    for item in items:
        unique.setdefault(item.article.url, item)
    floor = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(unique.values(), key=lambda i: i.article.published or floor, reverse=True)
    return tuple(ordered)


def _title_from_url(url: str) -> str:
    """A readable stand-in title from a URL's last path segment (a plain sitemap gives nothing else)."""
    segment = unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2])
    return segment.replace("-", " ").replace("_", " ").strip() or url
