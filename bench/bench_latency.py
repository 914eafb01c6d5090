"""Delay from an article appearing in the feed to its post reaching Telegram, with POLL_INTERVAL=1.

The whole bot runs in this process (run_forever: feed watcher + delivery worker, real HTTP to the sample
site and to the fake Bot API, SQLite on disk); the site publishes one article every ``--every`` seconds
and the fake records when each post arrived.  Prints p50/p95/max against the target p95 ≤ 2 s.

``--subscribers N`` also subscribes N private chats to every section, so each article fans out to N
chats at Telegram's 30/s while the channel posts are timed: the channel must not wait behind them.

    .venv/bin/python bench/bench_latency.py --articles 20
    .venv/bin/python bench/bench_latency.py --articles 20 --subscribers 2000
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import aio
from bot.config import load_settings
from bot.demo.site import SampleSite, load_articles
from bot.pipeline import run_forever
from bot.publish.ratelimit import RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from bot.services import Services
from tests.fakes.telegram import FakeBotAPI, Limits

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
TARGET_P95 = 2.0


async def main(articles: int, every: float, subscribers: int) -> None:
    base = load_articles()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotAPI(limits=Limits()) as fake, SampleSite(base) as site:
            settings = load_settings(
                env_file=None,
                FEED_URLS=f"{site.url}/feed.xml",
                SITE_URL=site.url,
                POLL_INTERVAL="1",
                DATABASE_URL=f"sqlite:///{tmp}/a.db",
                TELEGRAM_CHANNELS="@huna_news",
            )
            bot = build_bot(TOKEN, fake.url)
            await bot.initialize()
            services = await Services.open(settings, telegram=TelegramPublisher(bot, RateLimiter()))
            services.closers.append(bot.shutdown)
            names = settings.sources.sections  # Arabic category → slug, as the bot maps them
            sections = {names[a.section] for a in base if a.section in names}
            for chat in range(subscribers):
                for slug in sections:
                    await services.store.subscribers.subscribe(50_000_000 + chat, slug)
            stop = asyncio.Event()
            task = asyncio.create_task(run_forever(services, stop))
            while site.feed_hits < 2:  # the baseline poll is done
                await asyncio.sleep(0.05)
            published: dict[str, float] = {}
            t0 = max(a.time for a in base)
            for n in range(articles):
                a = base[n % len(base)]
                title = f"خبر عاجل رقم {n + 1}: {a.title}"
                site.publish(
                    dataclasses.replace(a, slug=f"{a.slug}-{n}", title=title, time=t0 + timedelta(minutes=n + 1))
                )
                published[title] = time.monotonic()
                await asyncio.sleep(every)
            deadline = time.monotonic() + 30
            while len(fake.sent("@huna_news")) < articles and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            stop.set()
            await task
            await services.close()
            # the fake stamps arrivals with the loop's monotonic clock (received_at)
            delays = []
            for m in fake.sent("@huna_news"):
                text = m.text.replace("\u2068", "").replace("\u2069", "")
                for title, t in published.items():
                    if title.split(":")[0] + ":" in text:
                        delays.append(m.received_at - t)
            delays.sort()
            if len(delays) < articles:
                print(f"only {len(delays)} of {articles} posts arrived")
            p50 = statistics.median(delays)
            p95 = delays[max(0, round(0.95 * len(delays)) - 1)]
            backlog = f", {subscribers} subscribers per article" if subscribers else ""
            print(f"feed → post delay over {len(delays)} articles (POLL_INTERVAL=1, one every {every}s{backlog}):")
            print(f"  p50 {p50:.2f} s   p95 {p95:.2f} s   max {delays[-1]:.2f} s")
            print(
                f"  p95 / target {TARGET_P95:.1f} s = {p95 / TARGET_P95:.2f} ({'ok' if p95 <= TARGET_P95 else 'OVER'})"
            )
            others = len(fake.sent_log) - len(delays)
            print(f"  429s received: {fake.count_429}; subscriber messages sent meanwhile: {others}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--every", type=float, default=3.1, help="seconds between articles (channel limit: 20/min)")
    parser.add_argument("--subscribers", type=int, default=0, help="private chats subscribed to every section")
    args = parser.parse_args()
    aio.run(main(args.articles, args.every, args.subscribers))  # the loop akhbar run uses
