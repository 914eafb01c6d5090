"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1).  Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from bot.exceptions import ParseError
from bot.sources.entries import FeedEntry, absolute, date_of, first_image, paragraphs_of, skip
from bot.sources.text import clean_text


def parse_json_feed(body: bytes, url: str, tz: tzinfo) -> list[FeedEntry]:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ParseError(url, f"malformed JSON: {exc}") from None
    if not isinstance(doc, Mapping) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise ParseError(url, "JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError(url, "JSON Feed without an items list")
    entries = []
    for index, item in enumerate(items, start=1):
        entry = _entry(item, url, tz) if isinstance(item, Mapping) else None
        if entry is None:
            skip(url, index, "not an object with a usable url")
        else:
            entries.append(entry)
    return entries


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _entry(item: Mapping[str, Any], url: str, tz: tzinfo) -> FeedEntry | None:
    guid = item.get("id")
    guid_text = str(guid) if isinstance(guid, str | int) and str(guid) else None
    link = absolute(_text(item.get("url")), url) or absolute(_text(item.get("external_url")), url)
    if link is None and guid_text and guid_text.startswith(("http://", "https://")):
        link = absolute(guid_text, url)
    if link is None:
        return None
    content_html = _text(item.get("content_html"))
    paragraphs = paragraphs_of(content_html) or paragraphs_of(_text(item.get("content_text")))
    tags = item.get("tags")
    return FeedEntry(
        link=link,
        title=clean_text(_text(item.get("title"))),
        guid=guid_text,
        summary=clean_text(_text(item.get("summary"))),
        paragraphs=paragraphs,
        image=absolute(_text(item.get("image")), url)
        or absolute(_text(item.get("banner_image")), url)
        or first_image(content_html, url),
        published=date_of(item.get("date_published"), tz),
        updated=date_of(item.get("date_modified"), tz),
        categories=tuple(c for c in (clean_text(t) for t in tags if isinstance(t, str)) if c)
        if isinstance(tags, list)
        else (),
    )
