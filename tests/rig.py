"""The bot as `akhbar run` wires it, pointed at the fakes: shared by the pipeline and delivery tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.publish.ratelimit import RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from bot.services import Services
from tests.fakes.telegram import FakeBotAPI

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
BIDI = dict.fromkeys(map(ord, "\u2068\u2069\u200f\u200e"))


def plain(text: str) -> str:
    """A message as read: the invisible direction marks the composer adds are dropped."""
    return text.translate(BIDI)


async def open_services(
    fake: FakeBotAPI,
    tmp_path: Path,
    *,
    read_timeout: float = 10.0,
    media_timeout: float = 30.0,
    limiter: RateLimiter | None = None,
    max_inline_wait: float = 5.0,
    **env: Any,
) -> Services:
    """Services over SQLite in ``tmp_path`` and a real PTB bot talking to ``fake``; ``env`` are settings by
    variable name.  ``await services.close()`` also shuts the bot down."""
    settings = load_settings(
        env_file=None, **({"DATABASE_URL": f"sqlite:///{tmp_path}/akhbar.db", "BOT_TOKEN": TOKEN} | env)
    )
    bot = build_bot(TOKEN, fake.url, read_timeout=read_timeout, media_timeout=media_timeout)
    await bot.initialize()
    publisher = TelegramPublisher(bot, limiter or RateLimiter(), max_inline_wait=max_inline_wait)
    services = await Services.open(settings, telegram=publisher)
    services.closers.append(bot.shutdown)
    return services
