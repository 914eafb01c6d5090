"""Start-up and shutdown of the long-running bot (``akhbar run``).

Resources open in order — store (migrated), HTTP session, Telegram bot, publishers, the PTB
application — and close in reverse.  SIGTERM/SIGINT set one ``stop`` event: the feed watchers stop,
in-flight sends finish (or their rows are released), updates stop being fetched, all within 10 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot import aio
from bot.config import Settings
from bot.exceptions import ConfigError
from bot.pipeline import run_forever
from bot.services import Services

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 8.0


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


async def _pipeline_until(services: Services, stop: asyncio.Event) -> None:
    task = asyncio.create_task(run_forever(services, stop))
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([task, stopper], return_when=asyncio.FIRST_COMPLETED)
    if task in done:  # the pipeline died: surface it rather than run on half a bot
        stopper.cancel()
        stop.set()
        await task
        return
    try:
        await asyncio.wait_for(task, timeout=SHUTDOWN_GRACE)
    except TimeoutError:
        log.warning("shutdown took longer than %.0f s; stopped the rest", SHUTDOWN_GRACE)


async def serve(settings: Settings, *, require_webhook: bool = False) -> int:
    if require_webhook and not settings.telegram.webhook_url:
        raise ConfigError("WEBHOOK_URL", "required by --webhook (the public https URL Telegram posts to)")
    stop = asyncio.Event()
    _install_signals(stop)
    if settings.telegram.bot_token is None:
        log.warning("BOT_TOKEN is not set: posts are printed to the console, readers get no answers")
        services = await Services.open(settings, console=sys.stdout)
        aio.settle()
        try:
            await _pipeline_until(services, stop)
        finally:
            await services.close()
        return 0
    return await _serve_telegram(settings, stop)


async def _initialize(app: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event) -> bool:
    """Reach Telegram (getMe), waiting out network failures; a refused token is a configuration error."""
    delay = 1.0
    while not stop.is_set():
        try:
            await app.initialize()
            return True
        except InvalidToken as exc:
            raise ConfigError("BOT_TOKEN", "refused by Telegram (revoked or mistyped)") from exc
        except NetworkError as exc:
            log.warning("Telegram unreachable at start (%s); retrying in %.0f s", exc.message, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, 60.0)
    return False


async def _serve_telegram(settings: Settings, stop: asyncio.Event) -> int:
    from bot.publish.ratelimit import Limits, RateLimiter
    from bot.publish.telegram import TelegramPublisher
    from bot.publish.tgrequest import build_bot
    from handlers import build_application

    token = settings.telegram.bot_token
    assert token is not None
    webhook = bool(settings.telegram.webhook_url)
    bot = build_bot(token.get_secret_value(), settings.telegram.telegram_api_url)
    tg = settings.telegram
    limiter = RateLimiter(
        Limits.per_second(tg.telegram_overall_rate, group_max=tg.telegram_group_rate, chat_rate=tg.telegram_chat_rate)
    )
    publisher = TelegramPublisher(bot, limiter)
    services = await Services.open(settings, telegram=publisher)
    app = build_application(services, bot, webhook=webhook)
    server = None
    try:
        if not await _initialize(app, stop):
            return 0
        async with app:
            if app.post_init is not None:  # PTB runs post_init only from run_polling/run_webhook
                await app.post_init(app)
            await app.start()
            if webhook:
                from bot.webhook import start_webhook

                server = await start_webhook(app, services)
            elif app.updater is not None:
                await app.updater.start_polling(allowed_updates=["message", "callback_query", "inline_query"])
            log.info("akhbar is running as @%s (%s)", bot.username, "webhook" if webhook else "long polling")
            aio.settle()
            try:
                await _pipeline_until(services, stop)
            finally:  # also when the pipeline died: stop taking updates, and let its error be the one raised
                if server is not None:
                    await server.cleanup()
                if app.updater is not None and app.updater.running:
                    await app.updater.stop()
                if app.running:
                    await app.stop()
    finally:
        await services.close()
    return 0
