"""RSS 2.0, RSS 1.0 and Atom through feedparser.  Pure.

feedparser is lenient: it reads feeds that are not well-formed XML.  A malformed body that still yields
items is used (the items are what matters; the next poll reads the rest); one that yields nothing raises
ParseError with feedparser's reason.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

import feedparser

from bot.exceptions import ParseError
from bot.sources.entries import FeedEntry, absolute, date_of, first_image, log, paragraphs_of, skip
from bot.sources.text import clean_text


def parse_syndication(data: bytes, url: str, tz: tzinfo) -> list[FeedEntry]:
    """Entries of an RSS/Atom document (UTF-8 bytes without an encoding declaration)."""
    parsed = feedparser.parse(
        data,
        # no response_headers: the bytes are UTF-8 without a declaration already, and a Content-Location
        # makes feedparser join every element's xml:base (a third of its time); links are resolved here.
        # we keep plain text only (clean_text drops markup and script bodies) and resolve links
        # ourselves, so feedparser's sanitiser and URI rewriting would be paid for nothing
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    raw_entries: list[Mapping[str, Any]] = parsed.get("entries") or []
    malformed = f"malformed feed: {parsed.get('bozo_exception') or 'not well-formed XML'}"
    if parsed.get("bozo") and not raw_entries:
        raise ParseError(url, malformed)
    if not parsed.get("version") and not raw_entries and not parsed.get("feed"):
        raise ParseError(url, "not a feed: feedparser found no channel and no items")
    entries, skipped = [], []
    for index, raw in enumerate(raw_entries, start=1):
        entry = _entry(raw, url, tz)
        if entry is None:
            skipped.append(index)
        else:
            entries.append(entry)
    if parsed.get("bozo"):
        if not entries:
            raise ParseError(url, malformed)  # the whole feed fails: one line from the caller, not per item
        log.info("feed %s is not well-formed (%s); %d items read anyway", url, malformed, len(entries))
    for index in skipped:
        skip(url, index, "no usable link or permalink guid")
    return entries


def _entry(raw: Mapping[str, Any], url: str, tz: tzinfo) -> FeedEntry | None:
    guid = raw.get("id") or None
    link = absolute(raw.get("link"), url)
    if link is None and guid and raw.get("guidislink", True):
        link = absolute(guid, url) if str(guid).startswith(("http://", "https://")) else None
    if link is None:
        return None
    summary_html = raw.get("summary") or ""
    content_html = " ".join(c.get("value", "") for c in raw.get("content") or [] if c.get("value"))
    paragraphs = paragraphs_of(content_html)
    summary = clean_text(summary_html)
    if paragraphs and summary and paragraphs[0].startswith(summary[:40]):
        summary = ""  # many feeds put the body's opening in <description>: not a separate summary
    return FeedEntry(
        link=link,
        title=clean_text(raw.get("title")),
        guid=str(guid) if guid else None,
        summary=summary,
        paragraphs=paragraphs,
        image=_image(raw, url) or first_image(content_html, url) or first_image(summary_html, url),
        published=_date(raw, "published", tz) or _date(raw, "created", tz),
        updated=_date(raw, "updated", tz),
        categories=tuple(c for c in (clean_text(t.get("label") or t.get("term")) for t in raw.get("tags") or []) if c),
    )


def _date(raw: Mapping[str, Any], key: str, tz: tzinfo) -> datetime | None:
    # dict.get: feedparser's own get() maps a missing "updated" to "published" (with a warning)
    value = date_of(dict.get(raw, key), tz) if isinstance(raw, dict) else date_of(raw.get(key), tz)
    parsed = dict.get(raw, f"{key}_parsed") if isinstance(raw, dict) else raw.get(f"{key}_parsed")
    if value is None and parsed:
        # a form only feedparser knows (W3-DTF variants, …): it gives UTC
        value = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return value


def _image(raw: Mapping[str, Any], url: str) -> str | None:
    for media in raw.get("media_content") or []:
        is_image = media.get("medium") == "image" or str(media.get("type", "")).startswith("image/")
        if is_image and (found := absolute(media.get("url"), url)):
            return found
    for link in raw.get("links") or []:
        is_image = link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/")
        if is_image and (found := absolute(link.get("href"), url)):
            return found
    for thumb in raw.get("media_thumbnail") or []:
        if found := absolute(thumb.get("url"), url):
            return found
    image = raw.get("image")
    if isinstance(image, Mapping):
        return absolute(image.get("href") or image.get("url"), url)
    return None
