"""Text from the web made plain: decoding bytes, stripping markup, cleaning Arabic.

* :func:`decode_body` turns a response body into ``str``: a BOM wins, then strict UTF-8, then the
  declared charset (HTTP header, ``<meta charset>``, XML declaration), then windows-1256 — the legacy
  encoding of most Arabic sites, and a superset of the printable ISO-8859-6 letters.
* :func:`clean_text` makes one line of display text: markup stripped (a hostile ``<script>`` in a title
  becomes nothing, other tags plain text), entities decoded, tatweel, zero-width and bidi controls
  dropped, presentation forms folded, whitespace collapsed.
* :func:`ascii_digits` maps Arabic-Indic and Persian digits to ASCII — for parsing, not for display.
* :func:`fold` is a matching key (alef forms, ى/ي, ة/ه, diacritics) for names such as sections.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata

_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)
# soft hyphen, zero-width and bidi controls, BOM, word joiner, Arabic letter mark
_JUNK = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# tatweel that stretches a word (الأخــبار); one before a quote, digit or Latin (بـ"الجيش", بـ2025) is a joiner
_TATWEEL = re.compile("\u0640+")
_LETTER = re.compile("[\u0620-\u064a\u064b-\u065f\u0671-\u06d3]")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
_DROP_BLOCKS = re.compile(r"<(script|style|noscript|template|iframe)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[|\]\]>|</?[A-Za-z][^>]*(?:>|$)", re.S)
_BLOCK_TAG = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.I)
_SPACE = re.compile(r"\s+")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_WESTERN = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"})
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def ascii_digits(text: str) -> str:
    """``٢٠٢٥`` and ``۲۰۲۵`` → ``2025``."""
    return text.translate(_DIGITS)


def strip_marks(text: str) -> str:
    """Diacritics (harakat), tatweel and invisible controls removed; letters untouched."""
    return _MARKS.sub("", _JUNK.sub("", text.replace("\u0640", "")))


def fold(text: str) -> str:
    """A matching key: the same word in its usual spelling variants gives the same key."""
    text = _MARKS.sub("", _JUNK.sub("", text.replace("\u0640", ""))).translate(_FOLD)
    return _SPACE.sub(" ", text).strip().casefold()


def _tatweel(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    after_letter = start > 0 and _LETTER.match(text[start - 1]) is not None
    before_letter = end < len(text) and _LETTER.match(text[end]) is not None
    return "\u0640" if after_letter and not before_letter else ""


def strip_tags(text: str) -> str:
    """Markup removed; script/style bodies dropped; block ends become spaces."""
    if "<" not in text:
        return text
    text = _DROP_BLOCKS.sub(" ", text)
    text = _BLOCK_TAG.sub(" ", text)
    return _TAG.sub("", text)


def clean_text(text: str | None) -> str:
    """One line of plain display text from whatever a feed or page gave us (``""`` for None)."""
    if not text:
        return ""
    text = strip_tags(text)
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:  # an escaped tag (&lt;b&gt;) is markup too: it must not reach a post
            text = strip_tags(text)
            if "&" in text:
                text = html.unescape(text)
    text = _JUNK.sub("", text)
    if "\u0640" in text:
        text = _TATWEEL.sub(_tatweel, text)
    if _PRESENTATION.search(text):
        text = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return _SPACE.sub(" ", text).strip()


def clean_paragraphs(texts: list[str]) -> list[str]:
    """Each text cleaned; empty ones dropped."""
    return [t for t in (clean_text(x) for x in texts) if t]


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def sniff_charset(body: bytes) -> str | None:
    """The charset a document declares about itself (XML declaration or HTML ``<meta>``), if any."""
    head = body[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode_body(body: bytes, declared: str | None = None) -> str:
    """Decode a response body: BOM, strict UTF-8, the declared charset, then windows-1256.

    ``declared`` is the HTTP header's charset; the document's own declaration is sniffed when it is
    absent.  A western declaration (latin-1, windows-1252) on bytes that read as Arabic in windows-1256
    is a common misconfiguration of Arabic sites, so windows-1256 wins there.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = _codec(declared) or _codec(sniff_charset(body))
    if codec in ("utf-8", "utf-16", "utf-32"):
        codec = None  # declared UTF-8 but it is not: fall through to the Arabic legacy encoding
    if codec is not None and codec not in _WESTERN:
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            pass
    arabic = body.decode("cp1256", "replace")
    if codec in _WESTERN and not _mostly_arabic(arabic):
        return body.decode(codec, "replace")
    return arabic


def _mostly_arabic(text: str) -> bool:
    high = [c for c in text if ord(c) > 127]
    if not high:
        return False
    arabic = sum(1 for c in high if "\u0600" <= c <= "\u06ff")
    return arabic * 2 > len(high)
