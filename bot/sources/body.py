"""The body of an article page without the site's chrome, and its dateline and kicker.

:func:`body_paragraphs` finds the element that holds the article's paragraphs (the classic readability
measure: the parent of the most paragraph text), after dropping what is never the article — navigation,
header and footer, asides, forms, scripts, and elements whose class or id says share, related, comments,
newsletter, loader, ads, breadcrumb, tags …  Paragraph groups much smaller than the main one (a comments
policy under the story, say) are left out.  Short paragraphs that are known chrome («مشاركة عبر:»,
«أخبار ذات صلة», «Article Image» …) are dropped wherever they appear.

:func:`split_dateline` recognises the opening «أخبار هنا العالم - …» (the site's name and a dash) or
«دمشق، سوريا (CNN) -- …» (a place and an agency in brackets) and keeps it apart from the text; on the
seed site the rest of that first block is the kicker, a one-line sub-headline.  Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import html as lxml_html

from bot.sources.text import clean_text, fold

CHROME_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "form", "button", "svg", "nav", "header", "footer",
     "aside", "figure", "figcaption", "select", "input", "textarea", "object", "embed", "video", "audio"}
)  # fmt: skip
CHROME_TOKENS = frozenset(
    {"share", "sharing", "sharer", "social", "related", "rel", "comments", "comment", "newsletter", "subscribe",
     "promo", "advert", "advertisement", "ad", "ads", "adv", "adslot", "banner", "breadcrumb", "breadcrumbs",
     "tags", "tag", "author", "byline", "loader", "preloader", "spinner", "popup", "modal", "cookie", "cookies",
     "sidebar", "widget", "trending", "popular", "mostread", "footer", "nav", "navbar", "menu", "print",
     "push", "notification", "caption", "gallery", "logo", "header", "masthead", "toolbar", "pagination",
     "pager", "sr", "visually", "outbrain", "taboola", "recommended", "more", "readmore", "jump",
     "fb", "disqus", "rating", "vote", "poll", "donate", "copyright"}
)  # fmt: skip
CHROME_PHRASES = tuple(
    fold(p)
    for p in (
        "الرجاء الانتظار", "يرجى الانتظار", "جار التحميل", "Main Logo", "Article Image", "مشاركة عبر", "شارك الخبر",
        "شارك المقال", "شارك على", "أخبار ذات صلة", "اخبار ذات صلة", "مواضيع ذات صلة", "المواضيع ذات الصلة",
        "اقرأ أيضا", "اقرأ أيضًا", "اقرأ المزيد", "إقرأ أيضا", "للمزيد", "تابعونا", "تابعنا على", "جميع الحقوق محفوظة",
        "حقوق النشر", "اشترك في", "اشترك الآن", "حمل التطبيق", "حمّل التطبيق", "افتح التطبيق", "تحميل تطبيق",
        "إشعارات الأخبار", "الأكثر قراءة", "الأكثر تصفحا", "Share", "Read more", "Advertisement", "إعلان",
    )
)  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_DASH = r"\s*(?:--|[-–—:])+\s*"
_AGENCY_DATELINE = re.compile(rf"^((?:[^\s.،,:؛()\-–—]{{2,25}}[\s،,]*){{1,4}}\(\s*[^()]{{1,30}}\s*\)){_DASH}(?=\S)")
_SENTENCE_END = re.compile(r"[.!؟?…][\"'»”)\]]*\s*$")
MIN_GROUP_SHARE = 0.2
PARA_TAGS = ("p", "blockquote", "li", "h2", "h3", "h4")


def _tokens(el: lxml_html.HtmlElement) -> set[str]:
    raw = f"{el.get('class') or ''} {el.get('id') or ''} {el.tag if isinstance(el.tag, str) else ''}".lower()
    return set(_TOKEN_SPLIT.split(raw)) - {""}


def is_chrome(el: lxml_html.HtmlElement) -> bool:
    if not isinstance(el.tag, str):
        return True  # comments, processing instructions
    if el.tag in CHROME_TAGS or el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if el.tag in ("html", "body", "main", "article"):
        return False
    return bool(_tokens(el) & CHROME_TOKENS)


def strip_chrome(doc: lxml_html.HtmlElement) -> None:
    """Remove chrome elements from ``doc`` in place (their tails, text between elements, are kept)."""
    doomed = [el for el in doc.iter() if is_chrome(el)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def is_chrome_text(text: str) -> bool:
    folded = fold(text)
    return len(folded) < 80 and any(folded.startswith(p) for p in CHROME_PHRASES)


def _text(el: lxml_html.HtmlElement) -> str:
    return clean_text(el.text_content())


def body_paragraphs(doc: lxml_html.HtmlElement) -> list[str]:
    """The article's paragraphs from a document already stripped of chrome (may be empty)."""
    scores: dict[lxml_html.HtmlElement, float] = {}
    for p in doc.iter("p"):
        length = len(_text(p))
        if length < 25:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + length
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0) + length / 2
    if not scores:
        return _br_paragraphs(doc)
    container = max(scores, key=lambda el: scores[el])
    groups: dict[lxml_html.HtmlElement, list[str]] = {}
    for el in container.iter(*PARA_TAGS):
        if _nested(el, container):
            continue  # a <p> inside an <li> or <blockquote>: counted with its ancestor
        text = _text(el)
        if text:
            groups.setdefault(el.getparent(), []).append(text)
    biggest = max((sum(map(len, g)) for g in groups.values()), default=0)
    keep = [
        text
        for parent, texts in groups.items()
        if parent is container or sum(map(len, texts)) >= MIN_GROUP_SHARE * biggest
        for text in texts
    ]
    order = {t: i for i, t in enumerate(_text(el) for el in container.iter(*PARA_TAGS))}
    keep.sort(key=lambda t: order.get(t, 0))
    return [t for t in _dedupe(keep) if not is_chrome_text(t)]


def _nested(el: lxml_html.HtmlElement, container: lxml_html.HtmlElement) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is container:
            return False
        if ancestor.tag in PARA_TAGS:
            return True
    return False


def _br_paragraphs(doc: lxml_html.HtmlElement) -> list[str]:
    """Bodies written as text separated by <br> in one <div> (no <p> at all)."""
    best: list[str] = []
    for div in doc.iter("div", "td", "section", "article"):
        pieces = [div.text or ""] + [child.tail or "" for child in div]
        texts = [t for t in (clean_text(p) for p in pieces) if len(t) > 1]
        if sum(map(len, texts)) > sum(map(len, best)):
            best = texts
    return [t for t in best if not is_chrome_text(t)] if sum(map(len, best)) >= 80 else []


def _dedupe(texts: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for text in texts:
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def _name_pattern(name: str) -> str:
    variants = {"ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]", "ي": "[يى]", "ى": "[يى]",
                "ة": "[ةه]", "ه": "[ةه]"}  # fmt: skip
    parts = []
    for ch in name.strip():
        parts.append(r"\s+" if ch.isspace() else variants.get(ch, re.escape(ch)))
    return "[\u064b-\u065f\u0640]*".join(parts)


def split_dateline(first: str, site_names: Iterable[str]) -> tuple[str | None, str]:
    """(dateline, rest) for an opening paragraph; (None, first) when it has no dateline."""
    for name in site_names:
        if not name or not name.strip():
            continue
        match = re.match(rf"^({_name_pattern(name)}){_DASH}(?=\S)", first, re.I)
        if match:
            return match.group(1), first[match.end() :].strip()
    match = _AGENCY_DATELINE.match(first)
    if match:
        return match.group(1).strip(), first[match.end() :].strip()
    return None, first


def looks_like_kicker(text: str) -> bool:
    """A one-line sub-headline: short, and not a finished sentence."""
    return 0 < len(text) <= 200 and not _SENTENCE_END.search(text)


def split_opening(
    paragraphs: list[str], site_names: Iterable[str], kicker: str | None = None
) -> tuple[str | None, str | None, list[str]]:
    """(dateline, kicker, paragraphs) from a body's opening: «أخبار هنا العالم - <kicker>» then the text.

    The rest of a dateline paragraph is the kicker when it reads like one (short, no full stop) and
    more text follows; otherwise it stays the first paragraph.  A given ``kicker`` is kept, and a first
    paragraph that only repeats it is dropped.
    """
    dateline = None
    if paragraphs:
        dateline, rest = split_dateline(paragraphs[0], site_names)
        if dateline is not None:
            if looks_like_kicker(rest) and len(paragraphs) > 1:
                kicker = kicker or rest
                paragraphs = paragraphs[1:]
            else:
                paragraphs = [rest, *paragraphs[1:]] if rest else paragraphs[1:]
    if kicker and paragraphs and fold(paragraphs[0]) == fold(kicker):
        paragraphs = paragraphs[1:]
    return dateline, kicker, paragraphs
