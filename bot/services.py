"""The one typed container of shared services, opened at start-up and closed at shutdown.

Nothing here is a module global: ``Services.open(settings, ...)`` builds everything from the settings
and ``close()`` releases it.  Handlers reach it through ``context.bot_data`` (see handlers/).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TextIO

import aiohttp

from bot.compose import ComposeContext, validate_templates
from bot.config import Settings
from bot.delivery import DeliveryWorker
from bot.exceptions import BlockedURL, PublishError
from bot.posts import PostFactory
from bot.publish.base import Publisher, XPoster
from bot.publish.console import ConsolePublisher, ConsoleXPoster
from bot.publish.x import XPublisher
from bot.sources.fetch import Fetcher
from bot.sources.watcher import Watcher
from bot.store import Store
from bot.urlguard import GuardedResolver, configured_hosts, may_fetch, redirect_guard

log = logging.getLogger(__name__)


def _editor_alert(telegram: Publisher, editors: frozenset[int]) -> Callable[[str], Awaitable[None]]:
    """Tell every editor, in their private chat; an editor who blocked the bot is skipped."""

    async def alert(text: str) -> None:
        for editor in sorted(editors):
            try:
                await telegram.send_text(str(editor), html.escape(text))
            except PublishError as exc:
                log.warning("could not alert editor %s: %s", editor, exc.message)

    return alert


def _refuse_private(trusted: list[tuple[str, int]]) -> Callable[[str], Awaitable[None]]:
    async def check(target: str) -> None:
        if not may_fetch(target, trusted):
            raise BlockedURL(target[:120], "redirect to a private or reserved address")

    return check


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    http: aiohttp.ClientSession
    fetcher: Fetcher
    watcher: Watcher
    posts: PostFactory
    telegram: Publisher
    x: XPoster | None
    worker: DeliveryWorker
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closers: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    @classmethod
    async def open(
        cls,
        settings: Settings,
        *,
        telegram: Publisher | None = None,
        x: XPoster | None = None,
        console: TextIO | None = None,
    ) -> Services:
        """Open the store (migrating it), the HTTP session and the publishers.

        ``telegram``/``x`` override the publishers (tests, the bot's own PTB-backed publisher); with
        ``console`` set, posts are printed there instead of sent (the demo, and ``run`` without a token).
        """
        ctx = ComposeContext.from_settings(settings)
        validate_templates(ctx)  # a template that would break the limits stops start-up, not a send
        store = await Store.open(settings.app.database_url)
        trusted = configured_hosts(settings)
        # every connection to a host name is checked: content (an og:image, a redirect) never reaches a
        # private address unless the newsroom configured that host
        http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64, resolver=GuardedResolver(trusted)),
            trace_configs=[redirect_guard(_refuse_private(trusted))],
        )
        fetcher = Fetcher(http, settings.sources)
        watcher = Watcher(fetcher, settings.sources)
        posts = PostFactory(ctx, fetcher.fetch_image, may_fetch=lambda url: may_fetch(url, trusted))
        if console is not None:
            printer = ConsolePublisher(console)
            telegram = telegram or printer
            if x is None and settings.x.enabled:
                x = ConsoleXPoster(printer)
        elif x is None and settings.x.enabled:
            x = XPublisher(settings.x, http)
        if telegram is None:
            await http.close()
            await store.close()
            raise ValueError("Services.open needs a Telegram publisher or a console stream")
        worker = DeliveryWorker(
            store,
            posts,
            telegram,
            x,
            alert=_editor_alert(telegram, settings.telegram.editors),
            x_daily_cap=settings.x.x_daily_cap or None,
        )
        return cls(settings, store, http, fetcher, watcher, posts, telegram, x, worker)

    async def close(self) -> None:
        """Close what was opened, newest first: extra closers (bot, X client), then HTTP and the store."""
        for closer in reversed(self.closers):
            await closer()
        await self.http.close()
        await self.store.close()
