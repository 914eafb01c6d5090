"""Extractive Arabic summary that fits a character budget.

Each sentence is scored by three signals, measured on EASC in bench/bench_rouge.py:

* centrality — how many of the document's frequent topic stems the sentence carries (TF, sublinear,
  normalised by the square root of the sentence's number of distinct stems);
* title overlap — the share of the headline's stems it contains;
* position — news is written as an inverted pyramid, so earlier sentences get a prior that decays with
  their rank, and the lede is strongly preferred.

Sentences are taken best first while they fit (a near-duplicate of one already taken is skipped), then put
back in document order.  The result never ends mid-sentence; when not even one sentence fits, the best one
is cut at a word boundary with «…».  Sentences shorter than five words or without a closing full stop
(labels, subtitles, «مشاركة عبر:») are not picked while real sentences exist.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.compose.arabic import content_stems, content_stems_each, normalize, strip_dateline, strip_site_name
from bot.compose.fit import truncate_words
from bot.compose.sentences import split_sentences

MIN_WORDS = 5
_ENDINGS = (".", "؟", "?", "!", "…", "؛")
REDUNDANT = 0.7  # a candidate sharing this share of its stems with a chosen sentence is skipped


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each signal counts (each is scaled to 0..1 first)."""

    central: float = 1.0
    title: float = 0.3
    position: float = 2.0


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class _Sentence:
    index: int
    text: str
    stems: frozenset[str]
    score: float


def summarize(
    text: str | Sequence[str],
    max_chars: int,
    *,
    title: str | None = None,
    site_name: str | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> str:
    """A summary of ``text`` (a string or its paragraphs) of at most ``max_chars`` code points."""
    if max_chars <= 1:
        return ""
    sentences = _scored(_paragraphs(text, site_name), title, site_name, weights)
    candidates = [s for s in sentences if _is_candidate(s.text)] or sentences
    if not candidates:
        return ""
    chosen: list[_Sentence] = []
    used = -1  # no separator before the first sentence
    for sentence in sorted(candidates, key=lambda s: (-s.score, s.index)):
        if used + 1 + len(sentence.text) > max_chars:
            continue
        if any(_overlap(sentence.stems, c.stems) >= REDUNDANT for c in chosen):
            continue
        chosen.append(sentence)
        used += 1 + len(sentence.text)
    if not chosen:
        best = max(candidates, key=lambda s: (s.score, -s.index))
        return truncate_words(best.text, max_chars)
    return " ".join(s.text for s in sorted(chosen, key=lambda s: s.index))


def lead(text: str | Sequence[str], max_chars: int, *, site_name: str | None = None) -> str:
    """The Lead baseline under the same rules: first sentences in order while they fit."""
    sentences = [s for p in _paragraphs(text, site_name) for s in split_sentences(p)]
    out: list[str] = []
    used = -1
    for sentence in sentences:
        if used + 1 + len(sentence) > max_chars:
            break
        out.append(sentence)
        used += 1 + len(sentence)
    if not out and sentences:
        return truncate_words(sentences[0], max_chars)
    return " ".join(out)


def _paragraphs(text: str | Sequence[str], site_name: str | None) -> list[str]:
    paragraphs = text.split("\n") if isinstance(text, str) else list(text)
    paragraphs = [p.replace("\ufeff", "").strip() for p in paragraphs]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs:
        paragraphs[0] = strip_dateline(paragraphs[0], site_name)
    if site_name:
        paragraphs = [p for p in paragraphs if p != site_name.strip()]  # a signature line
    return paragraphs


def _scored(paragraphs: list[str], title: str | None, site_name: str | None, weights: Weights) -> list[_Sentence]:
    texts = [s for p in paragraphs for s in split_sentences(p)]
    normalised = normalize("\n".join(texts)).split("\n")  # one pass; sentences hold no line breaks
    if len(normalised) != len(texts):  # NFKC turned something into a line break: go one by one
        normalised = [normalize(t) for t in texts]
    stems = content_stems_each(normalised)
    tf = Counter(stem for sentence in stems for stem in sentence)
    title_stems = frozenset(content_stems(strip_site_name(title, site_name))) if title else frozenset()
    raw: list[float] = []
    for sentence in stems:
        distinct = frozenset(sentence)
        weight = sum(math.log1p(tf[s] - 1) for s in distinct)
        raw.append(weight / math.sqrt(len(distinct)) if distinct else 0.0)
    top = max(raw, default=0.0) or 1.0
    out = []
    for i, (text, sentence) in enumerate(zip(texts, stems, strict=True)):
        distinct = frozenset(sentence)
        title_share = len(distinct & title_stems) / len(title_stems) if title_stems else 0.0
        position = 1.0 / math.sqrt(1 + i)
        score = weights.central * raw[i] / top + weights.title * title_share + weights.position * position
        out.append(_Sentence(i, text, distinct, score))
    return out


def _is_candidate(text: str) -> bool:
    """A real sentence: five words or more, ending like a sentence (a subtitle or label has no full stop)."""
    return len(text.split()) >= MIN_WORDS and text.rstrip("»”\"')] ").endswith(_ENDINGS)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a) if a else 1.0
