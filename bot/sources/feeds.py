"""Feeds and sitemaps, recognised by their content, parsed into :class:`FeedEntry` items.

:func:`parse_feed` reads RSS 2.0, RSS 1.0 (RDF) and Atom through feedparser, JSON Feed through ``json``,
and Google News sitemaps, plain sitemaps and sitemap indexes through lxml with a defused parser (no entity
expansion, no DTD, no network, no huge trees).  feedparser itself drops unsafe ``<!ENTITY>`` declarations
and never fetches external entities.

The format is recognised from the body (its first element, or a JSON object), never from the URL or the
Content-Type, which sites get wrong.  A body that is HTML, empty, malformed, or of no known format raises
:class:`~bot.exceptions.ParseError`.  One bad item (no usable link, an unparseable date) never drops the
others: an item without a link is skipped with one log line; a bad date becomes None.

Entries come in document order.  A sitemap index yields entries of kind ``SITEMAP`` (its child sitemaps)
for the watcher to follow.  Pure: no I/O.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, tzinfo

from bot.exceptions import ParseError
from bot.sources.entries import EntryKind, FeedEntry
from bot.sources.jsonfeed import parse_json_feed
from bot.sources.sitemaps import parse_sitemap
from bot.sources.syndication import parse_syndication
from bot.sources.text import decode_body

__all__ = ["EntryKind", "FeedEntry", "FeedFormat", "detect_format", "parse_feed"]


class FeedFormat(enum.StrEnum):
    RSS2 = "rss2"
    RSS1 = "rss1"
    ATOM = "atom"
    JSON = "json"
    SITEMAP = "sitemap"
    SITEMAP_INDEX = "sitemap_index"


_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_XML_DECL_ENCODING = re.compile(rb"""(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""", re.I)
_ROOTS = {
    b"rss": FeedFormat.RSS2,
    b"rdf": FeedFormat.RSS1,
    b"feed": FeedFormat.ATOM,
    b"urlset": FeedFormat.SITEMAP,
    b"sitemapindex": FeedFormat.SITEMAP_INDEX,
}


def detect_format(body: bytes, url: str) -> FeedFormat:
    """The feed format of ``body`` (by content), or ParseError saying what it is instead."""
    head = body[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise ParseError(url, "empty response where a feed was expected")
    if head.startswith((b"{", b"[")):
        return FeedFormat.JSON
    pos = 0
    while (match := _PROLOG.match(head, pos)) and match.end() > pos:
        pos = match.end()
    root = _ROOT.match(head, pos)
    if root is None:
        raise ParseError(url, f"not a feed: it starts with {head[:40]!r}")
    name = root.group(1).lower().rpartition(b":")[2]
    if name in (b"html", b"head", b"body"):
        raise ParseError(url, "an HTML page where a feed was expected (is the URL a feed or a sitemap?)")
    fmt = _ROOTS.get(name)
    if fmt is None:
        raise ParseError(url, f"not a feed: the root element is <{root.group(1).decode('ascii', 'replace')}>")
    return fmt


def as_utf8(body: bytes, declared: str | None) -> bytes:
    """The XML body as UTF-8 bytes without an encoding declaration (legacy Arabic encodings decoded)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        body = decode_body(body, declared).encode("utf-8")
    return _XML_DECL_ENCODING.sub(rb"\1", body.removeprefix(b"\xef\xbb\xbf"), count=1)


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def parse_feed(body: bytes, url: str, content_type: str | None = None, *, tz: tzinfo = UTC) -> list[FeedEntry]:
    """The entries of a feed or sitemap (see the module doc).  Naive dates are local to ``tz``."""
    fmt = detect_format(body, url)
    if fmt is FeedFormat.JSON:
        return parse_json_feed(body, url, tz)
    data = as_utf8(body, _charset(content_type))
    if fmt in (FeedFormat.SITEMAP, FeedFormat.SITEMAP_INDEX):
        return parse_sitemap(data, url, tz)
    return parse_syndication(data, url, tz)
