"""A validator for Telegram's HTML parse mode that behaves like tdlib's parser (``parse_html`` in
td/telegram/MessageEntity.cpp), standalone so a fake Bot API can reuse it.

:func:`parse_telegram_html` returns the text Telegram would show (tags removed, entities decoded) or raises
``ValueError`` with tdlib's message, e.g. ``Can't find end tag corresponding to start tag "b"`` or
``Unsupported start tag "br" at byte offset 7`` (offsets are UTF-8 byte offsets, as tdlib reports them).
Like tdlib it decodes ``&lt; &gt; &amp; &quot;`` and numeric references (the ``;`` is optional) and keeps
an ``&`` or ``>`` that starts nothing; ``<`` always opens a tag.  Lengths are counted in code points after
parsing, as Telegram does: 1024 for a caption, 4096 for a text message.
"""

from __future__ import annotations

import re

CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096
SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji",
        "tg-time", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile("[&<]")
_ENTITY = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|([A-Za-z]+));?")


def parse_telegram_html(html: str) -> str:
    """The plain text of a Telegram HTML message; ``ValueError`` (tdlib's wording) when it is invalid."""
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(html)
    while i < n:
        special = _SPECIAL.search(html, i)
        if special is None:
            out.append(html[i:])
            break
        out.append(html[i : special.start()])
        i = special.start()
        if html[i] == "&":
            decoded, end = _entity(html, i)
            out.append(decoded if decoded is not None else "&")
            i = end if decoded is not None else i + 1
            continue
        begin = i
        i += 1
        i = _end_tag(html, i + 1, begin, stack) if i < n and html[i] == "/" else _start_tag(html, i, begin, stack)
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def telegram_length(html: str) -> int:
    """Length as Telegram counts it: code points of the parsed text."""
    return len(parse_telegram_html(html))


def check_telegram_html(html: str, *, caption: bool) -> str:
    """Parse and check the length limit; returns the plain text."""
    text = parse_telegram_html(html)
    limit = CAPTION_LIMIT if caption else TEXT_LIMIT
    if len(text) > limit:
        raise ValueError("message caption is too long" if caption else "message is too long")
    return text


def _offset(html: str, index: int) -> int:
    return len(html[:index].encode("utf-8"))


def _entity(text: str, i: int) -> tuple[str | None, int]:
    match = _ENTITY.match(text, i)
    if not match:
        return None, i
    hex_digits, dec_digits, name = match.groups()
    if name is not None:
        value = _NAMED.get(name)
        return (value, match.end()) if value is not None else (None, i)
    code = int(hex_digits, 16) if hex_digits is not None else int(dec_digits)
    if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None, i
    return chr(code), match.end()


def _start_tag(html: str, i: int, begin: int, stack: list[str]) -> int:
    n = len(html)
    name_start = i
    while i < n and not html[i].isspace() and html[i] != ">":
        i += 1
    if i >= n:
        raise ValueError(f"Unclosed start tag at byte offset {_offset(html, begin)}")
    tag = html[name_start:i].lower()
    if tag not in SUPPORTED_TAGS:
        raise ValueError(f'Unsupported start tag "{tag}" at byte offset {_offset(html, begin)}')
    span_class = ""
    while i < n and html[i] != ">":
        while i < n and html[i].isspace():
            i += 1
        if i < n and html[i] == ">":
            break
        attr_start = i
        while i < n and not html[i].isspace() and html[i] not in "=>":
            i += 1
        attr = html[attr_start:i].lower()
        if not attr:
            raise ValueError(f'Empty attribute name in the tag "{tag}" at byte offset {_offset(html, begin)}')
        while i < n and html[i].isspace():
            i += 1
        if i >= n:
            raise ValueError(f"Unclosed start tag at byte offset {_offset(html, begin)}")
        if html[i] != "=":
            continue  # an attribute without a value (blockquote expandable)
        i += 1
        while i < n and html[i].isspace():
            i += 1
        if i >= n:
            raise ValueError(f"Unclosed start tag at byte offset {_offset(html, begin)}")
        value, i = _attribute_value(html, i)
        if i >= n:
            raise ValueError(f"Unclosed start tag at byte offset {_offset(html, begin)}")
        if tag == "span" and attr == "class":
            span_class = value
    if tag == "span" and span_class != "tg-spoiler":
        raise ValueError(f'Tag "span" must have class "tg-spoiler" at byte offset {_offset(html, begin)}')
    stack.append(tag)
    return i + 1


def _attribute_value(html: str, i: int) -> tuple[str, int]:
    n = len(html)
    quote = html[i]
    if quote not in "'\"":
        start = i
        while i < n and ((html[i].isascii() and html[i].isalnum()) or html[i] in ".-"):
            i += 1
        if i < n and not html[i].isspace() and html[i] != ">":
            raise ValueError(f"Unexpected end of name token at byte offset {_offset(html, start)}")
        return html[start:i].lower(), i
    close = html.find(quote, i + 1)
    if close < 0:
        return _decode(html[i + 1 :]), n
    return _decode(html[i + 1 : close]), close + 1  # after the closing quote


def _decode(raw: str) -> str:
    """Entities decoded as tdlib does; an ``&`` that starts no valid entity stays."""
    if "&" not in raw:
        return raw

    def one(match: re.Match[str]) -> str:
        decoded, _end = _entity(match.string, match.start())
        return decoded if decoded is not None else match.group(0)

    return _ENTITY.sub(one, raw)


def _end_tag(html: str, i: int, begin: int, stack: list[str]) -> int:
    n = len(html)
    if not stack:
        raise ValueError(f"Unexpected end tag at byte offset {_offset(html, begin)}")
    name_start = i
    while i < n and not html[i].isspace() and html[i] != ">":
        i += 1
    name = html[name_start:i].lower()
    while i < n and html[i].isspace():
        i += 1
    if i >= n or html[i] != ">":
        raise ValueError(f"Unclosed end tag at byte offset {_offset(html, begin)}")
    expected = stack.pop()
    if name and name != expected:
        raise ValueError(
            f'Unmatched end tag at byte offset {_offset(html, begin)}, expected "</{expected}>", found "</{name}>"'
        )
    return i + 1
