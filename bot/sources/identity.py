"""Identity keys, fingerprints and the merge of a feed entry with its article page.  Pure.

Keys: an entry is known by its normalised link (:func:`~bot.sources.urls.normalize_url`) and by
``guid:<guid>`` — so a changed URL with the same GUID, or a changed GUID with the same URL, is still the
same article.  After the page is read its canonical URL is the article's identity and the other keys
become aliases.

Fingerprint: what the *feed* says about an item, so a change is seen without fetching the page:
``1.t<title>.u<updated>.i<image>.d<description>.b<body>``, each part an 8-hex-digit digest and present
only when the feed has that field (≤ 64 characters).  Two fingerprints are compared on the parts both
have, so the same article in an RSS feed (title, description, image) and a news sitemap (title, date)
does not look changed every time the other feed is read.  A ``~N`` suffix records that the article page
could not be read N times; the watcher retries it (up to :data:`MAX_PAGE_TRIES`) until it is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC

from bot.models import Article
from bot.sources.body import split_opening
from bot.sources.entries import FeedEntry
from bot.sources.sections import first_section
from bot.sources.urls import normalize_url

MAX_PAGE_TRIES = 3
VERSION = "1"


def guid_key(guid: str) -> str:
    guid = guid.strip()
    return normalize_url(guid) if guid.startswith(("http://", "https://")) else f"guid:{guid}"


def entry_keys(entry: FeedEntry) -> tuple[str, ...]:
    """The identity keys of a feed entry: its normalised link, then its GUID's key."""
    keys = [normalize_url(entry.link)]
    if entry.guid and (key := guid_key(entry.guid)) not in keys:
        keys.append(key)
    return tuple(keys)


def _digest(value: str) -> str:
    return hashlib.blake2b(value.encode(), digest_size=4).hexdigest()


def fingerprint(entry: FeedEntry) -> str:
    when = entry.updated or entry.published
    parts = {
        "t": entry.title,
        "u": when.astimezone(UTC).isoformat() if when else "",
        "i": entry.image or "",
        "d": entry.summary,
        "b": "\n".join(entry.paragraphs),
    }
    return ".".join([VERSION, *(k + _digest(v) for k, v in parts.items() if v)])


def with_tries(print_: str, tries: int) -> str:
    return f"{print_}~{tries}" if tries else print_


def split_tries(stored: str) -> tuple[str, int]:
    base, _, tries = stored.partition("~")
    return base, int(tries) if tries.isdigit() else 0


def _parts(print_: str) -> dict[str, str]:
    return {p[0]: p[1:] for p in print_.split(".")[1:] if p}


def same_content(stored: str, fresh: str) -> bool:
    """Whether two fingerprints agree on every field both of them have."""
    old, new = _parts(split_tries(stored)[0]), _parts(fresh)
    return all(old[k] == new[k] for k in old.keys() & new.keys())


def from_entry(entry: FeedEntry, sections: Mapping[str, str], site_names: list[str], source: str) -> Article:
    """The article as far as the feed describes it (no page read)."""
    dateline, kicker, paragraphs = split_opening(list(entry.paragraphs), site_names)
    return Article(
        url=normalize_url(entry.link),
        title=entry.title,
        link=entry.link,
        guid=entry.guid,
        kicker=kicker,
        description=entry.summary or None,
        paragraphs=tuple(paragraphs),
        image=entry.image,
        published=entry.published or entry.updated,
        section=first_section(entry.categories, sections),
        dateline=dateline,
        source=source,
    )


def merge(feed: Article, page: Article) -> Article:
    """The feed's structured fields win; the page fills what the feed lacks and gives the canonical URL."""
    return replace(
        feed.filled_from(page), url=page.url, link=page.link or feed.link, guid=feed.guid, source=feed.source
    )


def needs_page(entry: FeedEntry) -> bool:
    """Whether the feed leaves something only the page can give (body, image, section, title)."""
    return not (entry.paragraphs and entry.image and entry.categories and entry.title)
