"""Cutting text to a budget without breaking words, and the right-to-left safety rules.

RTL rule (what Telegram and X clients do): a paragraph takes its direction from its first strong character,
so a line that starts with a Latin word, a digit, a URL, a hashtag or an emoji would render left-to-right.
:func:`rtl_lines` starts every such line with U+200F RIGHT-TO-LEFT MARK; :func:`isolate_ltr` wraps
Latin and number runs inside Arabic text in U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE
so that «iPhone 17 Pro» or «15/10/2025» keep their own order inside an Arabic sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

RLM = "\u200f"
FSI = "\u2068"
PDI = "\u2069"
ELLIPSIS = "…"
_TRAILING_PUNCT = " \t,،;؛:-–—(«“\"'"
_LTR_TOKEN = re.compile(r"[A-Za-z0-9\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f.,:/%+\-_'’&@]*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def truncate_words(text: str, limit: float, *, measure: Callable[[str], float] = len, ellipsis: str = ELLIPSIS) -> str:
    """``text`` if it fits ``limit`` (as counted by ``measure``), else the longest prefix that ends at a
    word boundary followed by ``ellipsis``.  A word is cut only when the first word alone is longer than
    the whole budget; "" when nothing fits."""
    text = " ".join(text.split())
    if measure(text) <= limit:
        return text
    words = text.split(" ")
    lo, hi = 0, len(words) - 1  # largest k with words[:k] + ellipsis fitting
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(_cut(words, mid, ellipsis)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    if lo:
        return _cut(words, lo, ellipsis)
    # not even one word fits: a "word" longer than the whole budget (a code, a run of symbols) is cut
    first = words[0]
    lo, hi = 0, len(first)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(first[:mid] + ellipsis) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return first[:lo] + ellipsis if lo else ""


def _cut(words: list[str], k: int, ellipsis: str) -> str:
    head = " ".join(words[:k]).rstrip(_TRAILING_PUNCT)
    return f"{head}{ellipsis}" if head else ""


def isolate_ltr(text: str) -> str:
    """Wrap Latin/number runs of an Arabic text in FSI…PDI.  A text without Arabic letters is left alone
    (it has no right-to-left context to protect); Latin words separated by spaces form one run."""
    if not any(unicodedata.bidirectional(c) == "AL" for c in text):
        return text
    spans: list[list[int]] = []
    for match in _LTR_TOKEN.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in ".,:'’-/+&@_":
            end -= 1  # a sentence's full stop or comma stays outside the run
        if end == start:
            continue
        if spans and _joinable(text, spans[-1], start, end):
            spans[-1][1] = end
        else:
            spans.append([start, end])
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(f"{FSI}{text[start:end]}{PDI}")
        last = end
    out.append(text[last:])
    return "".join(out)


def _joinable(text: str, prev: list[int], start: int, end: int) -> bool:
    gap = text[prev[1] : start]
    if gap.strip(" ") or not gap:
        return False
    return bool(_LATIN.search(text[prev[0] : prev[1]]) or _LATIN.search(text[start:end]))


def starts_rtl(line: str) -> bool:
    """The RTL rule for one line: empty, or its first character is U+200F or a right-to-left letter."""
    stripped = line.lstrip(" \t")
    if not stripped:
        return True
    first = stripped[0]
    return first == RLM or unicodedata.bidirectional(first) in ("R", "AL")


def rtl_lines(text: str) -> str:
    """Put U+200F at the start of every line that would not start right-to-left."""
    return "\n".join(line if starts_rtl(line) else RLM + line for line in text.split("\n"))


_DROP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]"
)


def clean_text(text: str, *, keep_newlines: bool = False) -> str:
    """Dynamic text made safe to place in a post: NFC; control characters, BOM, non-characters, lone
    surrogates and every bidi control (ours are added later, theirs could flip the post) removed;
    whitespace collapsed (newlines kept only if asked)."""
    text = _DROP.sub("", unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n"))
    if keep_newlines:
        return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return " ".join(text.split())
