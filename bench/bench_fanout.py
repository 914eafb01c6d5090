"""Fan-out of N messages to distinct private chats through TelegramPublisher + RateLimiter against the
fake Bot API enforcing Telegram's limits (30 msg/s in any sliding second, 3-then-1/s per chat).

The fake runs in a separate process, so this process's CPU time is the bot's alone.  Prints: total
time as a ratio to N/30 s (target ≤ 1.05), 429s received (target 0), the busiest sliding second,
bot CPU per message (target ≤ 0.3 ms), peak RSS.

    .venv/bin/python bench/bench_fanout.py --messages 10000     # about 5.7 minutes
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import resource
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import aio
from bot.models import Button, TelegramPost
from bot.publish.ratelimit import Limits, RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot

TELEGRAM_RATE = 30.0
POST = TelegramPost(
    html=(
        "<b>عاجل | القمة العربية تختتم أعمالها ببيان يدعو إلى وقف فوري لإطلاق النار</b>\n\n"
        "اختتمت القمة العربية أعمالها مساء اليوم ببيان ختامي دعا فيه القادة إلى وقف فوري لإطلاق النار "
        "وفتح الممرات الإنسانية، مؤكدين دعمهم لجهود الوساطة الجارية. "
        "وقال الأمين العام إن &quot;المرحلة المقبلة تتطلب عملاً مشتركاً&quot; لتجاوز الأزمة.\n\n"
        "#القمة_العربية #عاجل"
    ),
    buttons=((Button("اقرأ المزيد", "https://example.com/ar/news/2026/summit?utm_source=telegram"),),),
)


def _serve(port_queue: mp.Queue[int], enforce: bool) -> None:
    from tests.fakes.telegram import FakeBotAPI, Limits

    async def main() -> None:
        async with FakeBotAPI(limits=Limits() if enforce else Limits.off()) as fake:
            port_queue.put(fake.port)
            await asyncio.Event().wait()

    asyncio.run(main())


def _fetch_stats(url: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{url}/_fake/stats", timeout=30) as response:
        return dict(json.loads(response.read()))


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _floor(url: str, messages: int) -> float:
    """CPU per message of a bare aiohttp POST paced at 29/s, one per wake-up: what this machine charges
    for the wake-ups and the loopback round trip alone, before any bot code (the limiter releases ten
    per wake-up, which is how the bot gets below it)."""
    async with aiohttp.ClientSession() as session:
        start = time.process_time()
        for i in range(messages):
            async with session.post(
                f"{url}/bot123456:BENCH-token/sendMessage", data={"chat_id": str(20_000_000 + i), "text": "x"}
            ) as response:
                await response.read()
            await asyncio.sleep(1 / 29)
        return (time.process_time() - start) / messages


async def _run(url: str, messages: int, workers: int, pace: Limits) -> dict[str, float]:
    bot = build_bot("123456:BENCH-token", url)
    limiter = RateLimiter(pace)
    publisher = TelegramPublisher(bot, limiter)
    chats = iter(range(messages))
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for i in chats:
            try:
                await publisher.send(str(10_000_000 + i), POST)
            except Exception:
                failures += 1

    async with bot:
        await publisher.send("1", POST)  # warm-up: connection pool, first-call imports
        aio.settle()  # as akhbar run does once it has started
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - start
        usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    return {"elapsed": elapsed, "cpu": cpu, "failures": failures, "rate_limited": publisher.stats.rate_limited}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--loop", choices=["auto", "uvloop", "asyncio"], default="auto", help="as EVENT_LOOP")
    parser.add_argument("--batch", type=int, default=Limits().batch, help="limiter: most sends released per wake-up")
    parser.add_argument(
        "--unpaced", action="store_true", help="no limits anywhere: the bot code's own CPU per message at full speed"
    )
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    ports: mp.Queue[int] = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports, not args.unpaced), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{ports.get(timeout=30)}"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pace = Limits(overall_max=10**6, batch=args.batch) if args.unpaced else Limits(batch=args.batch)
    try:
        result = aio.run(_run(url, args.messages, args.workers, pace), args.loop)
        stats = _fetch_stats(url)
        floor = 0.0 if args.unpaced else aio.run(_floor(url, min(300, args.messages)), args.loop)
    finally:
        server.terminate()
        server.join(5)
    n = args.messages
    ideal = n / TELEGRAM_RATE
    received = [float(t) for t in stats["received_at"]]  # type: ignore[attr-defined]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    mode = "UNPACED (limits off)" if args.unpaced else f"30 in any second, batch {args.batch}"
    mode += f", {aio.loop_name(args.loop)} loop"
    print(f"messages            {n} to distinct private chats, {args.workers} workers, {mode}")
    print(f"delivered           {len(received) - 1} (+1 warm-up), failures {result['failures']:.0f}")
    print(
        f"total time          {result['elapsed']:.1f} s   ideal N/30 = {ideal:.1f} s   "
        f"ratio {result['elapsed'] / ideal:.3f} (target <= 1.05)"
    )
    print(f"429s received       {stats['count_429']} (publisher saw {result['rate_limited']:.0f}; target 0)")
    print(f"busiest 1 s window  {_busiest_second(received)} messages (Telegram limit 30)")
    print(f"bot CPU             {result['cpu']:.2f} s = {result['cpu'] / n * 1000:.3f} ms/message (target <= 0.3)")
    if floor:
        print(f"machine floor       {floor * 1000:.3f} ms/message: a bare aiohttp POST, one per wake-up at 29/s")
    print(f"peak RSS (bot)      {peak_kb / 1024:.1f} MB (before the run {rss_before / 1024:.1f} MB)")


if __name__ == "__main__":
    main()
