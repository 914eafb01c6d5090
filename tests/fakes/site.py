"""A fake Arabic news site on 127.0.0.1, in the structure of «أخبار هنا العالم», for tests and the demo.

Importable without pytest; needs aiohttp and Pillow.  ``python -m tests.fakes.site [N]`` serves the
samples (or N generated articles) and prints the base URL.  Usage::

    async with FakeSite() as site:                      # the sample articles, on a random port
        feed = site.feed_url("rss")                     # rss | rss1 | atom | json | news_sitemap |
                                                        # sitemap | sitemap_index
        world = site.feed_url("rss", section="world")   # one section's feed (the same articles)
        art = site.add(title="…", section="اقتصاد", paragraphs=["…"])   # published now, newest
        site.update(art.id, title="عنوان معدّل")        # marks it updated now
        site.remove(art.id)                             # the page then answers 410
        site.fault(site.path_of(feed), "500", times=2)  # the next two requests to that path fail
        site.hits(site.path_of(feed))                   # requests seen for a path
        site.requests[-1].headers["User-Agent"]

What it serves:

* feeds of every kind, built from the current articles (newest first, ``feed_size`` of them):
  ``/feed.xml`` RSS 2.0, ``/rss1.xml`` RSS 1.0, ``/atom.xml``, ``/feed.json`` JSON Feed 1.1,
  ``/news-sitemap.xml``, ``/sitemap.xml`` (plain) and ``/sitemap-index.xml`` (→ ``/sitemaps/news.xml``
  and ``/sitemaps/archive.xml``), and ``/section/<slug>/feed.xml`` per section;
* article pages at ``/news/<id>/<Arabic slug>`` in the seed site's structure (loader «الرجاء الانتظار...»,
  «Main Logo», nav, breadcrumb, ``<h1>``, the date line «الأربعاء   15:59   15/10/2025», «Article Image»,
  a body opening «أخبار هنا العالم - <kicker>», «مشاركة عبر:», related news, footer);
* a real JPEG per article at ``/images/<slug>.jpg`` (made with Pillow, cached);
* conditional GET (ETag and Last-Modified → 304) unless ``conditional = False``; gzip when asked for
  unless ``gzip = False``.

Knobs: ``delay`` (seconds before each answer; ``peak[path]`` then shows concurrency), ``guid_prefix``,
``link_style`` ("raw" Arabic paths or "encoded" %XX in feeds), ``tracking`` (utm_* on feed links),
``full_content`` (RSS carries the body in content:encoded), ``page_meta`` (OpenGraph/canonical on pages),
``feed_size``.

``/loop`` redirects to itself; ``/hop/N`` redirects N times and then serves the RSS feed.

Faults (``site.fault(path, kind, times=1)``; ``times=None`` = until ``clear_faults()``):
``"500"``, ``"503"``, ``"404"``, ``"410"`` (any status code as text), ``"hang"`` (never answers),
``"reset"`` (closes the connection), ``"huge"`` (streams ``huge_bytes`` of XML), ``"gzip_bomb"`` (a small
gzip body that inflates to ``huge_bytes``), ``"html"`` (a web page
instead of the feed), ``"malformed"`` (truncated XML), ``"empty"`` (200, no body), ``"cp1256"`` (the
normal body in windows-1256, declared) / ``"cp1256_undeclared"``, ``"redirect_loop"``, ``"not_image"``.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import web

from tests.fakes.site_articles import (
    SECTION_SLUGS,
    TZ,
    FakeArticle,
    articles_from,
    generated_articles,
    make_jpeg,
    sample_articles,
)
from tests.fakes.site_faults import fault_response, recode
from tests.fakes.site_render import render_feed, render_page

__all__ = ["FEEDS", "FakeArticle", "FakeSite", "articles_from", "generated_articles", "make_jpeg", "sample_articles"]

SITE_NAME = "أخبار هنا العالم"
FEEDS = {
    "rss": "/feed.xml",
    "rss1": "/rss1.xml",
    "atom": "/atom.xml",
    "json": "/feed.json",
    "news_sitemap": "/news-sitemap.xml",
    "sitemap": "/sitemap.xml",
    "sitemap_index": "/sitemap-index.xml",
}


@dataclass(slots=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass(slots=True)
class _Fault:
    kind: str
    times: int | None


@dataclass(slots=True)
class FakeSite:
    articles: list[FakeArticle] = field(default_factory=sample_articles)
    name: str = SITE_NAME
    link_style: str = "raw"  # or "encoded"
    tracking: bool = False
    full_content: bool = False
    page_meta: bool = True
    conditional: bool = True
    gzip: bool = True
    feed_size: int = 50
    huge_bytes: int = 20_000_000
    delay: float = 0.0  # seconds before every answer (to observe concurrency)
    guid_prefix: str = "huna-"
    peak: dict[str, int] = field(default_factory=dict)  # most requests in flight at once, per path
    _in_flight: dict[str, int] = field(default_factory=dict)
    base_url: str = ""
    requests: list[Seen] = field(default_factory=list)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict)
    _removed: set[int] = field(default_factory=set)
    _images: dict[str, bytes] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    hang: asyncio.Event = field(default_factory=asyncio.Event)

    # --- lifecycle ----------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeSite:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/news/{id}/{slug}", self._page)
        app.router.add_get("/images/{name}", self._image)
        app.router.add_get("/section/{slug}/feed.xml", self._section_feed)
        app.router.add_get("/sitemaps/{name}", self._child_sitemap)
        app.router.add_get("/loop", self._loop)
        app.router.add_get("/hop/{n}", self._hop)
        for kind, path in FEEDS.items():
            app.router.add_get(path, self._feed_handler(kind))
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def close(self) -> None:
        self.hang.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- the test's controls --------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def path_of(self, url: str) -> str:
        return url.removeprefix(self.base_url) or "/"

    def feed_url(self, kind: str = "rss", *, section: str | None = None) -> str:
        return self.url(f"/section/{section}/feed.xml" if section else FEEDS[kind])

    def article_url(self, article: FakeArticle | int, *, encoded: bool | None = None) -> str:
        a = self.get(article) if isinstance(article, int) else article
        enc = self.link_style == "encoded" if encoded is None else encoded
        return self.url(quote(a.path) if enc else a.path)

    def image_url(self, article: FakeArticle) -> str | None:
        return self.url(f"/images/{article.slug}.jpg") if article.image else None

    def get(self, article_id: int) -> FakeArticle:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    def add(self, **fields: Any) -> FakeArticle:
        """Publish a new article now (fields of FakeArticle; sensible defaults for the rest)."""
        next_id = max((a.id for a in self.articles), default=1000) + 1
        now = datetime.now(TZ).replace(microsecond=0)
        defaults: dict[str, Any] = {
            "id": next_id,
            "slug": f"article-{next_id}",
            "section": "العالم",
            "title": f"خبر عاجل رقم {next_id} عن تطورات الأحداث في المنطقة",
            "kicker": "تفاصيل جديدة تتكشف مع توالي ردود الفعل",
            "paragraphs": (f"نص الخبر رقم {next_id}، وفيه تفاصيل كافية ليُعدّ فقرة كاملة من متن الخبر.",),
            "published": now,
        }
        defaults.update(fields)
        defaults["paragraphs"] = tuple(defaults["paragraphs"])
        article = FakeArticle(**defaults)
        self.articles.append(article)
        return article

    def update(self, article_id: int, **changes: Any) -> FakeArticle:
        """Change an article (title, paragraphs, image, url_slug …); it is marked updated now."""
        old = self.get(article_id)
        if "paragraphs" in changes:
            changes["paragraphs"] = tuple(changes["paragraphs"])
        new = replace(old, updated=datetime.now(TZ).replace(microsecond=0) + timedelta(seconds=1), **changes)
        self.articles[self.articles.index(old)] = new
        return new

    def remove(self, article_id: int) -> None:
        self.articles = [a for a in self.articles if a.id != article_id]
        self._removed.add(article_id)

    def fault(self, path: str, kind: str, *, times: int | None = 1) -> None:
        self._faults.setdefault(path, []).append(_Fault(kind, times))

    def clear_faults(self) -> None:
        self._faults.clear()

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    # --- serving ------------------------------------------------------------------------------------

    def newest(self, section: str | None = None) -> list[FakeArticle]:
        chosen = [a for a in self.articles if section is None or SECTION_SLUGS.get(a.section) == section]
        return sorted(chosen, key=lambda a: a.published, reverse=True)[: self.feed_size]

    def _take_fault(self, path: str) -> str | None:
        queue = self._faults.get(path)
        if not queue:
            return None
        fault = queue[0]
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
        return fault.kind

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        path = unquote(request.path)
        self.requests.append(Seen(request.method, path, dict(request.headers)))
        self._in_flight[path] = self._in_flight.get(path, 0) + 1
        self.peak[path] = max(self.peak.get(path, 0), self._in_flight[path])
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            return await self._serve(request, handler, path)
        finally:
            self._in_flight[path] -= 1

    async def _serve(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]], path: str
    ) -> web.StreamResponse:
        kind = self._take_fault(path) or self._take_fault(request.path)
        if kind is None or kind in ("cp1256", "cp1256_undeclared"):
            response = await handler(request)
            if kind and isinstance(response, web.Response) and response.body is not None:
                return recode(response, declared=kind == "cp1256")
            return response
        return await fault_response(self, request, kind)

    def _respond(self, request: web.Request, body: str, content_type: str, changed: datetime | None) -> web.Response:
        data = body.encode("utf-8")
        etag = '"' + hashlib.sha1(data, usedforsecurity=False).hexdigest()[:20] + '"'
        headers = {"ETag": etag}
        if changed is not None:
            headers["Last-Modified"] = format_datetime(changed.astimezone(UTC), usegmt=True)
        if self.conditional and _not_modified(request, etag, changed):
            return web.Response(status=304, headers=headers)
        if self.gzip and "gzip" in request.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data, compresslevel=5)
            headers["Content-Encoding"] = "gzip"
        headers["Content-Type"] = f"{content_type}; charset=utf-8"
        return web.Response(body=data, headers=headers)

    def _feed_handler(self, kind: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            items = self.newest()
            body, ctype = render_feed(kind, items, self)
            return self._respond(request, body, ctype, max((a.changed for a in items), default=None))

        return handler

    async def _section_feed(self, request: web.Request) -> web.Response:
        items = self.newest(request.match_info["slug"])
        body, ctype = render_feed("rss", items, self)
        return self._respond(request, body, ctype, max((a.changed for a in items), default=None))

    async def _child_sitemap(self, request: web.Request) -> web.Response:
        items = self.newest()
        name = request.match_info["name"]
        chosen = items[:3] if name == "news.xml" else items[3:] if name == "archive.xml" else None
        if chosen is None:
            raise web.HTTPNotFound()
        body, ctype = render_feed("news_sitemap" if name == "news.xml" else "sitemap", chosen, self)
        return self._respond(request, body, ctype, max((a.changed for a in chosen), default=None))

    async def _page(self, request: web.Request) -> web.Response:
        article_id = int(request.match_info["id"]) if request.match_info["id"].isdigit() else -1
        if article_id in self._removed:
            raise web.HTTPGone()
        try:
            article = self.get(article_id)
        except KeyError:
            raise web.HTTPNotFound() from None
        return self._respond(request, render_page(article, self), "text/html", article.changed)

    async def _image(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self._images:
            self._images[name] = make_jpeg(name)
        return web.Response(body=self._images[name], content_type="image/jpeg")

    async def _loop(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def _hop(self, request: web.Request) -> web.Response:
        """``/hop/N`` redirects N times, then serves the RSS feed."""
        n = int(request.match_info["n"])
        if n > 0:
            raise web.HTTPFound(f"/hop/{n - 1}")
        body, ctype = render_feed("rss", self.newest(), self)
        return self._respond(request, body, ctype, None)


def _not_modified(request: web.Request, etag: str, changed: datetime | None) -> bool:
    if_none = request.headers.get("If-None-Match")
    if if_none is not None:
        return etag in [t.strip() for t in if_none.split(",")] or if_none.strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since and changed is not None:
        try:
            return changed.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


async def serve(count: int, port: int = 0) -> None:
    """Serve ``count`` articles until cancelled; prints the base URL (``python -m tests.fakes.site 50``)."""
    async with FakeSite(articles=generated_articles(count) if count else sample_articles()) as site:
        print(site.base_url, flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    import sys

    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
