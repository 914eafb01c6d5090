"""Webhook mode: an aiohttp server that takes Telegram's updates and serves /healthz and /metrics.

``POST <secret path>``: the ``X-Telegram-Bot-Api-Secret-Token`` header is compared in constant time
(403 otherwise), the body is checked to be an update, a repeated ``update_id`` is dropped (Telegram
retries whatever did not get a 2xx; the last :data:`DEDUPE_WINDOW` ids are remembered), and the update
is put on PTB's ``application.update_queue`` — the answer is 200 at once, the handlers run afterwards.

The secret path and token are derived from the bot token unless WEBHOOK_SECRET is set, so they survive
restarts without being configured: ``{WEBHOOK_URL}/{path token}`` is what setWebhook registers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.exceptions import ConfigError
from bot.metrics import Metrics
from bot.services import Services

log = logging.getLogger(__name__)

HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEDUPE_WINDOW = 10_000
ALLOWED_UPDATES = ("message", "callback_query", "inline_query")
Counts = Callable[[], Awaitable[Mapping[str, int]]]


class RecentIds:
    """The last ``size`` update ids, for dropping Telegram's retries (bounded memory)."""

    def __init__(self, size: int = DEDUPE_WINDOW) -> None:
        self._order: deque[int] = deque()
        self._seen: set[int] = set()
        self._size = size

    def add(self, update_id: int) -> bool:
        """False when ``update_id`` was seen recently (a duplicate)."""
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
        return True


def derived(token: str, purpose: str) -> str:
    """A stable secret for ``purpose`` derived from the bot token (64 hex characters)."""
    return hmac.new(token.encode(), f"akhbar webhook {purpose}".encode(), hashlib.sha256).hexdigest()


def webhook_address(webhook_url: str, token: str) -> tuple[str, str]:
    """(public URL to register, local path to serve) for ``WEBHOOK_URL``."""
    base = webhook_url.rstrip("/")
    leaf = derived(token, "path")[:32]
    path = urlsplit(base).path.rstrip("/")
    return f"{base}/{leaf}", f"{path}/{leaf}"


class WebhookServer:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        path: str,
        secret: str,
        metrics: Metrics,
        counts: Counts | None = None,
    ) -> None:
        self._app = application
        self._path = path
        self._secret = secret.encode()
        self._metrics = metrics
        self._counts = counts
        self._recent = RecentIds()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(self._path, self._receive)
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/metrics", self._metrics_page)
        return app

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.web_app(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def cleanup(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self._secret):
            self._metrics.rejected += 1
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except ValueError:
            data = None
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            self._metrics.rejected += 1
            return web.Response(status=400)
        if not self._recent.add(update_id):
            self._metrics.duplicates += 1
            return web.Response(status=200)
        try:
            update = Update.de_json(data, self._app.bot)
        except (TypeError, KeyError, ValueError, AttributeError):  # a body PTB cannot read: 400, never a 500
            self._metrics.rejected += 1
            return web.Response(status=400)
        self._metrics.arrived(update_id)
        self._app.update_queue.put_nowait(update)
        return web.Response(status=200)

    async def _health(self, request: web.Request) -> web.Response:
        running = self._app.running
        return web.json_response(
            {"status": "ok" if running else "stopped", "queue": self._app.update_queue.qsize()},
            status=200 if running else 503,
        )

    async def _metrics_page(self, request: web.Request) -> web.Response:
        counts = await self._counts() if self._counts is not None else {}
        text = self._metrics.render(counts, self._app.update_queue.qsize())
        return web.Response(text=text, content_type="text/plain", charset="utf-8")


async def start_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    *,
    host: str = "0.0.0.0",  # noqa: S104  (a web dyno listens on every interface)
) -> WebhookServer:
    """Register the webhook with Telegram and serve it on PORT (what ``akhbar run`` calls in webhook mode).
    Returns the server; ``await server.cleanup()`` stops it."""
    settings = services.settings.telegram
    if settings.bot_token is None:
        raise ConfigError("BOT_TOKEN", "required in webhook mode")
    token = settings.bot_token.get_secret_value()
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else derived(token, "secret")
    public, path = webhook_address(settings.webhook_url, token)
    metrics = application.bot_data.get("metrics")
    if not isinstance(metrics, Metrics):
        metrics = application.bot_data["metrics"] = Metrics()
    server = WebhookServer(application, path=path, secret=secret, metrics=metrics, counts=services.store.outbox.counts)
    await server.start(host, settings.port)
    await application.bot.set_webhook(url=public, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
    log.info("webhook registered; serving on port %d", server.port)
    return server
