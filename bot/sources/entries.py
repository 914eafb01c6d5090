"""One item of a feed or sitemap as the feed gives it, and helpers the format parsers share.  Pure."""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit

from bot.sources.dates import parse_date
from bot.sources.text import clean_text

log = logging.getLogger("bot.sources.feeds")

_BLOCK = re.compile(r"<(?:/p|br|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>|\n\s*\n", re.I)
_IMG = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.I)


class EntryKind(enum.StrEnum):
    ARTICLE = "article"
    SITEMAP = "sitemap"  # a child of a sitemap index


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item as the feed gives it.  Text fields are plain text; ``link`` is absolute (http/https)."""

    link: str
    title: str = ""
    guid: str | None = None
    summary: str = ""
    paragraphs: tuple[str, ...] = ()  # the full body, when the feed carries it
    image: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    kind: EntryKind = EntryKind.ARTICLE


def absolute(link: str | None, base: str) -> str | None:
    """``link`` resolved against ``base`` when it is a usable http(s) URL, else None."""
    if not link:
        return None
    link = link.strip()
    resolved = urljoin(base, link)
    parts = urlsplit(resolved)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return resolved


def paragraphs_of(markup: str | None) -> tuple[str, ...]:
    """Paragraphs of an HTML (or plain-text) body: split at block ends, each cleaned, empties dropped."""
    if not markup:
        return ()
    pieces = _BLOCK.split(markup) if "<" in markup else re.split(r"\n+", markup)
    return tuple(p for p in (clean_text(piece) for piece in pieces) if p)


def first_image(markup: str | None, base: str) -> str | None:
    if not markup or "<img" not in markup.lower():
        return None
    match = _IMG.search(markup)
    return absolute(match.group(1), base) if match else None


def date_of(raw: Any, tz: tzinfo) -> datetime | None:
    return parse_date(raw, tz) if isinstance(raw, str) else None


def skip(url: str, index: int, why: str) -> None:
    log.warning("feed %s: item %d skipped: %s", url, index, why)
