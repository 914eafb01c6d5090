"""Readers through the webhook: N /latest and /search updates POSTed to the bot's webhook at a fixed rate,
with 10,000 articles stored, the bot built exactly as ``akhbar run`` builds it (handlers.build_application,
bot.webhook.start_webhook, real services on SQLite).

"Telegram" — the fake Bot API (flood limits off: this measures the bot, not Telegram's pacing) and the
sender of the updates — runs in a separate process, so this process's CPU is the bot's alone.  Latency is
measured inside the bot (``bot.metrics``): from the webhook receiving an update to its reply being handed
to the Bot API client, and to the Bot API's answer.  Prints p50/p90/p99/max (target p99 ≤ 50 ms), errors
(target 0), answers other than 200, the search-index build time.  ``--no-index`` answers searches from
the store's LIKE scan instead, for scale.

    .venv/bin/python bench/bench_webhook.py                      # 1,000 updates at 200/s, 10,000 articles
    .venv/bin/python bench/bench_webhook.py --updates 3000 --rate 400
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import resource
import socket
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.compose.arabic import is_stop, normalize, tokens
from bot.config import load_settings
from bot.metrics import quantile
from bot.models import Article
from bot.publish.ratelimit import RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from bot.services import Services
from bot.store.tables import article_aliases, articles
from bot.webhook import HEADER, start_webhook, webhook_address
from handlers import build_application, setup
from handlers.common import parts

TOKEN = "123456:BENCH-webhook_token"
SECRET = "bench-secret"
EASC = Path(__file__).resolve().parent / "data" / "easc" / "Articles"
SECTIONS = {"العالم": "world", "سياسة": "politics", "اقتصاد": "economy", "رياضة": "sports", "ثقافة": "culture"}


def _telegram(port_queue: mp.Queue[int], jobs: mp.Queue[Any], done: mp.Queue[Any]) -> None:
    """The other side, in its own process: the fake Bot API, and the sender of updates to the webhook
    (as Telegram posts them).  A job is (url, updates, rate); the answer is (HTTP statuses, seconds)."""
    from tests.fakes.telegram import FakeBotAPI, Limits

    async def deliver(url: str, updates: list[dict[str, Any]], rate: float) -> tuple[list[int], float]:
        statuses: list[int] = []
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:

            async def post(update: dict[str, Any]) -> None:
                async with http.post(url, json=update, headers={HEADER: SECRET}) as response:
                    statuses.append(response.status)

            begin = time.perf_counter()
            tasks = []
            for n, update in enumerate(updates):
                delay = begin + n / rate - time.perf_counter() if rate else 0
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(post(update)))
                if not rate:
                    await tasks[-1]
            await asyncio.gather(*tasks)
            return statuses, time.perf_counter() - begin

    async def main() -> None:
        async with FakeBotAPI(limits=Limits.off()) as fake:
            port_queue.put(fake.port)
            while (job := await asyncio.to_thread(jobs.get)) is not None:
                done.put(await deliver(*job))

    asyncio.run(main())


def _stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_fake/stats", timeout=30) as response:
        return dict(json.loads(response.read()))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _sentences() -> list[str]:
    out = []
    for path in sorted(EASC.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8-sig", errors="ignore")
            out += [s.strip() for s in text.replace("\n", " ").split(".") if 40 < len(s.strip()) < 400]
    return out


def _articles(count: int, rnd: random.Random) -> list[dict[str, Any]]:
    """``count`` article rows shaped like the pipeline stores them (normalised search text)."""
    sentences = _sentences()
    start = datetime.now(UTC) - timedelta(minutes=count)
    rows = []
    for n in range(count):
        title = " ".join(rnd.choice(sentences).split()[:12])
        body = [rnd.choice(sentences) for _ in range(4)]
        name, slug = rnd.choice(list(SECTIONS.items()))
        when = start + timedelta(minutes=n)
        article = Article(url=f"https://news.example/news/{n}", title=title, paragraphs=tuple(body))
        row = {"key": article.url, "link": f"{article.url}/{'-'.join(title.split()[:4])}", "title": title}
        row |= {"body": json.dumps(body, ensure_ascii=False), "section_slug": slug, "section_name": name}
        row |= {"published_at": when, "seen_at": when, "updated_at": when, "version": 1, "withdrawn": False}
        row |= {"content_hash": article.content_hash(), "fingerprint": "1"}
        rows.append(row | {"search_text": normalize(" ".join([title, *body[:3]]))})
    return rows


def _updates(count: int, rows: list[dict[str, Any]], rnd: random.Random) -> list[dict[str, Any]]:
    """/latest, /latest N, /search word, and /search with two words or a word found nowhere."""
    vocab = sorted({t for r in rows[-2000:] for t in tokens(r["title"]) if not is_stop(t) and len(t) > 3})
    out = []
    for n in range(count):
        two = f"{rnd.choice(vocab)} {rnd.choice(vocab)}" if n % 8 == 3 else "زلزال"
        text = ("/latest", f"/latest {rnd.randint(1, 10)}", f"/search {rnd.choice(vocab)}", f"/search {two}")[n % 4]
        user = {"id": 50_000_000 + n, "is_bot": False, "first_name": "قارئ", "language_code": "ar"}
        message = {"message_id": 1, "date": int(time.time()), "from": user, "text": text}
        message["chat"] = {"id": user["id"], "type": "private", "first_name": "قارئ"}
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        out.append({"update_id": 900_000 + n, "message": message})
    return out


@dataclass
class Link:
    """This process's end of the job queues to the Telegram process."""

    jobs: mp.Queue[Any]
    done: mp.Queue[Any]

    async def run(self, url: str, updates: list[Any], rate: float) -> tuple[list[int], float]:
        self.jobs.put((url, updates, rate))
        result: tuple[list[int], float] = await asyncio.to_thread(self.done.get)
        return result


async def _run(args: argparse.Namespace, link: Link, api: str, folder: Path) -> dict[str, Any]:
    rnd = random.Random(7)
    port = _free_port()
    settings = load_settings(
        env_file=None,
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api,
        DATABASE_URL=f"sqlite+aiosqlite:///{folder}/bench.db",
        SITE_URL="https://news.example",
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg",
        WEBHOOK_SECRET=SECRET,
        PORT=str(port),
        SECTION_MAP=",".join(f"{k}={v}" for k, v in SECTIONS.items()),
    )
    bot = build_bot(TOKEN, api, connections=100)
    await bot.initialize()
    services = await Services.open(settings, telegram=TelegramPublisher(bot, RateLimiter()))
    services.closers.append(bot.shutdown)
    rows = _articles(args.articles, rnd)
    started = time.perf_counter()
    async with services.store.engine.begin() as conn:
        for i in range(0, len(rows), 1000):
            chunk = rows[i : i + 1000]
            ids = (await conn.execute(articles.insert().returning(articles.c.id), chunk)).scalars().all()
            await conn.execute(
                article_aliases.insert(),
                [{"alias": r["key"], "article_id": a} for r, a in zip(chunk, ids, strict=True)],
            )
    stored = time.perf_counter() - started
    app = build_application(services, bot, webhook=True)
    result: dict[str, Any] = {"articles": await services.store.articles.count(), "store_seconds": stored}
    try:
        async with app:
            await app.start()
            await setup(app)
            reader = parts(app).reader
            started = time.perf_counter()
            if args.no_index:  # the comparison: every search answered by the store's LIKE scan

                async def never() -> bool:
                    return False

                reader.searcher.ready = never  # type: ignore[method-assign]
            else:
                await reader.warm()
            result["index_seconds"] = time.perf_counter() - started
            server = await start_webhook(app, services, host="127.0.0.1")
            result.update(await _load(args, link, server.port, app, _updates(args.updates, rows, rnd)))
            await server.cleanup()
            await app.stop()
    finally:
        await services.close()
    return result


async def _load(args: argparse.Namespace, link: Link, port: int, app: Any, updates: list[Any]) -> dict[str, Any]:
    metrics = parts(app).metrics
    url = f"http://127.0.0.1:{port}" + webhook_address("http://127.0.0.1/tg", TOKEN)[1]
    # off the clock: connections and first-call costs (imports, statement compilation)
    await link.run(url, [dict(u, update_id=1 + n) for n, u in enumerate(updates[:20])], 0)
    for _ in range(500):
        if metrics.replies >= 20:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    metrics.latencies.clear()
    metrics.handling.clear()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    begin = time.perf_counter()
    statuses, sent_for = await link.run(url, updates, args.rate)
    for _ in range(3000):
        if len(metrics.latencies) >= len(updates) or metrics.errors:
            break
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - begin
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    lat = sorted(metrics.latencies)
    work = sorted(metrics.handling)
    return {
        "w50": quantile(work, 0.5),
        "w90": quantile(work, 0.9),
        "w99": quantile(work, 0.99),
        "wmax": work[-1] if work else 0.0,
        "offered_rate": len(updates) / sent_for,
        "elapsed": elapsed,
        "replied": len(lat),
        "p50": quantile(lat, 0.5),
        "p90": quantile(lat, 0.9),
        "p99": quantile(lat, 0.99),
        "max": lat[-1] if lat else 0.0,
        "errors": metrics.errors,
        "not_200": sum(1 for s in statuses if s != 200),
        "cpu": (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="updates per second")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--no-index", action="store_true", help="searches from the store's LIKE scan")
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    ports: mp.Queue[int] = ctx.Queue()
    link = Link(ctx.Queue(), ctx.Queue())
    server = ctx.Process(target=_telegram, args=(ports, link.jobs, link.done), daemon=True)
    server.start()
    api = f"http://127.0.0.1:{ports.get(timeout=30)}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            r = asyncio.run(_run(args, link, api, Path(folder)))
        fake = _stats(api)
        link.jobs.put(None)
    finally:
        server.terminate()
    index = "off (LIKE scan)" if args.no_index else f"{r['index_seconds']:.2f} s to build"
    acked = " / ".join(f"{r[k] * 1000:.1f}" for k in ("p50", "p90", "p99", "max"))
    lines = [
        f"articles stored          {r['articles']:>10,}   (bulk insert {r['store_seconds']:.1f} s)",
        f"search index             {index:>10}",
        f"updates                  {args.updates:>10,}   at {r['offered_rate']:.0f}/s (asked {args.rate:.0f}/s)",
        f"replies measured         {r['replied']:>10,}   sent to the Bot API: {fake['sent'] - 20:,} (+20 warm-up)",
        "inside the bot: webhook arrival → reply handed to the Bot API client",
        f"  p50 / p90              {r['w50'] * 1000:>10.1f} / {r['w90'] * 1000:.1f} ms",
        f"  p99                    {r['w99'] * 1000:>10.1f} ms   target ≤ 50 ms (ratio {r['w99'] * 1000 / 50:.2f})",
        f"  max                    {r['wmax'] * 1000:>10.1f} ms",
        "with the Bot API's answer: webhook arrival → sendMessage answered (the fake, another process)",
        f"  p50 / p90 / p99 / max  {acked:>10} ms",
        f"errors                   {r['errors']:>10}   target 0; webhook answers other than 200: {r['not_200']}",
        f"bot CPU                  {r['cpu']:>10.2f} s   = {r['cpu'] / args.updates * 1000:.2f} ms per update",
        f"peak RSS                 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>10.0f} MiB",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
