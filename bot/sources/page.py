"""One article page → :class:`~bot.models.Article`: what the bot understands from a page.

Each field is taken from the most reliable place that has it — JSON-LD (NewsArticle), then OpenGraph /
meta tags, then the HTML itself:

* canonical URL: ``<link rel=canonical>``, ``og:url``, JSON-LD ``url`` — only on the page's own site;
* title: JSON-LD ``headline``, ``og:title``, the ``<h1>``, ``<title>``; a truncated meta title yields to
  the full ``<h1>``; « - site name» suffixes are cut;
* image: ``og:image``, JSON-LD ``image``, ``twitter:image``, the article's own ``<img>`` (never a logo);
* published: JSON-LD ``datePublished``, ``article:published_time`` …, ``<time datetime>``, then the date
  line under the title («الأربعاء   15:59   15/10/2025», local to ``tz``);
* section: JSON-LD ``articleSection``, ``article:section``, the page's category label or breadcrumb;
* body: the paragraphs of the article without the chrome (:mod:`bot.sources.body`); trafilatura when the
  page's structure defeats that; JSON-LD ``articleBody`` as the last resort.  The opening dateline
  («أخبار هنا العالم - ») goes to ``dateline`` and the kicker after it to ``kicker``.

Pure: bytes or text in, an Article out; ParseError when the page holds no article title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from bot.exceptions import ParseError
from bot.models import Article, Section
from bot.sources.body import body_paragraphs, is_chrome_text, split_opening, strip_chrome
from bot.sources.dates import parse_date
from bot.sources.meta import PageMeta, first_text, read_meta
from bot.sources.sections import section_for
from bot.sources.text import clean_text, decode_body, fold
from bot.sources.urls import normalize_url

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:•»]\s+")
_DATE_TOKENS = frozenset({"date", "time", "datetime", "published", "publish", "pubdate", "timestamp", "posted"})
_KICKER_TOKENS = frozenset({"kicker", "subtitle", "subheadline", "strapline", "standfirst", "deck", "subhead"})
_LEAD_TOKENS = frozenset({"summary", "lead", "intro", "excerpt", "standfirst", "lede"})
_CATEGORY_TOKENS = frozenset({"category", "cat", "section", "kicker-category", "rubric"})
_HOME = frozenset(fold(w) for w in ("الرئيسية", "الصفحة الرئيسية", "Home", "الرئيسيه"))
_TOKEN = re.compile(r"[^a-z0-9]+")
MIN_BODY_CHARS = 150


def _parse(html: bytes | str, content_type: str | None, url: str) -> tuple[lxml_html.HtmlElement, str]:
    if isinstance(html, bytes):
        charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
        html = decode_body(html, charset.group(1) if charset else None)
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        raise ParseError(url, "empty page")
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        doc = lxml_html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(url, f"unreadable HTML: {exc}") from None
    return doc, html


def _tokens(el: lxml_html.HtmlElement) -> set[str]:
    return set(_TOKEN.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower())) - {""}


def _http(link: str | None, base: str) -> str | None:
    if not link or link.startswith("data:"):
        return None
    resolved = urljoin(base, link.strip())
    return resolved if urlsplit(resolved).scheme in ("http", "https") else None


def _same_org(a: str, b: str) -> bool:
    """Same organisation's site: www.x.com / amp.x.com / x.com (last two labels, three for com.sa …)."""
    ha, hb = (urlsplit(u).hostname or "" for u in (a, b))
    if not urlsplit(b).scheme.startswith("http"):
        return True  # a local file: trust the page's own canonical
    la, lb = ha.split("."), hb.split(".")
    n = 3 if len(la) > 2 and la[-2] in ("com", "co", "org", "net", "gov", "edu", "ac") and len(la[-1]) == 2 else 2
    return la[-n:] == lb[-n:]


def _strip_site(title: str, names: list[str]) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    folded = {fold(n) for n in names if n}
    if fold(parts[-1]) in folded or ("." in parts[-1] and " " not in parts[-1].strip()):
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
    if fold(parts[0]) in folded:
        return " - ".join(parts[1:])
    return title


def _h1(doc: lxml_html.HtmlElement, hint: str) -> lxml_html.HtmlElement | None:
    """The article's <h1>: the one matching the meta title, else the first outside the site's header."""
    found = [h for h in doc.iter("h1") if clean_text(h.text_content())]
    if hint:
        key = fold(_strip_site(clean_text(hint), []))[:40]
        for h1 in found:
            text = fold(clean_text(h1.text_content()))
            if key and (text.startswith(key) or key.startswith(text[:40])):
                return h1
    for h1 in found:
        chrome = any(a.tag in ("header", "nav") or _tokens(a) & {"logo", "brand", "header"} for a in h1.iterancestors())
        if not chrome and not _tokens(h1) & {"logo", "brand"}:
            return h1
    return None


def _title(meta: PageMeta, h1: lxml_html.HtmlElement | None, names: list[str]) -> str:
    h1_text = clean_text(h1.text_content()) if h1 is not None else ""
    for candidate in (meta.ld_text("headline"), meta.get("og:title", "twitter:title"), h1_text, meta.html_title):
        title = _strip_site(clean_text(candidate), names)
        if title:
            stem = title.rstrip(".… ")
            if h1_text and len(h1_text) > len(title) and h1_text.startswith(stem):
                return h1_text  # the meta title was truncated
            return title
    return ""


def _image(doc: lxml_html.HtmlElement, meta: PageMeta, base: str) -> str | None:
    for raw in (meta.get("og:image", "og:image:url", "og:image:secure_url"), first_text(meta.ld.get("image")),
                meta.get("twitter:image", "twitter:image:src", "image_src")):  # fmt: skip
        if found := _http(raw, base):
            return found
    for scope in ("//article//img", "//main//img", "//figure//img", "//img[@alt='Article Image']"):
        for img in doc.xpath(scope):
            src = img.get("src") or img.get("data-src") or ""
            low = f"{src} {img.get('alt') or ''} {img.get('class') or ''}".lower()
            if "logo" in low or img.get("width") in ("1", "0") or src.lower().endswith(".svg"):
                continue
            if found := _http(src, base):
                return found
    return None


def _published(
    doc: lxml_html.HtmlElement, meta: PageMeta, h1: lxml_html.HtmlElement | None, tz: tzinfo
) -> datetime | None:
    candidates = [
        meta.ld_text("datePublished"),
        meta.get("article:published_time", "og:published_time", "datepublished", "publishdate", "pubdate",
                 "parsely-pub-date", "sailthru.date", "dc.date", "dc.date.issued", "date"),
        meta.ld_text("dateCreated"),
    ]  # fmt: skip
    for node in doc.xpath("//time[@datetime] | //*[@itemprop='datePublished']"):
        candidates.append(node.get("datetime") or node.get("content") or node.text_content())
    for value in candidates:
        if found := parse_date(value, tz):
            return found
    if h1 is not None:  # the date line just under the title
        for el in [*h1.itersiblings()][:6]:
            if found := _short_date(el, tz):
                return found
    for el in doc.iter():  # an element that says it is the date (after the title's: a header's "today" loses)
        if isinstance(el.tag, str) and _tokens(el) & _DATE_TOKENS and (found := _short_date(el, tz)):
            return found
    return None


def _short_date(el: lxml_html.HtmlElement, tz: tzinfo) -> datetime | None:
    text = clean_text(el.text_content())
    return parse_date(text, tz) if 0 < len(text) <= 120 else None


def _section(doc: lxml_html.HtmlElement, meta: PageMeta, sections: Mapping[str, str]) -> Section | None:
    for raw in (first_text(meta.ld.get("articleSection")), meta.get("article:section", "section", "category")):
        if found := section_for(raw, sections):
            return found
    for el in doc.iter():
        label = isinstance(el.tag, str) and _tokens(el) & _CATEGORY_TOKENS and len(clean_text(el.text_content())) <= 40
        if label and (found := section_for(el.text_content(), sections)):
            return found
    for crumb in doc.xpath("//*[contains(@class, 'breadcrumb') or contains(@id, 'breadcrumb')]"):
        names = [clean_text(a.text_content()) for a in crumb.iter("a")]
        names = [n for n in names if n and fold(n) not in _HOME]
        if names:
            return section_for(names[-1], sections)
    return None


def _kicker_element(doc: lxml_html.HtmlElement) -> str | None:
    for el in doc.iter():
        if isinstance(el.tag, str) and _tokens(el) & _KICKER_TOKENS:
            text = clean_text(el.text_content())
            if 0 < len(text) <= 250:
                return text
    return None


def _lead(doc: lxml_html.HtmlElement) -> str | None:
    """A lead paragraph the site sets apart above the body (<p class="article-summary">)."""
    for el in doc.iter("p", "div"):
        if _tokens(el) & _LEAD_TOKENS and not el.xpath(".//p"):
            text = clean_text(el.text_content())
            if 40 <= len(text) <= 600:
                return text
    return None


def _trafilatura(html: str, url: str) -> list[str]:
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True)
    return [t for t in (clean_text(line) for line in (text or "").split("\n")) if t and not is_chrome_text(t)]


def extract_article(
    html: bytes | str,
    url: str,
    *,
    tz: tzinfo,
    sections: Mapping[str, str],
    site_name: str,
    content_type: str | None = None,
) -> Article:
    """The article on one page (see the module doc).  ``url`` is where the page was fetched from."""
    doc, text = _parse(html, content_type, url)
    meta = read_meta(doc)
    for node in list(doc.iter("script", "style", "noscript", "template")):  # JSON-LD is read already
        node.drop_tree()
    base = _http(meta.base, url) or url
    names = [site_name, meta.get("og:site_name") or "", urlsplit(url).hostname or ""]
    h1 = _h1(doc, meta.ld_text("headline") or meta.get("og:title", "twitter:title") or meta.html_title)
    title = _title(meta, h1, names)
    if not title:
        raise ParseError(url, "no article title found (is this an article page?)")
    canonical = url
    ld_urls = (first_text(meta.ld.get("mainEntityOfPage")), first_text(meta.ld.get("url")))
    for raw in (meta.canonical, meta.get("og:url"), *ld_urls):
        if (found := _http(raw, base)) and _same_org(found, url):
            canonical = found
            break
    image = _image(doc, meta, base)
    published = _published(doc, meta, h1, tz)
    section = _section(doc, meta, sections)
    kicker = _kicker_element(doc)
    description = (
        clean_text(meta.get("og:description", "description", "twitter:description") or meta.ld_text("description"))
        or None
    )
    strip_chrome(doc)
    paragraphs = body_paragraphs(doc)
    lead = _lead(doc)
    if lead and paragraphs and lead not in paragraphs:
        paragraphs.insert(0, lead)
    if sum(map(len, paragraphs)) < MIN_BODY_CHARS:
        paragraphs = max(paragraphs, _trafilatura(text, url), key=lambda ps: sum(map(len, ps)))
    ld_body = [clean_text(p) for p in (meta.ld_text("articleBody") or "").split("\n") if clean_text(p)]
    if sum(map(len, paragraphs)) < MIN_BODY_CHARS and sum(map(len, ld_body)) > sum(map(len, paragraphs)):
        paragraphs = ld_body
    paragraphs = [p for p in paragraphs if fold(p) != fold(title)]
    dateline, kicker, paragraphs = split_opening(paragraphs, names[:2], kicker)
    return Article(
        url=normalize_url(canonical),
        title=title,
        link=canonical,
        kicker=kicker,
        description=description,
        paragraphs=tuple(paragraphs),
        image=image,
        published=published,
        section=section,
        dateline=dateline,
    )
