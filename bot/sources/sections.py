"""A site's Arabic categories as sections with command slugs.

:func:`section_for` looks a category up in the map from the settings (``SECTION_MAP``: «العالم=world,…»)
forgivingly — «الرياضة», «رياضه» and «أخبار الرياضة» all find «رياضة=sports».  A category the map does
not know keeps its Arabic name and gets a slug of its own from :func:`slugify`: a stable ASCII
transliteration that is a valid Telegram command (``[a-z][a-z0-9_]{0,31}``), e.g. «الشرق الأوسط» →
``alshrq_alawst``.  The same name always gives the same slug, so readers' subscriptions survive restarts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from bot.models import Section
from bot.sources.text import ascii_digits, clean_text, fold, strip_marks

_TRANSLIT = str.maketrans(
    {
        "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "w", "ئ": "y", "ب": "b", "ت": "t",
        "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh",
        "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
        "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a", "پ": "p", "چ": "ch", "ڤ": "v",
        "گ": "g", "ک": "k", "ی": "y",
    }
)  # fmt: skip
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PREFIXES = ("اخبار ", "قسم ", "ال")
MAX_SLUG = 32


def slugify(name: str) -> str:
    """A Telegram-command-safe slug for a category name (stable, lower-case ASCII, ≤ 32 chars)."""
    text = ascii_digits(strip_marks(name)).casefold().translate(_TRANSLIT)
    slug = _NOT_SLUG.sub("_", text.lower()).strip("_")[:MAX_SLUG].rstrip("_")
    if not slug or not slug[0].isalpha():
        digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
        slug = f"s_{slug}"[: MAX_SLUG - 9].rstrip("_") + "_" + digest if slug else f"s_{digest}"
    return slug


def _lookup(sections: Mapping[str, str]) -> dict[str, str]:
    return {fold(name): slug for name, slug in sections.items()}


def section_for(category: str | None, sections: Mapping[str, str]) -> Section | None:
    """The section of a category as the site writes it (None for an empty one)."""
    name = clean_text(category)
    if not name:
        return None
    table = _lookup(sections)
    key = fold(name)
    candidates = [key]
    for prefix in _PREFIXES:  # «أخبار الرياضة» → «الرياضة» → «رياضة»
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            key = key[len(prefix) :]
            candidates.append(key)
    candidates += ["ال" + c for c in list(candidates) if not c.startswith("ال")]
    for candidate in candidates:
        slug = table.get(candidate)
        if slug is not None:
            return Section(name, slug)
    if name.isascii() and name.lower() in sections.values():  # the site already uses our slug
        return Section(name, name.lower())
    return Section(name, slugify(name))


def first_section(categories: list[str] | tuple[str, ...], sections: Mapping[str, str]) -> Section | None:
    """The first category that maps to a known slug, else the first category at all."""
    found = [s for s in (section_for(c, sections) for c in categories) if s is not None]
    known = set(sections.values())
    for section in found:
        if section.slug in known:
            return section
    return found[0] if found else None
