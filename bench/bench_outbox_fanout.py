"""Fan-out through the real path: N subscribers of a section, one new article, the outbox rows written by
one INSERT … SELECT, and the delivery worker sending them through the limiter to the fake Bot API
(Telegram's limits enforced, in its own process so this process's CPU is the bot's alone).

Unlike bench_fanout.py (publisher + limiter only), this includes the store (SQLite on disk, or
PostgreSQL with --postgres): claiming and recording each row, in group commits.  Prints total time
against N/30 s, 429s, transactions, CPU per message and peak RSS.

    .venv/bin/python bench/bench_outbox_fanout.py --subscribers 3000
    .venv/bin/python bench/bench_outbox_fanout.py --subscribers 3000 --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_fanout import _busiest_second, _fetch_stats, _serve
from bot import aio
from bot.compose import ComposeContext
from bot.config import load_settings
from bot.delivery import DeliveryWorker
from bot.models import Article, Destination, DestinationKind, Section
from bot.posts import PostFactory
from bot.publish.ratelimit import RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from bot.store import Store

SEED = Article(
    url="https://huna.example/news/nato",
    title="الناتو يبحث تعزيز الدعم العسكري لأوكرانيا وتطوير القدرات الدفاعية خلال اجتماع بروكسل",
    paragraphs=(
        "توقّع الأمين العام لحلف شمال الأطلسي (الناتو)، مارك روته، يوم الأربعاء، أن تعلن دول أعضاء عن مبادرات جديدة.",
        "وأشار روته إلى أن هذا اليوم سيكون محوريًا لمناقشة سبل تعزيز القدرات الدفاعية للحلف.",
    ),
    section=Section("العالم", "world"),
)


async def _run(url: str, subscribers: int, db: str) -> dict[str, float]:
    store = await Store.open(db)
    t = time.perf_counter()
    for chat in range(subscribers):
        await store.subscribers.subscribe(30_000_000 + chat, "world")
    setup = time.perf_counter() - t
    t = time.perf_counter()
    await store.articles.save(SEED, fingerprint="f", destinations=[Destination(DestinationKind.SUBSCRIBER, "world")])
    write = time.perf_counter() - t
    bot = build_bot("123456:BENCH-token", url)
    await bot.initialize()
    ctx = ComposeContext.from_settings(load_settings(env_file=None))
    worker = DeliveryWorker(store, PostFactory(ctx, None), TelegramPublisher(bot, RateLimiter()))
    aio.settle()  # as akhbar run does once it has started
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    stats = await worker.drain()
    elapsed = time.perf_counter() - start
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    await bot.shutdown()
    counts = await store.outbox.counts()
    await store.close()
    cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    return {"elapsed": elapsed, "cpu": cpu, "sent": stats.sent, "setup": setup, "write": write,
            "commits": stats.commits, "pending": counts.get("pending", 0), "dead": counts.get("dead", 0)}  # fmt: skip


async def _on_postgres(admin: str, run: Callable[[str], Awaitable[dict[str, float]]]) -> dict[str, float]:
    import asyncpg

    name = f"akhbar_bench_{os.getpid()}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        try:
            return await run(admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + "/" + name)
        finally:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=3000)
    parser.add_argument("--loop", choices=["auto", "uvloop", "asyncio"], default="auto", help="as EVENT_LOOP")
    parser.add_argument(
        "--postgres",
        default="",
        help="a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test: the bench creates a database "
        "there and drops it afterwards (default: a SQLite file)",
    )
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    ports: mp.Queue[int] = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports, True), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{ports.get(timeout=30)}"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.postgres:
                r = aio.run(_on_postgres(args.postgres, lambda db: _run(url, args.subscribers, db)), args.loop)
            else:
                r = aio.run(_run(url, args.subscribers, f"sqlite+aiosqlite:///{tmp}/bench.db"), args.loop)
        stats = _fetch_stats(url)
    finally:
        server.terminate()
        server.join(5)
    n = args.subscribers
    ideal = n / 30
    received = [float(x) for x in stats["received_at"]]  # type: ignore[attr-defined]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"subscribers         {n} (setup {r['setup']:.1f} s); outbox rows written in {r['write'] * 1000:.0f} ms")
    loop = aio.loop_name(args.loop)
    print(f"store               {backend}, {loop} loop; {r['commits']:.0f} claim/record transactions")
    print(f"delivered           {r['sent']:.0f}; left pending {r['pending']:.0f}, dead {r['dead']:.0f}")
    print(f"total time          {r['elapsed']:.1f} s   ideal N/30 = {ideal:.1f} s   ratio {r['elapsed'] / ideal:.3f}")
    print(f"429s received       {stats['count_429']} (target 0)")
    print(f"busiest 1 s window  {_busiest_second(received)} messages (Telegram limit 30)")
    print(f"bot CPU             {r['cpu']:.2f} s = {r['cpu'] / n * 1000:.3f} ms/message, store included")
    print(f"peak RSS (bot)      {peak_kb / 1024:.1f} MB (before the run {rss_before / 1024:.1f} MB)")


if __name__ == "__main__":
    main()
