"""Readers through the webhook: N /latest and /search updates POSTed to the bot's webhook at a fixed rate,
with 10,000 articles stored, the bot built exactly as ``akhbar run`` builds it (handlers.build_application,
bot.webhook.start_webhook, real services on SQLite).

The fake Bot API runs in a separate process (flood limits off: this measures the bot, not Telegram's
pacing), so this process's CPU is the bot's and the load generator's.  Latency is measured inside the bot:
from the webhook receiving an update to its reply being accepted by the Bot API (``bot.metrics``).
Prints p50/p90/p99/max (target p99 ≤ 50 ms), errors (target 0), answers other than 200, and the
search-index build time.  ``--no-index`` answers searches from the store's LIKE scan instead, for scale.

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
from bot.webhook import HEADER, start_webhook
from handlers import build_application, setup
from handlers.common import parts

TOKEN = "123456:BENCH-webhook_token"
SECRET = "bench-secret"
EASC = Path(__file__).resolve().parent / "data" / "easc" / "Articles"
SECTIONS = {"العالم": "world", "سياسة": "politics", "اقتصاد": "economy", "رياضة": "sports", "ثقافة": "culture"}


def _serve(port_queue: mp.Queue[int]) -> None:
    from tests.fakes.telegram import FakeBotAPI, Limits

    async def main() -> None:
        async with FakeBotAPI(limits=Limits.off()) as fake:
            port_queue.put(fake.port)
            await asyncio.Event().wait()

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
    names = list(SECTIONS.items())
    start = datetime.now(UTC) - timedelta(minutes=count)
    rows = []
    for n in range(count):
        title = " ".join(rnd.choice(sentences).split()[:12])
        body = [rnd.choice(sentences) for _ in range(4)]
        name, slug = rnd.choice(names)
        article = Article(url=f"https://news.example/news/{n}", title=title, paragraphs=tuple(body))
        when = start + timedelta(minutes=n)
        rows.append(
            {
                "key": article.url,
                "link": f"https://news.example/news/{n}/{'-'.join(title.split()[:4])}",
                "title": title,
                "body": json.dumps(body, ensure_ascii=False),
                "section_slug": slug,
                "section_name": name,
                "published_at": when,
                "seen_at": when,
                "updated_at": when,
                "content_hash": article.content_hash(),
                "fingerprint": "1",
                "version": 1,
                "withdrawn": False,
                "search_text": normalize(" ".join([title, *body[:3]])),
            }
        )
    return rows


def _updates(count: int, rows: list[dict[str, Any]], rnd: random.Random) -> list[dict[str, Any]]:
    vocab = sorted({t for r in rows[-2000:] for t in tokens(r["title"]) if not is_stop(t) and len(t) > 3})
    texts = []
    for n in range(count):
        kind = n % 4
        if kind == 0:
            texts.append("/latest")
        elif kind == 1:
            texts.append(f"/latest {rnd.randint(1, 10)}")
        elif kind == 2:
            texts.append(f"/search {rnd.choice(vocab)}")
        else:
            texts.append(f"/search {rnd.choice(vocab)} {rnd.choice(vocab)}" if n % 8 == 3 else "/search زلزال")
    out = []
    for n, text in enumerate(texts):
        user = 50_000_000 + n
        word = text.split()[0]
        message = {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": user, "type": "private", "first_name": "قارئ"},
            "from": {"id": user, "is_bot": False, "first_name": "قارئ", "language_code": "ar"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(word)}],
        }
        out.append({"update_id": 900_000 + n, "message": message})
    return out


async def _run(args: argparse.Namespace, api: str, folder: Path) -> dict[str, Any]:
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
            result.update(await _load(args, server.port, app, _updates(args.updates, rows, rnd)))
            await server.cleanup()
            await app.stop()
    finally:
        await services.close()
    return result


async def _load(args: argparse.Namespace, port: int, app: Any, updates: list[dict[str, Any]]) -> dict[str, Any]:
    metrics = parts(app).metrics
    url = f"http://127.0.0.1:{port}/tg/" + _path_leaf()
    statuses: list[int] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:

        async def post(update: dict[str, Any]) -> None:
            async with http.post(url, json=update, headers={HEADER: SECRET}) as response:
                statuses.append(response.status)

        # off the clock: connection set-up and first-call costs (imports, statement compilation)
        for n, update in enumerate(updates[:20]):
            await post(dict(update, update_id=1 + n))
        for _ in range(500):
            if metrics.replies >= 20:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        statuses.clear()
        metrics.latencies.clear()
        metrics.handling.clear()
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        begin = time.perf_counter()

        tasks = []
        for n, update in enumerate(updates):
            delay = begin + n / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(update)))
        await asyncio.gather(*tasks)
        sent_for = time.perf_counter() - begin
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


def _path_leaf() -> str:
    from bot.webhook import derived

    return derived(TOKEN, "path")[:32]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="updates per second")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--no-index", action="store_true", help="searches from the store's LIKE scan")
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    ports: mp.Queue[int] = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    api = f"http://127.0.0.1:{ports.get(timeout=30)}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            r = asyncio.run(_run(args, api, Path(folder)))
        fake = _stats(api)
    finally:
        server.terminate()
    print(f"articles stored          {r['articles']:>10,}   (bulk insert {r['store_seconds']:.1f} s)")
    index = "off (LIKE scan)" if args.no_index else f"{r['index_seconds']:.2f} s to build"
    print(f"search index             {index:>10}")
    print(
        f"updates                  {args.updates:>10,}   offered at {r['offered_rate']:.0f}/s (asked {args.rate:.0f}/s)"
    )
    print(
        f"replies measured         {r['replied']:>10,}   sends seen by the Bot API: {fake['sent'] - 20:,} (+20 warm-up)"
    )
    print("inside the bot: webhook arrival → reply handed to the Bot API client")
    print(f"  p50 / p90              {r['w50'] * 1000:>10.1f} / {r['w90'] * 1000:.1f} ms")
    print(f"  p99                    {r['w99'] * 1000:>10.1f} ms   target ≤ 50 ms (ratio {r['w99'] * 1000 / 50:.2f})")
    print(f"  max                    {r['wmax'] * 1000:>10.1f} ms")
    print("with the Bot API's answer: webhook arrival → sendMessage answered (the fake, another process)")
    acked = " / ".join(f"{r[k] * 1000:.1f}" for k in ("p50", "p90", "p99", "max"))
    print(f"  p50 / p90 / p99 / max  {acked:>10} ms")
    print(f"errors                   {r['errors']:>10}   target 0; webhook answers other than 200: {r['not_200']}")
    print(
        f"CPU (bot + load)         {r['cpu']:>10.2f} s   = {r['cpu'] / max(args.updates, 1) * 1000:.2f} ms per update"
    )
    print(f"peak RSS                 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>10.0f} MiB")


if __name__ == "__main__":
    main()
