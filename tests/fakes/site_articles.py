"""The fake site's articles: the samples (site_data/articles.json), generated ones, and their photos."""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

DATA = Path(__file__).parent / "site_data" / "articles.json"
TZ = ZoneInfo("Asia/Amman")
SECTION_SLUGS = {"العالم": "world", "سياسة": "politics", "اقتصاد": "economy", "رياضة": "sports",
                 "تكنولوجيا": "tech", "صحة": "health", "ثقافة": "culture"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FakeArticle:
    id: int
    slug: str
    section: str
    title: str
    kicker: str
    paragraphs: tuple[str, ...]
    published: datetime
    updated: datetime | None = None
    image: bool = True
    url_slug: str = ""  # the Arabic slug of its URL; set once from the first title (a title edit keeps it)

    def __post_init__(self) -> None:
        if not self.url_slug:
            object.__setattr__(self, "url_slug", "-".join(self.title.split()[:5]))

    @property
    def path(self) -> str:
        return f"/news/{self.id}/{self.url_slug}"

    @property
    def changed(self) -> datetime:
        return self.updated or self.published


def sample_articles() -> list[FakeArticle]:
    """The seed article and five more (tests/fakes/site_data/articles.json), oldest last."""
    raw: list[dict[str, Any]] = json.loads(DATA.read_text("utf-8"))
    return [
        FakeArticle(
            id=a["id"],
            slug=a["slug"],
            section=a["section"],
            title=a["title"],
            kicker=a["kicker"],
            paragraphs=tuple(a["paragraphs"]),
            published=datetime.strptime(a["time"], "%Y-%m-%d %H:%M").replace(tzinfo=TZ),
            image=a["image"],
        )
        for a in raw
    ]


def make_jpeg(seed: str, size: tuple[int, int] = (640, 360)) -> bytes:
    """A real JPEG with a colour and stripes of its own per seed."""
    h = zlib.crc32(seed.encode())
    img = Image.new("RGB", size, (40 + h % 90, 60 + (h >> 8) % 120, 110 + (h >> 16) % 120))
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0], 40):
        draw.line([(x, 0), (x + size[1] // 2, size[1])], fill=(235, 235, 235), width=3)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def generated_articles(count: int) -> list[FakeArticle]:
    """``count`` articles (the samples repeated with new ids, an hour apart) — for big feeds and benches."""
    samples = sample_articles()
    start = max(a.published for a in samples)
    return [
        replace(
            base,
            id=2000 + n,
            slug=f"{base.slug}-{n}",
            url_slug="",
            published=start - timedelta(hours=n),
            title=f"{base.title} ({n})",
        )
        for n, base in ((n, samples[n % len(samples)]) for n in range(count))
    ]


def articles_from(items: Iterable[dict[str, Any]]) -> list[FakeArticle]:
    """FakeArticles from dicts shaped like site_data/articles.json (for callers with their own data)."""
    out = []
    for a in items:
        time = datetime.strptime(a["time"], "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
        out.append(FakeArticle(a["id"], a["slug"], a["section"], a["title"], a["kicker"], tuple(a["paragraphs"]),
                               time, image=a.get("image", True)))  # fmt: skip
    return out
