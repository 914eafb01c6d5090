"""CPU cost of watching sources, beside baselines run in the same process.

    .venv/bin/python bench/bench_sources.py

Prints, as CPU time (``time.process_time``, this process only — the fake site runs in a subprocess):

1. one poll of a 50-item RSS feed through the Watcher (HTTP client, parse, fingerprints, the known
   lookup) when the feed answers 200 with items all known, when the body is the same as last time,
   and when it answers 304 — beside ``feedparser.parse`` of the same body;
2. one article-page extraction (``extract_article``) beside ``trafilatura.extract`` on the same page,
   for the seed site's page and the real CNN Arabic page;
3. 1,000 feeds polled every 60 s, simulated: 1,000 real polls against the fake site, for each case,
   as a share of one core (target: under 10 %).

Finishes in well under a minute.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

import aiohttp
import feedparser
import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.models import FeedState  # noqa: E402
from bot.sources.feeds import parse_feed  # noqa: E402
from bot.sources.fetch import Fetcher  # noqa: E402
from bot.sources.page import extract_article  # noqa: E402
from bot.sources.watcher import PollResult, Watcher  # noqa: E402

PAGES = ROOT / "tests" / "data" / "pages"
FEEDS = 1000
INTERVAL = 60.0
REPEAT = 40
PARSED_SAMPLE = 250  # polls actually run for the all-parsed case (scaled to 1,000)
CHANGE_SHARE = 0.1  # for the estimate: one poll in ten finds the feed changed


class Known:
    """The store's side, in memory (a real store adds one indexed SELECT per poll that finds new items)."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    async def __call__(self, keys: Sequence[str]) -> Mapping[str, str]:
        return {k: self.keys[k] for k in keys if k in self.keys}

    def save(self, result: PollResult) -> None:
        for item in result.items:
            for key in (item.article.url, *item.aliases):
                self.keys[key] = item.fingerprint


def cpu_ms(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """Median CPU milliseconds of ``fn`` over ``repeat`` runs, after one warm-up run."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def pair(ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[float, float]:
    """Both measured in alternation (so a busy machine slows both alike)."""
    a, b = [], []
    for _ in range(5):
        a.append(cpu_ms(ours, REPEAT // 5))
        b.append(cpu_ms(theirs, REPEAT // 5))
    return statistics.median(a), statistics.median(b)


async def acpu_ms(fn: Callable[[], Awaitable[object]], repeat: int = REPEAT) -> float:
    await fn()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        await fn()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def start_site(articles: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.site", str(articles)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def line(what: str, ms: float, base_name: str = "", base: float = 0.0) -> None:
    ratio = f"   {base_name} {base:7.2f} ms   ratio {ms / base:5.2f}x" if base else ""
    print(f"  {what:<52} {ms:7.2f} ms{ratio}")


async def polls(base: str) -> None:
    settings = load_settings(env_file=None, POLL_INTERVAL=INTERVAL).sources
    feed = f"{base}/feed.xml"
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as http:
        fetcher = Fetcher(http, settings)
        watcher = Watcher(fetcher, settings)
        known = Known()
        first = await watcher.poll(FeedState(url=feed, baselined=True), known)  # reads the 50 pages once
        known.save(first)
        body = (await fetcher.fetch(feed)).body
        assert len(first.items) == 50, len(first.items)

        fresh = FeedState(url=feed, baselined=True)  # no ETag, no digest: 200 and a full parse
        same_body = FeedState(url=feed, baselined=True, extra=dict(first.state.extra))  # 200, same digest
        not_modified = first.state  # ETag → 304

        async def poll(state: FeedState) -> None:
            result = await watcher.poll(state, known)
            assert not result.items

        print("One poll of a 50-item RSS feed (items all known):")
        runs, bases = [], []
        for _ in range(5):  # in alternation with the baseline: a busy machine slows both alike
            runs.append(await acpu_ms(lambda: poll(fresh), REPEAT // 5))
            bases.append(cpu_ms(lambda: feedparser.parse(body), REPEAT // 5))
        baseline = statistics.median(bases)
        line("200, parsed (Watcher.poll)", statistics.median(runs), "feedparser.parse", baseline)
        ours, theirs = pair(lambda: parse_feed(body, feed, None), lambda: feedparser.parse(body))
        line("  of which parse_feed alone", ours, "feedparser.parse", theirs)
        same = await acpu_ms(lambda: poll(same_body))
        line("200, same body as last poll (not parsed)", same, "feedparser.parse", baseline)
        cached = await acpu_ms(lambda: poll(not_modified))
        line("304 Not Modified", cached, "feedparser.parse", baseline)

        print(f"\n{FEEDS:,} feeds polled every {INTERVAL:.0f} s (real polls, 100 at a time):")
        per_poll = {}
        cases = (("all 304", not_modified, FEEDS), ("all 200 with the same body", same_body, FEEDS),
                 ("all 200 and parsed (every feed changed)", fresh, PARSED_SAMPLE))  # fmt: skip
        for name, state, count in cases:
            start = time.process_time()
            for batch in range(0, count, 100):
                await asyncio.gather(*(poll(state) for _ in range(batch, min(count, batch + 100))))
            per_poll[name] = (time.process_time() - start) / count
            share = per_poll[name] * FEEDS / INTERVAL * 100
            note = f"  ({count} polls run, scaled)" if count != FEEDS else ""
            print(f"  {name:<44} {per_poll[name] * 1000:6.2f} ms/poll  {share:5.1f} % of one core{note}")
        mix = CHANGE_SHARE * per_poll[cases[2][0]] + (1 - CHANGE_SHARE) * per_poll[cases[0][0]]
        print(
            f"  estimate: {CHANGE_SHARE:.0%} of polls find a change, rest 304"
            f"{'':<5} {mix * 1000:6.2f} ms/poll  {mix * FEEDS / INTERVAL * 100:5.1f} % of one core"
        )


def pages() -> None:
    settings = load_settings(env_file=None).sources
    options = {"tz": settings.tz, "sections": settings.sections, "site_name": settings.site_name}
    print("\nOne article-page extraction (extract_article):")
    for name, path, url in (
        ("seed site page (huna-nato.html)", PAGES / "huna-nato.html", "https://hunaalalam.example/news/1001/x"),
        ("CNN Arabic page (29 KB)", PAGES / "cnn-arabic-2013" / "arabic_article.html",
         "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"),
    ):  # fmt: skip
        html = path.read_bytes()
        text = html.decode("utf-8")
        ours, theirs = pair(
            lambda html=html, url=url: extract_article(html, url, **options),  # type: ignore[arg-type,misc]
            lambda text=text, url=url: trafilatura.extract(text, url=url),  # type: ignore[misc]
        )
        line(name, ours, "trafilatura.extract", theirs)


def main() -> None:
    wall = time.perf_counter()
    proc, base = start_site(50)
    try:
        asyncio.run(polls(base))
    finally:
        proc.terminate()
        proc.wait(10)
    pages()
    print(f"\n(finished in {time.perf_counter() - wall:.1f} s wall time)")


if __name__ == "__main__":
    main()
