"""What a page says about itself: ``<meta>`` tags (OpenGraph, Twitter, article:*, itemprop), the
canonical link, ``<base>``, and the JSON-LD NewsArticle.  Pure: takes a parsed lxml document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from bot.sources.text import clean_text

ARTICLE_TYPES = frozenset(
    {
        "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "webpage",
    }
)  # fmt: skip
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class PageMeta:
    tags: dict[str, str] = field(default_factory=dict)  # lower-cased property/name/itemprop → content
    canonical: str | None = None
    base: str | None = None
    ld: dict[str, Any] = field(default_factory=dict)  # the page's article object from JSON-LD
    html_title: str = ""

    def get(self, *names: str) -> str | None:
        for name in names:
            value = self.tags.get(name)
            if value:
                return value
        return None

    def ld_text(self, key: str) -> str | None:
        return first_text(self.ld.get(key))


def first_text(value: Any) -> str | None:
    """A string from a JSON-LD value that may be a string, a list, or an object with a name/url/@id."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            if found := first_text(item):
                return found
        return None
    if isinstance(value, Mapping):
        for key in ("url", "contentUrl", "@id", "name"):
            if found := first_text(value.get(key)):
                return found
    return None


def read_meta(doc: lxml_html.HtmlElement) -> PageMeta:
    tags: dict[str, str] = {}
    for node in doc.iter("meta"):
        key = node.get("property") or node.get("name") or node.get("itemprop")
        content = node.get("content")
        if key and content and key.strip().lower() not in tags:
            tags[key.strip().lower()] = content.strip()
    canonical = base = None
    for node in doc.iter("link"):
        rel = (node.get("rel") or "").lower().split()
        if "canonical" in rel and canonical is None and node.get("href"):
            canonical = node.get("href", "").strip()
        if "image_src" in rel and node.get("href") and "image_src" not in tags:
            tags["image_src"] = node.get("href", "").strip()
    for node in doc.iter("base"):
        base = node.get("href")
        break
    title_node = next(doc.iter("title"), None)
    html_title = clean_text(title_node.text_content()) if title_node is not None else ""
    return PageMeta(tags, canonical, base, _article_ld(doc), html_title)


def _ld_objects(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _ld_objects(item)
    elif isinstance(value, Mapping):
        yield value
        graph = value.get("@graph")
        if graph is not None:
            yield from _ld_objects(graph)


def _types(obj: Mapping[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower().rpartition("/")[2] for k in kinds if k}


def _article_ld(doc: lxml_html.HtmlElement) -> dict[str, Any]:
    """The most article-like JSON-LD object (NewsArticle over Article over WebPage); broken blocks skipped."""
    best: dict[str, Any] = {}
    best_rank = len(ARTICLE_TYPES) + 1
    ranking = ["newsarticle", "reportagenewsarticle", "analysisnewsarticle", "article", "blogposting"]
    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        raw = _CONTROL.sub(" ", script.text.strip())
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # a common CMS slip: a trailing comma
                data = json.loads(_TRAILING_COMMA.sub(r"\1", raw))
            except ValueError:
                continue
        for obj in _ld_objects(data):
            kinds = _types(obj) & ARTICLE_TYPES
            if not kinds:
                continue
            rank = min((ranking.index(k) if k in ranking else len(ranking)) for k in kinds)
            if rank < best_rank:
                best, best_rank = dict(obj), rank
    return best
