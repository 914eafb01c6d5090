"""Search: Arabic-normalised terms, an in-memory word index, and relevance-then-recency ranking.

Matching works on :func:`bot.compose.arabic.normalize`d text (أ إ آ → ا, ى → ي, ة → ه, diacritics and
tatweel dropped), word by word, with Arabic proclitics folded: «غزة» finds «وغزة», «بغزة», «لغزة»;
«الأمم» finds «للأمم» and «والأمم».  Every term must match.  Score per term: 3 when it is in the
headline, 1 when only in the text; +2 when the whole query appears in the headline; ties go to the newer.

The index (:class:`SearchIndex`) holds the newest ``max_docs`` articles' words (postings as compact
arrays); it is filled in small chunks so the event loop keeps answering while it builds.  The store's
own ``LIKE`` search scans the whole text of every article — tens of milliseconds at 10,000 articles —
which is too slow for readers; :func:`score` ranks its results the same way while the index builds.
"""

from __future__ import annotations

import asyncio
import heapq
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.compose.arabic import is_stop, normalize, tokens
from bot.queries import Headline, SearchDoc

MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+")
_ARTICLE = re.compile(r"^[وف]?(?:ال|بال|كال|لل)(?=..)")
_CONJ = re.compile(r"^[وف](?=...)")
_ARABIC = re.compile("[\u0621-\u064a]")
_LEADS = ("", "و", "ف")
_PREPS = ("", "ب", "ك", "ل")


def core(term: str) -> str:
    """The term without a leading conjunction and article: «والامم» → «امم», «وغزه» → «غزه»."""
    stripped = _ARTICLE.sub("", term, count=1)
    return stripped if stripped != term else _CONJ.sub("", term, count=1)


def forms(term: str) -> frozenset[str]:
    """Every written form of a normalised term with the proclitics Arabic attaches to it."""
    if not _ARABIC.match(term):
        return frozenset((term,))
    out = {term}
    # «وزير» may be و + زير or the word وزير itself: build the forms of both readings
    for base in {core(term), _ARTICLE.sub("", term, count=1)}:
        for lead in _LEADS:
            for prep in _PREPS:
                out.add(lead + prep + base)
                out.add(lead + ("لل" if prep == "ل" else prep + "ال") + base)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[frozenset[str], ...]  # the forms of each term
    phrase: str  # the normalised query, for the headline bonus

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(text: str) -> Query:
    """Terms of a reader's query: normalised words, stop words dropped (unless nothing else is left),
    at most :data:`MAX_TERMS`."""
    words = [w for w in dict.fromkeys(tokens(text)) if len(w) >= 2 or w.isdigit()]
    content = [w for w in words if not is_stop(w)] or words
    return Query(tuple(forms(w) for w in content[:MAX_TERMS]), " ".join(tokens(text)))


def score(query: Query, title: str, text: str) -> int:
    """Relevance of one article (0: it does not match every term).  ``title``/``text`` as stored."""
    title_words = set(_WORD.findall(normalize(title)))
    text_words = set(_WORD.findall(text)) | title_words
    total = 0
    for term in query.terms:
        if not term.isdisjoint(title_words):
            total += 3
        elif not term.isdisjoint(text_words):
            total += 1
        else:
            return 0
    if query.phrase and query.phrase in " ".join(_WORD.findall(normalize(title))):
        total += 2
    return total


class SearchIndex:
    """Word → positions of the articles holding it.  Add documents with :meth:`add`; an article added
    again (its text changed) replaces its earlier entry."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._seen = array("d")
        self._headlines: list[Headline] = []
        self._titles: list[frozenset[str]] = []
        self._phrases: list[str] = []
        self._alive = bytearray()
        self._where: dict[int, int] = {}
        self._postings: dict[str, array[int]] = {}
        self.max_id = 0

    def __len__(self) -> int:
        return len(self._where)

    @property
    def slots(self) -> int:
        """Positions used, including those of re-added or removed articles (what memory grows with)."""
        return len(self._ids)

    def add(self, doc: SearchDoc) -> None:
        old = self._where.get(doc.id)
        if old is not None:
            self._alive[old] = 0
        pos = len(self._ids)
        self._ids.append(doc.id)
        self._seen.append(doc.seen_at.timestamp())
        self._headlines.append(doc.headline)
        title = _WORD.findall(normalize(doc.headline.title))
        self._titles.append(frozenset(title))
        self._phrases.append(" ".join(title))
        self._alive.append(1)
        self._where[doc.id] = pos
        postings = self._postings
        for word in set(_WORD.findall(doc.text)).union(title):
            found = postings.get(word)
            if found is None:
                postings[word] = found = array("I")
            found.append(pos)
        self.max_id = max(self.max_id, doc.id)

    def remove(self, article_id: int) -> None:
        """Forget an article (withdrawn)."""
        pos = self._where.pop(article_id, None)
        if pos is not None:
            self._alive[pos] = 0

    def headline(self, article_id: int) -> Headline | None:
        """What the index holds of ``article_id`` for listing it (None: not indexed, or withdrawn)."""
        pos = self._where.get(article_id)
        return None if pos is None else self._headlines[pos]

    async def add_many(self, docs: Iterable[SearchDoc], *, chunk: int = 40) -> None:
        """:meth:`add` with a pause every ``chunk`` documents so other tasks run meanwhile."""
        for n, doc in enumerate(docs, 1):
            self.add(doc)
            if n % chunk == 0:
                await asyncio.sleep(0)

    def _positions(self, term: frozenset[str]) -> set[int]:
        out: set[int] = set()
        for form in term:
            found = self._postings.get(form)
            if found is not None:
                out.update(found)
        return out

    def search(self, query: Query, count: int) -> list[int]:
        """Article ids of the ``count`` best matches, best first."""
        if query.empty or count <= 0:
            return []
        sets = sorted((self._positions(t) for t in query.terms), key=len)
        hits = sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]
        ranked: list[tuple[int, float, int]] = []
        for pos in hits:
            if not self._alive[pos]:
                continue
            title = self._titles[pos]
            points = sum(3 if not term.isdisjoint(title) else 1 for term in query.terms)
            if query.phrase and query.phrase in self._phrases[pos]:
                points += 2
            ranked.append((points, self._seen[pos], self._ids[pos]))
        return [item[2] for item in heapq.nlargest(count, ranked)]


def rank(query: Query, items: Sequence[tuple[int, float, str, str]], count: int) -> list[int]:
    """Ids of the ``count`` best of ``(id, seen_ts, title, text)`` rows (the store fallback)."""
    scored = [(score(query, title, text), seen, ident) for ident, seen, title, text in items]
    return [ident for points, _, ident in heapq.nlargest(count, scored) if points > 0]
