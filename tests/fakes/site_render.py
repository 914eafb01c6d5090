"""Feeds and pages of the fake site (see tests/fakes/site.py): plain string templates, no I/O."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakes.site import FakeArticle, FakeSite

WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
SITE_TITLE = "اخبار هنا العالم"  # as the seed page's header writes it


def _link(a: FakeArticle, site: FakeSite) -> str:
    link = site.article_url(a)
    return link + ("?utm_source=rss&utm_medium=feed&utm_campaign=news" if site.tracking else "")


def _rss2(items: list[FakeArticle], site: FakeSite) -> str:
    e = escape
    out = []
    for a in items:
        image = site.image_url(a)
        media = f'<media:content url="{e(image)}" medium="image" type="image/jpeg"/>' if image else ""
        body = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        content = f"<content:encoded><![CDATA[{body}]]></content:encoded>" if site.full_content else ""
        out.append(
            f"""  <item>
    <title>{e(a.title)}</title>
    <link>{e(_link(a, site))}</link>
    <guid isPermaLink="false">{site.guid_prefix}{a.id}</guid>
    <pubDate>{format_datetime(a.published)}</pubDate>
    <category>{e(a.section)}</category>
    <description>{e(a.kicker)}</description>{media}{content}
  </item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>{e(site.name)}</title><link>{site.url("/")}</link><description>آخر الأخبار</description><language>ar</language>
{chr(10).join(out)}
</channel>
</rss>
"""


def _rss1(items: list[FakeArticle], site: FakeSite) -> str:
    e = escape
    seq = "".join(f'<rdf:li rdf:resource="{e(_link(a, site))}"/>' for a in items)
    body = "".join(
        f"""<item rdf:about="{e(_link(a, site))}"><title>{e(a.title)}</title><link>{e(_link(a, site))}</link>
<description>{e(a.kicker)}</description><dc:date>{a.published.isoformat()}</dc:date><dc:subject>{e(a.section)}</dc:subject></item>
"""
        for a in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{site.url("/rss1.xml")}"><title>{e(site.name)}</title><link>{site.url("/")}</link>
<description>آخر الأخبار</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>
{body}</rdf:RDF>
"""


def _enclosure(image: str | None) -> str:
    return f'<link rel="enclosure" type="image/jpeg" href="{escape(image)}"/>' if image else ""


def _atom(items: list[FakeArticle], site: FakeSite) -> str:
    e = escape
    newest = max((a.changed for a in items), default=None)
    entries = "".join(
        f"""<entry><title>{e(a.title)}</title><id>tag:{site.guid_prefix}{a.id}</id>
<link rel="alternate" href="{e(_link(a, site))}"/>{_enclosure(site.image_url(a))}
<published>{a.published.isoformat()}</published><updated>{a.changed.isoformat()}</updated>
<category term="{e(a.section)}"/><summary>{e(a.kicker)}</summary></entry>
"""
        for a in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><title>{e(site.name)}</title><id>tag:huna,2025:feed</id>
<updated>{newest.isoformat() if newest else "2025-01-01T00:00:00Z"}</updated>
{entries}</feed>
"""


def _json(items: list[FakeArticle], site: FakeSite) -> str:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.name,
        "home_page_url": site.url("/"),
        "items": [
            {
                "id": f"{site.guid_prefix}{a.id}",
                "url": _link(a, site),
                "title": a.title,
                "summary": a.kicker,
                "image": site.image_url(a),
                "date_published": a.published.isoformat(),
                "date_modified": a.changed.isoformat(),
                "tags": [a.section],
                **({"content_html": "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)} if site.full_content else {}),
            }
            for a in items
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _sitemap(items: list[FakeArticle], site: FakeSite, *, news: bool) -> str:
    e = escape
    urls = []
    for a in items:
        extra = ""
        if news:
            image = site.image_url(a)
            extra = f"""<news:news><news:publication><news:name>{e(site.name)}</news:name>
<news:language>ar</news:language></news:publication><news:publication_date>{a.published.isoformat()}</news:publication_date><news:title>{e(a.title)}</news:title>
</news:news>{f"<image:image><image:loc>{e(image)}</image:loc></image:image>" if image else ""}"""
        urls.append(f"<url><loc>{e(_link(a, site))}</loc><lastmod>{a.changed.isoformat()}</lastmod>{extra}</url>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{chr(10).join(urls)}
</urlset>
"""


def _lastmod(when: datetime | None) -> str:
    return f"<lastmod>{when.isoformat()}</lastmod>" if when else ""


def _index(items: list[FakeArticle], site: FakeSite) -> str:
    newest = max((a.changed for a in items[:3]), default=None)
    older = max((a.changed for a in items[3:]), default=None)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{site.url("/sitemaps/archive.xml")}</loc>{_lastmod(older)}</sitemap>
<sitemap><loc>{site.url("/sitemaps/news.xml")}</loc>{_lastmod(newest)}</sitemap>
</sitemapindex>
"""


def render_feed(kind: str, items: list[FakeArticle], site: FakeSite) -> tuple[str, str]:
    """(body, content type) of a feed of ``kind`` (see FakeSite.feed_url)."""
    if kind == "rss":
        return _rss2(items, site), "application/rss+xml"
    if kind == "rss1":
        return _rss1(items, site), "application/rdf+xml"
    if kind == "atom":
        return _atom(items, site), "application/atom+xml"
    if kind == "json":
        return _json(items, site), "application/feed+json"
    if kind in ("news_sitemap", "sitemap"):
        return _sitemap(items, site, news=kind == "news_sitemap"), "application/xml"
    if kind == "sitemap_index":
        return _index(items, site), "application/xml"
    raise ValueError(f"unknown feed kind {kind!r}")


def render_page(a: FakeArticle, site: FakeSite) -> str:
    """An article page in the structure of the seed site."""
    e = escape
    canonical = site.article_url(a, encoded=True)
    image = site.image_url(a)
    meta = ""
    if site.page_meta:
        meta = f"""<link rel="canonical" href="{e(canonical)}">
  <meta property="og:type" content="article"><meta property="og:site_name" content="{SITE_TITLE}">
  <meta property="og:title" content="{e(a.title)}"><meta property="og:description" content="{e(a.kicker)}">
  <meta property="og:url" content="{e(canonical)}">{f'<meta property="og:image" content="{e(image)}">' if image else ""}
  <meta property="article:section" content="{e(a.section)}">"""
    slug = {"العالم": "world", "سياسة": "politics", "اقتصاد": "economy", "رياضة": "sports"}.get(a.section, "news")
    related = [r for r in site.newest() if r.id != a.id][:3]
    rel = "".join(f'<li><a href="{e(site.article_url(r))}">{e(r.title)}</a></li>' for r in related)
    figure = f'<div class="news-image"><img src="/images/{a.slug}.jpg" alt="Article Image"></div>' if image else ""
    body = "\n".join(f"      <p>{e(p)}</p>" for p in a.paragraphs)
    t = a.published
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <title>{e(a.title)} | {SITE_TITLE}</title>
  {meta}
</head>
<body>
  <div id="preloader"><span class="loader-text">الرجاء الانتظار...</span></div>
  <header class="site-header">
    <a href="/" class="logo"><img src="/assets/logo.png" alt="Main Logo"></a><span class="site-name">{SITE_TITLE}</span>
    <nav class="main-menu"><a href="/">الرئيسية</a> <a href="/category/world">العالم</a>
      <a href="/category/economy">اقتصاد</a> <a href="/category/sports">رياضة</a></nav>
  </header>
  <main>
    <ol class="breadcrumb"><li><a href="/">الرئيسية</a></li><li><a href="/category/{slug}">{e(a.section)}</a></li></ol>
    <div class="news-details">
      <h1 class="news-title">{e(a.title)}</h1>
      <div class="news-date">{WEEKDAYS[t.weekday()]} &nbsp; {t:%H:%M} &nbsp; {t:%d/%m/%Y}</div>
      {figure}
      <div class="news-content">
      <p>أخبار هنا العالم - {e(a.kicker)}</p>
{body}
      </div>
      <div class="share-box"><span>مشاركة عبر:</span> <a href="#">فيسبوك</a> <a href="#">واتساب</a></div>
    </div>
    <section class="related-news"><h3>أخبار ذات صلة</h3><ul>{rel}</ul></section>
  </main>
  <footer class="site-footer"><p class="copyright">جميع الحقوق محفوظة © 2025 {SITE_TITLE}</p></footer>
</body>
</html>
"""
