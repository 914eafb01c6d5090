"""Hashtags from an article's section and key terms: #العالم #الناتو #الدعم_العسكري.

Key terms come from the headline (a news headline names the story) and are ranked by how often their stem
occurs in the body.  Two adjacent headline words become one tag (joined with «_») when they also occur
together in the body at least twice — a collocation such as «الشرق الأوسط» or «الدعم العسكري».  Function
words and generic news verbs are never tags; a word written with a one-letter proclitic (لأوكرانيا,
وبروكسل) is shown in its bare form when the article uses that form too (أوكرانيا).

A tag is letters, digits and underscores only (no punctuation, no diacritics or tatweel), not all digits,
at most :data:`MAX_TAG_CHARS` characters, and never repeats another tag (compared normalised).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from bot.compose.arabic import is_stop, normalize, stem, tokens, words

MAX_TAGS = 3
MAX_TAG_CHARS = 40
_PROCLITICS = "وفبلك"
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_NOT_TAG = re.compile(r"[^\w]+")
_VALID = re.compile(r"^#(?!_*\d[\d_]*$)\w+$")


def hashtags(
    section: str | None,
    title: str,
    body: str | Sequence[str] = "",
    *,
    limit: int = MAX_TAGS,
) -> list[str]:
    """Up to ``limit`` hashtags: the section's first, then the headline's key terms."""
    text = body if isinstance(body, str) else "\n".join(body)
    tags: list[str] = []
    seen: set[str] = set()

    def add(phrase: str) -> None:
        tag = make_tag(phrase)
        if tag is None or len(tags) >= limit:
            return
        key = " ".join(stem(normalize(w)) for w in phrase.split())
        if key in seen or normalize(tag) in seen:
            return
        seen.update({key, normalize(tag), *key.split()})
        tags.append(tag)

    if section:
        add(section)
    for phrase in key_terms(title, text):
        add(phrase)
    return tags


def make_tag(phrase: str) -> str | None:
    """``#phrase_with_underscores`` or None when nothing valid is left."""
    cleaned = _NOT_TAG.sub("_", _MARKS.sub("", phrase)).strip("_")
    cleaned = re.sub("_+", "_", cleaned)[:MAX_TAG_CHARS].strip("_")
    tag = f"#{cleaned}"
    return tag if is_valid_tag(tag) else None


def is_valid_tag(tag: str) -> bool:
    """A hashtag both Telegram and X link: ``#`` then letters, digits and ``_``, not only digits."""
    return bool(_VALID.match(tag)) and "#" not in tag[1:]


def key_terms(title: str, body: str) -> list[str]:
    """Headline terms as the headline writes them (bare of proclitics), best first."""
    body_tokens = tokens(body)
    title_words = words(title)
    normal = {w: normalize(w) for w in title_words}
    vocabulary = {*body_tokens, *normal.values()}
    title_keys = [_key(normal[w], vocabulary) for w in title_words]
    # a token's key is a substring of it, so only tokens containing a headline key can count for one
    wanted = sorted({k for k in title_keys if k}, key=len, reverse=True)
    contains = re.compile("|".join(map(re.escape, wanted))).search if wanted else None
    key_of = {t: _key(t, vocabulary) for t in vocabulary if contains and contains(t)}
    keys = [key_of.get(t, "") for t in body_tokens]
    tf = Counter(keys)
    pairs = Counter(pairwise(keys))

    forms = [_bare(w, vocabulary) for w in title_words]
    usable = [not _skip(k, normal[w]) and (tf[k] > 0 or not keys) for k, w in zip(title_keys, title_words, strict=True)]
    scored: list[tuple[float, int, str, tuple[str, ...]]] = []
    for i, key in enumerate(title_keys):
        if usable[i] and not _is_adjective(normalize(forms[i])):
            scored.append((tf[key] + 2.0, i, forms[i], (key,)))
        if i + 1 < len(title_keys) and usable[i] and usable[i + 1]:
            pair = (key, title_keys[i + 1])
            together = pairs[pair]
            if together >= 2 and together * 2 >= min(tf[pair[0]], tf[pair[1]]):
                scored.append((together + 3.0, i, f"{forms[i]} {forms[i + 1]}", pair))
    scored.sort(key=lambda item: (-item[0], item[1]))
    out: list[str] = []
    used: set[str] = set()
    for _score, _pos, phrase, parts in scored:
        if used.intersection(parts):
            continue
        used.update(parts)
        out.append(phrase)
    return out


def _skip(key: str, token: str) -> bool:
    return is_stop(token) or is_stop(key) or len(key) < 3


def _is_adjective(token: str) -> bool:
    """A nisba adjective (العسكري, الدفاعيه, الاوروبيه): a poor tag on its own."""
    return token.startswith("ال") and token.endswith(("ي", "يه", "يين", "يون")) and len(token) > 5


def _bare(word: str, vocabulary: set[str]) -> str:
    """``word`` without diacritics and without a one-letter proclitic when the article uses it bare."""
    plain = _MARKS.sub("", word)
    norm = normalize(plain)
    if norm.startswith("لل") and "ال" + norm[2:] in vocabulary:
        return "ال" + plain[2:]
    if len(norm) > 4 and norm[0] in _PROCLITICS and norm[1:] in vocabulary:
        return plain[1:]
    return plain


def _key(token: str, vocabulary: set[str]) -> str:
    """The stem of a normalised token, with a one-letter proclitic removed when the bare word is used."""
    if token.startswith("لل") and "ال" + token[2:] in vocabulary:
        token = "ال" + token[2:]
    elif len(token) > 4 and token[0] in _PROCLITICS and token[1:] in vocabulary:
        token = token[1:]
    return stem(token)
