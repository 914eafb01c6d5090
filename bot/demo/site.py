"""The bundled sample site for ``akhbar demo``: «أخبار هنا العالم» on 127.0.0.1.

It serves an RSS 2.0 feed (/feed.xml), article pages in the structure of the real site (loader text,
«Main Logo», the date line, «Article Image», a body that opens with the dateline «أخبار هنا العالم - »,
«مشاركة عبر:»), and a generated photo per article.  The articles are ``articles.json`` beside this file:
the seed article of the real site and five written for the demo.
"""

from __future__ import annotations

import html
import io
import json
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from PIL import Image, ImageDraw

WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
SITE = "اخبار هنا العالم"
TZ = ZoneInfo("Asia/Amman")


@dataclass(slots=True)
class SampleArticle:
    slug: str
    section: str
    title: str
    kicker: str
    time: datetime
    image: bool
    paragraphs: list[str]


def load_articles() -> list[SampleArticle]:
    raw: list[dict[str, Any]] = json.loads(resources.files("bot.demo").joinpath("articles.json").read_text("utf-8"))
    return [
        SampleArticle(
            slug=a["slug"],
            section=a["section"],
            title=a["title"],
            kicker=a["kicker"],
            time=datetime.strptime(a["time"], "%Y-%m-%d %H:%M").replace(tzinfo=TZ),
            image=a["image"],
            paragraphs=a["paragraphs"],
        )
        for a in raw
    ]


def render_page(a: SampleArticle, base: str) -> str:
    e = html.escape
    url = f"{base}/news/{a.slug}"
    img = f'<img alt="Article Image" src="/images/{a.slug}.jpg">' if a.image else ""
    og_img = f'<meta property="og:image" content="{base}/images/{a.slug}.jpg">' if a.image else ""
    body = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
    return f"""<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{e(a.title)} - {SITE}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{e(a.title)}">{og_img}
<meta property="article:section" content="{e(a.section)}">
</head><body>
<div class="loader">الرجاء الانتظار...</div>
<header><img alt="Main Logo" src="/logo.png"><a class="brand" href="/">{SITE}</a>
<nav><a href="/world">العالم</a> <a href="/economy">اقتصاد</a> <a href="/sports">رياضة</a></nav></header>
<main><article>
<span class="category">{e(a.section)}</span>
<h1>{e(a.title)}</h1>
<div class="date">{WEEKDAYS[a.time.weekday()]}   {a.time:%H:%M}   {a.time:%d/%m/%Y}</div>
{img}
<div class="article-body">
<p>أخبار هنا العالم - {e(a.kicker)}</p>
{body}
</div>
<div class="share">مشاركة عبر: <a href="#">فيسبوك</a> <a href="#">واتساب</a></div>
</article></main>
<footer>جميع الحقوق محفوظة © {SITE}</footer>
</body></html>"""


def render_feed(articles: list[SampleArticle], base: str) -> str:
    e = html.escape
    items = "\n".join(
        f"""<item><title>{e(a.title)}</title><link>{base}/news/{a.slug}</link>
<guid isPermaLink="false">huna-{a.slug}</guid><pubDate>{format_datetime(a.time)}</pubDate>
<category>{e(a.section)}</category><description>{e(a.kicker)}</description></item>"""
        for a in sorted(articles, key=lambda a: a.time, reverse=True)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{SITE}</title><link>{base}/</link><description>آخر الأخبار</description>
{items}
</channel></rss>"""


def render_photo(seed: str) -> bytes:
    """A 1200×675 JPEG with a colour of its own per article (no text: the photo stands in for a real one)."""
    h = zlib.crc32(seed.encode()) % 360
    img = Image.new("RGB", (1200, 675), (40 + h % 80, 60 + h % 120, 120 + h % 100))
    draw = ImageDraw.Draw(img)
    for i in range(0, 1200, 60):
        draw.line([(i, 0), (i + 300, 675)], fill=(255, 255, 255), width=2)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


class SampleSite:
    """``async with SampleSite(articles) as site: site.url``; ``site.publish(article)`` adds one."""

    def __init__(self, articles: list[SampleArticle]) -> None:
        self.articles = list(articles)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.feed_hits = 0
        self.shared_guid: str | None = None  # a broken CMS: the same <guid> on every item

    def publish(self, article: SampleArticle) -> None:
        self.articles = [a for a in self.articles if a.slug != article.slug] + [article]

    def withdraw(self, slug: str) -> None:
        """The site takes an article down: its page answers 404 and the feed no longer lists it."""
        self.articles = [a for a in self.articles if a.slug != slug]

    def _find(self, slug: str) -> SampleArticle:
        for a in self.articles:
            if a.slug == slug:
                return a
        raise web.HTTPNotFound()

    async def _feed(self, _request: web.Request) -> web.Response:
        self.feed_hits += 1
        feed = render_feed(self.articles, self.url)
        if self.shared_guid:
            feed = re.sub(r"<guid[^>]*>[^<]*</guid>", f"<guid>{html.escape(self.shared_guid)}</guid>", feed)
        return web.Response(text=feed, content_type="application/rss+xml")

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(
            text=render_page(self._find(request.match_info["slug"]), self.url), content_type="text/html"
        )

    async def _image(self, request: web.Request) -> web.Response:
        a = self._find(request.match_info["slug"])
        return web.Response(body=render_photo(a.slug), content_type="image/jpeg")

    async def __aenter__(self) -> SampleSite:
        app = web.Application()
        app.router.add_get("/feed.xml", self._feed)
        app.router.add_get("/news/{slug}", self._page)
        app.router.add_get("/images/{slug}.jpg", self._image)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
