"""``akhbar run``: the bot, until SIGTERM or Ctrl-C (then it stops within 10 seconds, losing nothing)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from bot import aio
from bot.config import load_settings
from bot.logs import setup_logging
from bot.runtime import serve


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "run",
        help="run the bot: watch the feeds, deliver posts, answer readers and editors",
        description=(
            "Run the bot until SIGTERM or Ctrl-C. Long polling by default; webhook mode when WEBHOOK_URL is "
            "set. Without BOT_TOKEN the posts are printed to the console instead of sent."
        ),
    )
    p.add_argument("--webhook", action="store_true", help="require webhook mode (fail unless WEBHOOK_URL is set)")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging(settings.app.log_level, settings.secrets())
    logging.getLogger("bot").info("event loop: %s", aio.loop_name(settings.app.event_loop))
    return aio.run(serve(settings, require_webhook=args.webhook), settings.app.event_loop)
