"""``akhbar demo``: the main job end to end, for a newcomer with no token and no server.

A bundled sample site starts on 127.0.0.1, SQLite lives in a temporary folder, a console stands in for
Telegram and X, and the pipeline runs three cycles: the first sight of the feed (a baseline: stored,
only the newest BACKFILL posted), a new article published on the site (posted), and an article whose
title the site corrected (the post is edited).  Then it exits.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from datetime import timedelta
from typing import Any, TextIO

from bot import aio
from bot.config import load_settings
from bot.demo.site import SampleSite, load_articles
from bot.logs import setup_logging
from bot.pipeline import CycleReport, run_once
from bot.services import Services


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="run the pipeline against a bundled sample site and print the posts (no token needed)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--backfill", type=int, default=1, help="articles posted on the first poll (default 1)")
    p.add_argument("--no-x", action="store_true", help="leave X out (by default its posts are shown too)")
    p.set_defaults(handler=lambda args: aio.run(demo(args.backfill, not args.no_x, sys.stdout)))


def _line(out: TextIO, text: str) -> None:
    out.write(f"\n\033[1m━━ {text}\033[0m\n" if out.isatty() else f"\n━━ {text}\n")


def _summary(out: TextIO, report: CycleReport) -> None:
    for f in report.feeds:
        state = f"error: {f.error}" if f.error else f"{f.new} new, {f.updated} updated, {f.baseline} stored as baseline"
        out.write(f"   feed {f.feed}: {state}\n")
    if report.delivery:
        d = report.delivery
        out.write(f"   delivered: {d.sent} sent, {d.edited} edited, {d.retried} retried, {d.dead} dead letters\n")


async def demo(backfill: int, with_x: bool, out: TextIO) -> int:
    articles = load_articles()
    seed, others = articles[0], articles[1:]
    with tempfile.TemporaryDirectory(prefix="akhbar-demo-") as tmp:
        async with SampleSite(others) as site:
            overrides: dict[str, Any] = {
                "FEED_URLS": f"{site.url}/feed.xml",
                "SITE_URL": site.url,
                "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/akhbar.db",
                "TELEGRAM_CHANNELS": "@akhbar_demo",
                "BACKFILL": str(backfill),
                "LOG_LEVEL": "WARNING",
            }
            if with_x:
                overrides |= {
                    k: "demo"
                    for k in ("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
                }
            settings = load_settings(env_file=None, **overrides)
            setup_logging(settings.app.log_level)
            services = await Services.open(settings, console=out)
            try:
                _line(
                    out, f"1) first poll of {site.url}/feed.xml — a baseline: stored, only the newest {backfill} posted"
                )
                _summary(out, await run_once(services))

                _line(out, "2) the site publishes a new article — it is posted")
                site.publish(dataclasses.replace(seed, time=max(a.time for a in others) + timedelta(minutes=5)))
                _summary(out, await run_once(services))

                _line(out, "3) the site corrects that article's headline — the post is edited, not sent again")
                site.publish(
                    dataclasses.replace(seed, title=seed.title + " (محدّث)", time=seed.time + timedelta(hours=1))
                )
                _summary(out, await run_once(services))

                _line(out, "4) nothing changed — nothing is sent")
                _summary(out, await run_once(services))
            finally:
                await services.close()
    out.write("\nDone. Set BOT_TOKEN, FEED_URLS and TELEGRAM_CHANNELS (see .env.example) and run `akhbar run`.\n")
    return 0
