"""Editor services: push an article by URL, preview it, send a breaking alert, pause, and report status.

Every URL an editor gives goes through :class:`~bot.urlguard.UrlGuard` first, and is fetched over a
session of its own whose resolver refuses private addresses (the configured site excepted) and whose
every hop — redirects included — must stay on the site's hosts.  What is published goes through the
outbox like any other article: stored with its deliveries in one transaction, then the delivery worker
is woken.  Pausing (``/pause``) stops automatic posting only; editors' pushes and alerts still go out.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from uuid import uuid4

import aiohttp

from bot.compose.arabic import normalize
from bot.exceptions import BlockedURL, ComposeError, ParseError
from bot.models import BREAKING_SOURCE, Article, Delivery, Destination, DestinationKind, FeedState, TelegramPost
from bot.pipeline import destinations_for, search_text
from bot.queries import articles_by_ids, enqueue, fan_out_everyone
from bot.services import Services
from bot.sources.fetch import Fetcher
from bot.sources.identity import VERSION
from bot.sources.page import extract_article
from bot.sources.urls import normalize_url
from bot.store import SaveOutcome, StoredArticle
from bot.store.outbox import DestinationState
from bot.urlguard import GuardedResolver, UrlGuard, redirect_guard, trusted_site

PREVIEW_TTL = 3600.0
PREVIEWS = 64


@dataclass(frozen=True, slots=True)
class Pushed:
    article_id: int
    title: str
    queued: int  # deliveries made due by this push (0: it was out everywhere already)


@dataclass(frozen=True, slots=True)
class Preview:
    token: str
    article: Article
    post: TelegramPost


@dataclass(frozen=True, slots=True)
class Status:
    paused: bool
    feeds: list[FeedState]
    counts: dict[str, int]
    last_sent: list[tuple[Delivery, str]]
    dead: list[tuple[Delivery, str]]
    stopped: list[DestinationState]
    subscribers: int
    articles: int


def is_breaking(article: Article) -> bool:
    """A breaking alert stored as an article (compose it with ``compose_breaking``, not as a post)."""
    return article.is_breaking


class Editor:
    def __init__(self, services: Services, guard: UrlGuard | None = None) -> None:
        self._svc = services
        self._guard = guard or UrlGuard.from_settings(services.settings)
        self._fetcher: Fetcher | None = None
        self._previews: OrderedDict[str, tuple[float, Article]] = OrderedDict()
        self._preview_ids = 0

    # -- fetching -----------------------------------------------------------------------------------

    def _session_fetcher(self) -> Fetcher:
        if self._fetcher is None:
            trace = redirect_guard(self._guard.check)
            resolver = GuardedResolver(trusted_site(self._svc.settings))
            connector = aiohttp.TCPConnector(resolver=resolver, limit=8)
            session = aiohttp.ClientSession(connector=connector, trace_configs=[trace])
            self._svc.closers.append(session.close)
            self._fetcher = Fetcher(session, self._svc.settings.sources)
        return self._fetcher

    async def fetch(self, url: str) -> Article:
        """The article at ``url`` (raises BlockedURL, FetchError, ParseError)."""
        allowed = await self._guard.check(url.strip())
        got = await self._session_fetcher().fetch_page(allowed.url)
        self._guard.check_syntax(got.url)
        kind = (got.content_type or "text/html").split(";")[0].strip().lower()
        if kind not in ("text/html", "application/xhtml+xml"):
            raise ParseError(url[:80], f"not an article page ({kind[:40]})")
        src = self._svc.settings.sources
        article = await asyncio.to_thread(  # lxml/trafilatura take 10-300 ms: never on the event loop
            extract_article,
            got.body,
            got.url,
            tz=src.tz,
            sections=src.sections,
            site_name=src.site_name,
            content_type=got.content_type,
        )
        if urlsplit(article.href).scheme not in ("http", "https"):
            raise BlockedURL(url[:80], "the page has no usable link")
        return article

    # -- publishing ---------------------------------------------------------------------------------

    async def push(self, url: str) -> Pushed:
        """Fetch ``url`` and publish it now to every destination an article of its section goes to."""
        return await self.publish(await self.fetch(url), aliases=(normalize_url(url),))

    async def publish(self, article: Article, *, aliases: tuple[str, ...] = ()) -> Pushed:
        store, settings = self._svc.store, self._svc.settings
        dests = destinations_for(article, settings)
        saved = await store.articles.save(
            article, fingerprint=VERSION, aliases=aliases, search_text=search_text(article), destinations=dests
        )
        if saved.outcome is SaveOutcome.NEW:
            fixed = sum(1 for d in dests if d.kind is not DestinationKind.SUBSCRIBER)
            queued = fixed + (await store.subscribers.count(article.section.slug) if article.section else 0)
        else:  # known already (seen in a feed while paused, baselined, or pushed before)
            queued = await enqueue(store.engine, saved.article_id, dests)
        if queued:
            self._svc.wake.set()
        return Pushed(saved.article_id, article.title, queued)

    async def preview(self, url: str) -> Preview:
        """The post ``url`` would make, and a token to publish it with (valid an hour, in memory)."""
        article = await self.fetch(url)
        self._preview_ids += 1
        stand_in = StoredArticle(-self._preview_ids, article, 1, datetime.now(UTC), False)
        post = await self._svc.posts.telegram(stand_in)
        token = secrets.token_urlsafe(9)
        self._previews[token] = (time.monotonic(), article)
        while len(self._previews) > PREVIEWS:
            self._previews.popitem(last=False)
        return Preview(token, article, post)

    def take_preview(self, token: str) -> Article | None:
        """The previewed article (once: a second press finds nothing), or None when it expired."""
        entry = self._previews.pop(token, None)
        if entry is None or time.monotonic() - entry[0] > PREVIEW_TTL:
            return None
        return entry[1]

    async def breaking(self, text: str) -> int:
        """A «عاجل» alert to the channels (and X) and to every subscriber; returns the deliveries queued."""
        settings, store = self._svc.settings, self._svc.store
        lines = [" ".join(line.split()) for line in text.strip().splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ComposeError("a breaking alert needs text")
        now = datetime.now(UTC)
        article = Article(
            url=f"{BREAKING_SOURCE}:{uuid4().hex}",
            title=lines[0],
            link=settings.sources.site_url or next(iter(settings.sources.feed_urls), ""),
            kicker="عاجل",
            paragraphs=tuple(lines[1:]),
            published=now,
            source=BREAKING_SOURCE,
        )
        dests = [Destination(DestinationKind.CHANNEL, c) for c in dict.fromkeys(settings.telegram.telegram_channels)]
        if settings.x.enabled:
            dests.append(Destination(DestinationKind.X))
        saved = await store.articles.save(
            article, fingerprint=VERSION, search_text=normalize(" ".join(lines)), destinations=dests, now=now
        )
        queued = len(dests) + await fan_out_everyone(store.engine, saved.article_id, now=now)
        self._svc.wake.set()
        return queued

    # -- state --------------------------------------------------------------------------------------

    async def set_paused(self, paused: bool) -> bool:
        """Pause or resume automatic posting; False when it already was in that state."""
        state = self._svc.store.state
        if await state.paused() == paused:
            return False
        await state.set_paused(paused)
        if not paused:
            self._svc.wake.set()
        return True

    async def status(self) -> Status:
        store = self._svc.store
        last = await store.outbox.last_sent(5)
        dead = await store.outbox.dead_letters(5)
        titles = await articles_by_ids(store.engine, sorted({d.article_id for d in last + dead}))

        def title(d: Delivery) -> str:
            found = titles.get(d.article_id)
            return found.article.title if found else f"#{d.article_id}"

        return Status(
            paused=await store.state.paused(),
            feeds=await store.feeds.all(),
            counts=await store.outbox.counts(),
            last_sent=[(d, title(d)) for d in last],
            dead=[(d, title(d)) for d in dead],
            stopped=await store.outbox.paused_destinations(),
            subscribers=await store.subscribers.count(),
            articles=await store.articles.count(),
        )
