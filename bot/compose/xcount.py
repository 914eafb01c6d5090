"""X's weighted length (twitter-text v3), computed like twitter-text-parser's ``parse_tweet``.

URLs count 23, each emoji sequence 2, code points in the light ranges (U+0000–U+10FF, which holds Arabic,
and three General Punctuation slices) 1, everything else 2; the text is NFC-normalised first.  The URL
and emoji extractors are the package's own.  Two differences, both deliberate:

* line breaks: the Python port folds ``\\r\\n`` into one character, npm twitter-text and X count two;
  a ``\\r\\n`` is counted as two here (we never post ``\\r`` anyway: clean_text removes it);
* speed: the port runs its emoji regex (about 1 ms per call) on every text; here it runs only when the
  text holds a character that can be or start an emoji.  The conformance cases and a property test
  check that both give the same numbers.
"""

from __future__ import annotations

import re
import unicodedata

from twitter_text import extract_emojis_with_indices, extract_urls_with_indices
from twitter_text.config import config

_V3 = config["defaults"]
_SCALE: int = _V3["scale"]
_URL_WEIGHT: int = _V3["transformed_url_length"] * _SCALE
_DEFAULT: int = _V3["default_weight"]
_RANGES: tuple[tuple[int, int, int], ...] = tuple((r["start"], r["end"], r["weight"]) for r in _V3["ranges"])
MAX_WEIGHT: int = _V3["max_weighted_tweet_length"]
# every character outside this class may be (or begin) an emoji: © ® and everything not listed
_EMOJI_POSSIBLE = re.compile(
    "[^\x00-\x7f\xa0-\xa8\xaa-\xad\xaf-\xff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\u2000-\u2027\u2066-\u2069\ufb50-\ufdff\ufe70-\ufefe]"
)


def x_weight(text: str) -> int:
    """The weighted length X gives ``text`` (≤ 280 is a valid post)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n\n").replace("\r", "\n")
    spans = {e["indices"][0]: e["indices"][1] for e in extract_urls_with_indices(text)}
    url_starts = set(spans)
    if _EMOJI_POSSIBLE.search(text) is not None:
        for emoji in extract_emojis_with_indices(text):
            spans.setdefault(emoji["indices"][0], emoji["indices"][1])
    total = 0
    i, n = 0, len(text)
    while i < n:
        end = spans.get(i)
        if end is not None:
            total += _URL_WEIGHT if i in url_starts else _DEFAULT
            i = end
            continue
        total += _weight(ord(text[i]))
        i += 1
    return total // _SCALE


def _weight(code: int) -> int:
    for start, end, weight in _RANGES:
        if start <= code <= end:
            return weight
    return _DEFAULT
