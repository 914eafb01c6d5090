"""Telegram's HTML parse mode, as tdlib's ``parse_html`` does it (written for the fake; independent of
``bot.compose``, so it can catch the composer's mistakes).

- Tags: b strong i em u ins s strike del tg-spoiler span(class="tg-spoiler") a(href) tg-emoji(emoji-id)
  code pre blockquote(expandable) tg-time; anything else → ``Unsupported start tag "x" at byte offset N``.
- Tags must nest properly: ``Unmatched end tag at byte offset N, expected "</b>", found "</i>"``;
  ``Unexpected end tag``, ``Unclosed start tag``, ``Unclosed end tag``, ``Can't find end tag
  corresponding to start tag "b"``.  Offsets are UTF-8 byte offsets into the markup, like tdlib's.
- Entities: ``&lt; &gt; &amp; &quot;`` and numeric ``&#NN; &#xHH;``; any other ``&`` stays literal (tdlib
  is lenient there).
- The result is trimmed of leading/trailing whitespace, as Telegram does; entity offsets and lengths are
  in UTF-16 code units.
"""

from __future__ import annotations

import re
from typing import Any

_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-time": "date_time",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_TOKEN = re.compile(r"[A-Za-z0-9.-]*")


class HtmlError(ValueError):
    """The markup was refused; ``str(err)`` is tdlib's message (without the "can't parse entities: ")."""


def _u16(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _entity(s: str, i: int) -> tuple[str | None, int]:
    """Decode the character reference at ``s[i] == '&'``; ``(None, i)`` when there is none."""
    n, j, value = len(s), i + 1, 0
    if j < n and s[j] == "#":
        j += 1
        hexa = j < n and s[j] == "x"
        j += hexa
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        start = j
        while j < n and s[j] in digits:
            j += 1
        if j == start:
            return None, i
        value = int(s[start:j], 16 if hexa else 10)
        if value == 0 or value >= 0x10FFFF or j - i >= 10 or 0xD800 <= value <= 0xDFFF:
            return None, i
        char = chr(value)
    else:
        while j < n and s[j].isascii() and s[j].isalpha():
            j += 1
        if s[i + 1 : j] not in _NAMED:
            return None, i
        char = _NAMED[s[i + 1 : j]]
    return char, j + 1 if j < n and s[j] == ";" else j


def _link(url: str, inner: str) -> dict[str, Any] | None:
    url = url or inner
    if url.startswith("tg://user?id=") and url[13:].isdigit():
        return {"type": "text_mention", "user": {"id": int(url[13:]), "is_bot": False, "first_name": inner}}
    scheme = _SCHEME.match(url)
    if scheme is None:
        return {"type": "text_link", "url": f"http://{url}"} if "." in url and " " not in url else None
    if scheme.group(1).lower() in ("http", "https", "tg", "ton", "tonsite"):
        return {"type": "text_link", "url": url}
    return None  # tdlib drops a link it can't use; the text stays


class _Parser:
    def __init__(self, markup: str) -> None:
        self.s, self.i, self.u16 = markup, 0, 0
        self.out: list[str] = []
        self.stack: list[tuple[str, dict[str, str], int]] = []  # tag, attrs, utf16 start
        self.entities: list[dict[str, Any]] = []

    def fail(self, message: str, at: int) -> HtmlError:
        return HtmlError(message.replace("{at}", str(len(self.s[:at].encode("utf-8")))))

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c == "&":
                char, j = _entity(s, self.i)
                if char is not None:
                    self.out.append(char)
                    self.u16 += _u16(char)
                    self.i = j
                    continue
            if c != "<":
                self.out.append(c)
                self.u16 += 2 if ord(c) > 0xFFFF else 1
                self.i += 1
            elif self.i + 1 < n and s[self.i + 1] == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        return "".join(self.out), self.entities

    def _name(self) -> str:
        s, start = self.s, self.i
        while self.i < len(s) and not s[self.i].isspace() and s[self.i] != ">":
            self.i += 1
        return s[start : self.i].lower()

    def _spaces(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def end_tag(self) -> None:
        begin = self.i
        if not self.stack:
            raise self.fail("Unexpected end tag at byte offset {at}", begin)
        self.i += 2
        name = self._name()
        self._spaces()
        if self.i >= len(self.s) or self.s[self.i] != ">":
            raise self.fail("Unclosed end tag at byte offset {at}", begin)
        self.i += 1
        tag, attrs, start = self.stack.pop()
        if name and name != tag:
            raise self.fail(f'Unmatched end tag at byte offset {{at}}, expected "</{tag}>", found "</{name}>"', begin)
        if self.u16 > start:
            self._emit(tag, attrs, start)

    def _emit(self, tag: str, attrs: dict[str, str], start: int) -> None:
        length = self.u16 - start
        entity: dict[str, Any] | None = {"type": _KINDS[tag]}
        if tag == "a":
            entity = _link(attrs.get("href", ""), _tail_u16("".join(self.out), length))
        elif tag == "blockquote" and "expandable" in attrs:
            entity = {"type": "expandable_blockquote"}
        elif tag == "tg-emoji":
            entity = {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
        elif tag == "tg-time":
            entity = {"type": "date_time", "unix_time": int(attrs.get("unix", "0") or 0)}
        elif tag == "code" and attrs.get("class", "").startswith("language-") and self.stack:
            parent = self.stack[-1]
            if parent[0] == "pre" and parent[2] == start:
                parent[1]["language"] = attrs["class"][len("language-") :]
                return
        elif tag == "pre" and attrs.get("language"):
            entity = {"type": "pre", "language": attrs["language"]}
        if entity is not None:
            entity.update(offset=start, length=length)
            self.entities.append(entity)

    def start_tag(self) -> None:
        begin, s, n = self.i, self.s, len(self.s)
        self.i += 1
        tag = self._name()
        if self.i >= n:
            raise self.fail("Unclosed start tag at byte offset {at}", begin)
        if tag not in _KINDS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {{at}}', begin)
        attrs: dict[str, str] = {}
        while True:
            self._spaces()
            if self.i >= n:
                raise self.fail("Unclosed start tag at byte offset {at}", begin)
            if s[self.i] == ">":
                self.i += 1
                break
            a = self.i
            while self.i < n and not s[self.i].isspace() and s[self.i] not in "=>":
                self.i += 1
            attr = s[a : self.i].lower()
            if not attr:
                raise self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {{at}}', begin)
            self._spaces()
            if self.i < n and s[self.i] != "=":
                attrs[attr] = ""
                continue
            self.i += 1
            self._spaces()
            if self.i >= n:
                raise self.fail("Unclosed start tag at byte offset {at}", begin)
            attrs[attr] = self._value()
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail('Tag "span" must have class "tg-spoiler" at byte offset {at}', begin)
        self.stack.append((tag, attrs, self.u16))

    def _value(self) -> str:
        s, n = self.s, len(self.s)
        if s[self.i] not in "'\"":
            token = _TOKEN.match(s, self.i)
            start = self.i
            self.i = token.end() if token else self.i
            if self.i < n and not s[self.i].isspace() and s[self.i] != ">":
                raise self.fail("Unexpected end of name token at byte offset {at}", start)
            return s[start : self.i].lower()
        quote, value = s[self.i], []
        self.i += 1
        while self.i < n and s[self.i] != quote:
            if s[self.i] == "&":
                char, j = _entity(s, self.i)
                if char is not None:
                    value.append(char)
                    self.i = j
                    continue
            value.append(s[self.i])
            self.i += 1
        self.i += 1
        return "".join(value)


def _tail_u16(text: str, units: int) -> str:
    """The last ``units`` UTF-16 code units of ``text``."""
    taken, i = 0, len(text)
    while i > 0 and taken < units:
        i -= 1
        taken += 2 if ord(text[i]) > 0xFFFF else 1
    return text[i:]


def parse_html(markup: str) -> tuple[str, list[dict[str, Any]]]:
    """Markup → (text, entities) as Telegram stores them.  Raises :class:`HtmlError`."""
    text, entities = _Parser(markup).run()
    return trim(text, entities)


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace as Telegram does, moving and clipping the entities."""
    stripped = text.strip()
    if stripped == text:
        return text, sorted(entities, key=lambda e: (e["offset"], -e["length"]))
    head = _u16(text[: len(text) - len(text.lstrip())])
    size = _u16(stripped)
    kept = []
    for e in entities:
        start = max(0, e["offset"] - head)
        end = min(size, e["offset"] + e["length"] - head)
        if end > start:
            kept.append({**e, "offset": start, "length": end - start})
    return stripped, sorted(kept, key=lambda e: (e["offset"], -e["length"]))
