"""Sitemaps: Google News sitemaps, plain sitemaps and sitemap indexes, through a defused lxml parser.

The parser resolves no entities, loads no DTD, touches no network and refuses huge trees, so a hostile
sitemap can neither expand entities nor make the bot fetch anything.  Elements are matched by local name,
so sitemaps with a missing or odd namespace still read.  Pure.
"""

from __future__ import annotations

from datetime import tzinfo

from lxml import etree

from bot.exceptions import ParseError
from bot.sources.entries import EntryKind, FeedEntry, absolute, date_of, skip
from bot.sources.text import clean_text


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True
    )


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if _local(child) == name:
            return child
    return None


def _text(element: etree._Element | None, *path: str) -> str | None:
    for name in path:
        if element is None:
            return None
        element = _child(element, name)
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def parse_sitemap(data: bytes, url: str, tz: tzinfo) -> list[FeedEntry]:
    """Entries of a ``<urlset>`` (articles) or a ``<sitemapindex>`` (child sitemaps, kind SITEMAP)."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(url, f"malformed sitemap XML: {exc}") from None
    index = _local(root) == "sitemapindex"
    entries = []
    for position, node in enumerate((n for n in root if _local(n) in ("url", "sitemap")), start=1):
        link = absolute(_text(node, "loc"), url)
        if link is None:
            skip(url, position, "no usable <loc>")
            continue
        updated = date_of(_text(node, "lastmod"), tz)
        if index:
            entries.append(FeedEntry(link=link, updated=updated, kind=EntryKind.SITEMAP))
            continue
        news = _child(node, "news")
        image = _child(node, "image")
        entries.append(
            FeedEntry(
                link=link,
                title=clean_text(_text(news, "title")) if news is not None else "",
                published=date_of(_text(news, "publication_date"), tz) if news is not None else None,
                updated=updated,
                image=absolute(_text(image, "loc"), url) if image is not None else None,
            )
        )
    return entries
