"""What the bot's replies look like: pure functions from data to Telegram HTML and inline keyboards.

Every dynamic value is cleaned and ``html.escape``'d; lines start right-to-left for Arabic readers; a
listing stays far below Telegram's 4096 characters (at most 10 articles, headlines cut at
:data:`HEADLINE`); every button URL is an http(s) URL and every callback is built by
:mod:`handlers.callbacks`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.compose.context import MONTHS
from bot.compose.fit import RLM, clean_text, isolate_ltr, starts_rtl, truncate_words
from bot.compose.links import encode_url
from bot.i18n import Html, Lang, t
from bot.models import Button, Section
from bot.reader import Page
from handlers import callbacks

HEADLINE = 200
BUTTON_TEXT = 40
_TAG = re.compile(r"<[^>]*>")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Keyboard = list[list[InlineKeyboardButton]]


def web_url(url: str) -> str | None:
    """``url`` percent-encoded, if it is an http(s) URL with a host (what Telegram accepts)."""
    encoded = encode_url(url)
    parts = urlsplit(encoded)
    return encoded if parts.scheme in ("http", "https") and parts.hostname else None


def text(value: str, limit: int | None = None) -> str:
    """Reader-facing text from stored or user input: cleaned, shortened, LTR runs isolated, escaped."""
    value = clean_text(value)
    if limit is not None:
        value = truncate_words(value, limit)
    return html.escape(isolate_ltr(value), quote=False)


def when(moment: datetime, tz: tzinfo, now: datetime, lang: Lang) -> str:
    """«اليوم 15:59», «14 أكتوبر 09:10», «3 مارس 2024 11:00» in the site's time zone."""
    local = moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=UTC).astimezone(tz)
    today = now.astimezone(tz).date()
    clock = f"{local:%H:%M}"
    if local.date() == today:
        return f"{'اليوم' if lang == 'ar' else 'Today'} {clock}"
    month = MONTHS[local.month - 1] if lang == "ar" else _EN_MONTHS[local.month - 1]
    year = f" {local.year}" if local.year != today.year else ""
    return f"{local.day} {month}{year} {clock}"


def rtl(lines: Sequence[str], lang: Lang) -> str:
    """Join lines; for Arabic readers a line that would start left-to-right (a digit, a Latin word, an
    emoji, a command) gets a U+200F first so Telegram lays the paragraph out right-to-left."""
    if lang != "ar":
        return "\n".join(lines)
    return "\n".join(line if starts_rtl(html.unescape(_TAG.sub("", line))) else RLM + line for line in lines)


def listing(
    title: str,
    page: Page,
    *,
    tz: tzinfo,
    now: datetime,
    lang: Lang,
    more: str | None,
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of articles: numbered headlines (linked), their time and section; one link button each;
    «المزيد» when ``more`` (callback data) is given and there is a next page."""
    lines = [title, ""]
    keyboard: Keyboard = []
    for number, item in enumerate(page.items, page.offset + 1):
        headline = text(item.title, HEADLINE)
        url = web_url(item.href)
        link = f'<a href="{html.escape(url, quote=True)}">{headline}</a>' if url else headline
        meta = [when(item.when, tz, now, lang)]
        if item.section:
            meta.append(text(item.section.name, 40))
        lines += [f"{number}. <b>{link}</b>", f"🕒 {' · '.join(meta)}", ""]
        if url:
            label = truncate_words(clean_text(item.title), BUTTON_TEXT)
            keyboard.append([InlineKeyboardButton(f"{number}. {label}", url=url)])
    if more and page.next_offset is not None:
        keyboard.append([InlineKeyboardButton(t("more", lang) + " ⬇️", callback_data=more)])
    return rtl(lines[:-1], lang), InlineKeyboardMarkup(keyboard)


def section_keyboard(sections: Sequence[Section], data: str) -> InlineKeyboardMarkup:
    """Sections as buttons, two a row; ``data`` is ``"subscribe"``, ``"unsubscribe"`` or ``"latest"``."""
    make = {"subscribe": callbacks.subscribe, "unsubscribe": callbacks.unsubscribe}.get(data)
    buttons = [
        InlineKeyboardButton(
            truncate_words(clean_text(s.name), 30) or s.slug,
            callback_data=make(s.slug) if make else callbacks.latest(0, s.slug),
        )
        for s in sections[:60]
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


SECTION_LINES_BUDGET = 2500  # leaves room for the rest of /help within Telegram's 4096


def section_lines(sections: Sequence[Section]) -> Html:
    """«/world — العالم» lines (the command is the slug: lowercase latin), cut to fit in one message."""
    lines: list[str] = []
    used = 0
    for s in sections[:60]:
        line = f"/{s.slug} — {text(s.name, 40)}"
        if used + len(line) + 1 > SECTION_LINES_BUDGET:
            lines.append("…")
            break
        lines.append(line)
        used += len(line) + 1
    return Html("\n".join(lines))


def message(key: str, lang: Lang, **params: object) -> str:
    """A one-paragraph reply (:func:`bot.i18n.t`), right-to-left safe."""
    return rtl(t(key, lang, **params).split("\n"), lang)


def post_keyboard(buttons: Sequence[Sequence[Button]], *extra: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(b.text, url=b.url) for b in row] for row in buttons]
    return InlineKeyboardMarkup([*rows, *(list(r) for r in extra)])
