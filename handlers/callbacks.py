"""Callback data for inline buttons: versioned, at most 64 bytes, validated before use.

Format ``<version>:<kind>:<args…>``.  :func:`decode` returns None for anything this version does not
produce exactly — a button from an older keyboard, a forged payload — and the handler answers it with a
short note instead of acting on it.  Bump :data:`VERSION` when the meaning of a kind changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "a1"
MAX_BYTES = 64
MAX_OFFSET = 200
_SLUG = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,16}")

LATEST = "l"  # l:<offset>[:<slug>]  next page of /latest or of a section
SEARCH = "q"  # q:<offset>:<query>   next page of a search
SUBSCRIBE = "s"  # s:<slug>
UNSUBSCRIBE = "u"  # u:<slug>
PUBLISH = "pp"  # pp:<token>          publish a preview (editors)
CANCEL = "pc"  # pc:<token>          drop a preview (editors)


@dataclass(frozen=True, slots=True)
class Callback:
    kind: str
    offset: int = 0
    slug: str | None = None
    text: str = ""  # the search query, or a preview token


def _pack(*parts: str) -> str | None:
    data = ":".join((VERSION, *parts))
    return data if len(data.encode()) <= MAX_BYTES else None


def latest(offset: int, slug: str | None = None) -> str:
    data = _pack(LATEST, str(offset), *([slug] if slug else []))
    assert data is not None  # a slug is at most 32 bytes
    return data


def search(offset: int, query: str) -> str | None:
    """None when the query does not fit in a button (then no «more» button is offered)."""
    return _pack(SEARCH, str(offset), " ".join(query.split()))


def subscribe(slug: str) -> str:
    return f"{VERSION}:{SUBSCRIBE}:{slug}"


def unsubscribe(slug: str) -> str:
    return f"{VERSION}:{UNSUBSCRIBE}:{slug}"


def publish(token: str) -> str:
    return f"{VERSION}:{PUBLISH}:{token}"


def cancel(token: str) -> str:
    return f"{VERSION}:{CANCEL}:{token}"


def _offset(text: str) -> int | None:
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        return None
    value = int(text)
    return value if value <= MAX_OFFSET else None


def decode(data: str | None) -> Callback | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    kind, _, args = rest.partition(":")
    if version != VERSION:
        return None
    if kind == LATEST:
        offset_text, _, slug = args.partition(":")
        offset = _offset(offset_text)
        if offset is None or (slug and not _SLUG.fullmatch(slug)):
            return None
        return Callback(kind, offset, slug or None)
    if kind == SEARCH:
        offset_text, _, query = args.partition(":")
        offset = _offset(offset_text)
        if offset is None or not query.strip():
            return None
        return Callback(kind, offset, text=query)
    if kind in (SUBSCRIBE, UNSUBSCRIBE):
        return Callback(kind, slug=args) if _SLUG.fullmatch(args) else None
    if kind in (PUBLISH, CANCEL):
        return Callback(kind, text=args) if _TOKEN.fullmatch(args) else None
    return None


def pattern(kind: str) -> re.Pattern[str]:
    """A regex for PTB's CallbackQueryHandler that selects one kind (validation is :func:`decode`'s)."""
    return re.compile(rf"^{VERSION}:{re.escape(kind)}:")
