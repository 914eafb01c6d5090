"""``akhbar check``: validate the settings and say what is wrong or unreachable.

Checks, each on one line: the settings (a bad one stops here, naming the variable), the database
(reachable, schema revision), every feed (fetched and parsed: how many items), the Telegram token
(getMe on TELEGRAM_API_URL) and every channel (getChat), and whether X posting is on.  Exits 0 when
everything is usable, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, TextIO

import aiohttp

from bot.config import Settings, load_settings
from bot.exceptions import SourceError, StoreError
from bot.sources.feeds import parse_feed
from bot.sources.fetch import Fetcher
from bot.store.db import create_engine, current_revision, head_revision


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="validate the settings and report what is wrong or unreachable",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--offline", action="store_true", help="only validate the settings; contact nothing")
    p.set_defaults(handler=lambda args: asyncio.run(check(load_settings(), sys.stdout, offline=args.offline)))


class _Report:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failed = 0

    def ok(self, what: str, detail: str = "") -> None:
        self.out.write(f"ok    {what}{': ' + detail if detail else ''}\n")

    def fail(self, what: str, detail: str) -> None:
        self.failed += 1
        self.out.write(f"FAIL  {what}: {detail}\n")

    def note(self, what: str, detail: str) -> None:
        self.out.write(f"note  {what}: {detail}\n")


async def check(settings: Settings, out: TextIO, *, offline: bool = False) -> int:
    r = _Report(out)
    r.ok("settings", f"{len(settings.sources.feed_urls)} feeds, {len(settings.telegram.telegram_channels)} channels")
    if offline:
        return 0
    await _check_database(settings, r)
    async with aiohttp.ClientSession() as http:
        await _check_feeds(settings, http, r)
        await _check_telegram(settings, http, r)
    if settings.x.enabled:
        r.ok("X", f"posting on, through {settings.x.x_api_url}")
    else:
        r.note("X", "off (set X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET)")
    out.write("all good\n" if not r.failed else f"{r.failed} problem(s)\n")
    return 1 if r.failed else 0


async def _check_database(settings: Settings, r: _Report) -> None:
    engine = create_engine(settings.app.database_url)
    try:
        rev = await current_revision(engine)
    except StoreError as exc:
        r.fail("DATABASE_URL", str(exc))
        return
    finally:
        await engine.dispose()
    head = head_revision()
    if rev == head:
        r.ok("DATABASE_URL", f"reachable, schema at {rev}")
    else:
        r.ok("DATABASE_URL", f"reachable, schema at {rev or 'empty'}; `akhbar run` will migrate it to {head}")


async def _check_feeds(settings: Settings, http: aiohttp.ClientSession, r: _Report) -> None:
    if not settings.sources.feed_urls:
        r.fail("FEED_URLS", "no feed or sitemap configured")
        return
    fetcher = Fetcher(http, settings.sources)
    for url in settings.sources.feed_urls:
        try:
            got = await fetcher.fetch(url)
            items = parse_feed(got.body, url, got.content_type)
        except SourceError as exc:
            r.fail(f"FEED_URLS {url}", exc.reason)
        else:
            r.ok(f"FEED_URLS {url}", f"{len(items)} items")


async def _check_telegram(settings: Settings, http: aiohttp.ClientSession, r: _Report) -> None:
    tg = settings.telegram
    if tg.bot_token is None:
        r.note("BOT_TOKEN", "not set: `akhbar run` prints posts to the console instead of sending them")
        return
    base = f"{tg.telegram_api_url}/bot{tg.bot_token.get_secret_value()}"
    timeout = aiohttp.ClientTimeout(total=10)
    try:
        async with http.post(f"{base}/getMe", timeout=timeout) as resp:
            me = await resp.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        r.fail("TELEGRAM_API_URL", f"{tg.telegram_api_url} unreachable ({type(exc).__name__})")
        return
    if not me.get("ok"):
        r.fail("BOT_TOKEN", f"refused by Telegram: {me.get('description', 'no description')}")
        return
    r.ok("BOT_TOKEN", f"@{me['result'].get('username', '?')}")
    for chat in tg.telegram_channels:
        try:
            async with http.post(f"{base}/getChat", data={"chat_id": chat}, timeout=timeout) as resp:
                answer = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            r.fail(f"TELEGRAM_CHANNELS {chat}", type(exc).__name__)
            continue
        if answer.get("ok"):
            r.ok(f"TELEGRAM_CHANNELS {chat}", answer["result"].get("title", "reachable"))
        else:
            r.fail(f"TELEGRAM_CHANNELS {chat}", answer.get("description", "refused"))
