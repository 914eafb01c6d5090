"""Speed of compose: both posts per article (target < 2 ms) and the image card (target < 50 ms).

    .venv/bin/python bench/bench_compose.py [--rounds N]

Articles: the seed article plus the 106 EASC Wikipedia articles (bench/data/easc) with their titles, so
lengths and vocabulary vary (EASC titles are short page names: the card rows for them draw one line; the
seed headline draws three).  Prints mean, median and p95 per article and the ratio to each target
(< 1.0 is within target).  Single process, warm (each stage runs once before timing).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_rouge import load as load_easc
from bot.compose import ComposeContext, compose_posts, compose_telegram, compose_x, prepare_image, render_card
from bot.models import Article, Section
from tests.test_compose_telegram import seed_article

TARGET_COMPOSE_MS = 2.0
TARGET_CARD_MS = 50.0


def articles() -> list[Article]:
    out = [seed_article()]
    for i, doc in enumerate(load_easc()):
        paragraphs = tuple(p.strip() for p in doc.text.split("\n") if p.strip())
        out.append(
            Article(
                url=f"https://www.akhbar-huna.com/world/{i}",
                link=f"https://www.akhbar-huna.com/world/{doc.title or i}",
                title=doc.title or paragraphs[0][:80],
                paragraphs=paragraphs,
                published=datetime(2025, 10, 15, 12, 0, tzinfo=ZoneInfo("UTC")),
                section=Section("العالم", "world"),
            )
        )
    return out


def timed(label: str, items: list[Article], run: Callable[[Article], object], rounds: int, target: float) -> None:
    for item in items[:3]:
        run(item)
    samples = []
    for _ in range(rounds):
        for item in items:
            start = time.perf_counter()
            run(item)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    mean = statistics.fmean(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(
        f"{label:<34} n={len(samples):<5} mean {mean:7.3f} ms  median {statistics.median(samples):7.3f} ms  "
        f"p95 {p95:7.3f} ms  target {target:g} ms  mean/target {mean / target:.2f}  p95/target {p95 / target:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ctx = ComposeContext(tz=ZoneInfo("Asia/Amman"))
    items = articles()
    print(f"{len(items)} articles, {args.rounds} rounds")
    seed = items[:1] * 100
    timed("compose_posts, seed article", seed, lambda a: compose_posts(a, ctx, photo=b"jpeg"), 1, TARGET_COMPOSE_MS)
    timed(
        "compose_posts (Telegram + X)",
        items,
        lambda a: compose_posts(a, ctx, photo=b"jpeg"),
        args.rounds,
        TARGET_COMPOSE_MS,
    )
    timed(
        "  compose_telegram alone",
        items,
        lambda a: compose_telegram(a, ctx, photo=b"jpeg"),
        args.rounds,
        TARGET_COMPOSE_MS,
    )
    timed("  compose_x alone", items, lambda a: compose_x(a, ctx), args.rounds, TARGET_COMPOSE_MS)
    cards = items[:40]
    timed(
        "render_card, seed headline",
        seed[:30],
        lambda a: render_card(a.title, ctx.site_name, "العالم"),
        1,
        TARGET_CARD_MS,
    )
    timed("render_card (raqm)", cards, lambda a: render_card(a.title, ctx.site_name, "العالم"), 1, TARGET_CARD_MS)
    timed(
        "render_card (reshaper+bidi)",
        cards,
        lambda a: render_card(a.title, ctx.site_name, "العالم", raqm=False),
        1,
        TARGET_CARD_MS,
    )
    png = io.BytesIO()
    Image.effect_noise((1600, 900), 40).convert("RGB").save(png, "PNG")
    photo = png.getvalue()
    timed("prepare_image (1600x900 PNG)", items[:10], lambda _a: prepare_image(photo), 1, TARGET_CARD_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
