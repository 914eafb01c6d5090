"""Search terms, Arabic folding, proclitics and ranking, on the index and on the store fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.compose.arabic import normalize
from bot.queries import Headline, SearchDoc
from bot.search import SearchIndex, core, forms, parse_query, rank, score

T0 = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)


def doc(ident: int, title: str, text: str = "", minutes: int = 0) -> SearchDoc:
    seen = T0 + timedelta(minutes=minutes)
    return SearchDoc(
        Headline(ident, 1, title, f"https://news.example/{ident}", seen), seen, normalize(f"{title} {text}")
    )


def test_query_is_normalised_and_stop_words_dropped() -> None:
    q = parse_query("  مُؤتَمَرُ  في  غـــزّة  ")
    assert [min(t, key=len) for t in q.terms] == ["مؤتمر", "غزه"]
    assert q.phrase == "مؤتمر في غزه"
    assert parse_query("في").terms  # only stop words: keep them rather than find nothing
    assert parse_query("!!! ؟؟").empty
    assert len(parse_query(" ".join(f"كلمة{i}" for i in range(20))).terms) == 8


def test_folding_of_hamza_alef_maqsura_ta_marbuta() -> None:
    idx = SearchIndex()
    idx.add(doc(1, "الأمم المتحدة تدعو إلى هدنة في غزة"))
    idx.add(doc(2, "مستشفى في القاهرة"))
    for query in ("الامم المتحده", "غزه", "غزة", "هدنه", "مستشفي", "إلى الأمم"):
        assert idx.search(parse_query(query), 5), query


def test_proclitics() -> None:
    assert core("والامم") == "امم"
    assert core("وغزه") == "غزه"
    assert core("وزير") == "زير" and "وزير" in forms("وزير")
    assert {"بغزه", "لغزه", "وغزه", "الغزه", "وبالغزه"} <= forms("غزه")
    assert {"للامم", "والامم", "بالامم", "امم"} <= forms("الامم")
    assert forms("2025") == frozenset({"2025"})
    idx = SearchIndex()
    idx.add(doc(1, "قصف على غزة"))
    idx.add(doc(2, "مساعدات لغزة وبيروت"))
    idx.add(doc(3, "كلمة للأمم المتحدة"))
    assert sorted(idx.search(parse_query("غزة"), 5)) == [1, 2]
    assert idx.search(parse_query("الأمم"), 5) == [3]


def test_every_term_must_match() -> None:
    idx = SearchIndex()
    idx.add(doc(1, "انتخابات في تونس"))
    idx.add(doc(2, "انتخابات في مصر"))
    assert idx.search(parse_query("انتخابات تونس"), 5) == [1]
    assert idx.search(parse_query("انتخابات ليبيا"), 5) == []


def test_headline_beats_body_then_recency() -> None:
    idx = SearchIndex()
    idx.add(doc(1, "اقتصاد", "تحدث الوزير عن النفط", minutes=30))  # body only, newest
    idx.add(doc(2, "أسعار النفط ترتفع", minutes=0))  # headline, oldest
    idx.add(doc(3, "النفط يهبط", minutes=10))  # headline, newer
    idx.add(doc(4, "النفط", minutes=5))  # whole query is the headline: phrase bonus
    assert idx.search(parse_query("النفط"), 10) == [3, 4, 2, 1]
    assert idx.search(parse_query("أسعار النفط"), 10)[0] == 2


def test_re_adding_an_article_replaces_its_words() -> None:
    idx = SearchIndex()
    idx.add(doc(1, "عنوان قديم عن الطقس"))
    idx.add(doc(1, "عنوان جديد عن الزلزال"))
    assert idx.search(parse_query("الطقس"), 5) == []
    assert idx.search(parse_query("الزلزال"), 5) == [1]
    assert len(idx) == 1


def test_fallback_ranking_matches_the_index() -> None:
    docs = [doc(1, "النفط يهبط", minutes=10), doc(2, "اقتصاد", "النفط", minutes=30), doc(3, "رياضة")]
    idx = SearchIndex()
    for d in docs:
        idx.add(d)
    q = parse_query("نفط")
    rows = [(d.id, d.seen_at.timestamp(), d.headline.title, d.text) for d in docs]
    assert rank(q, rows, 10) == idx.search(q, 10) == [1, 2]
    assert score(q, "رياضة", "رياضة") == 0


@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويةىأإآـًٌٍَُِّْ ", min_size=2, max_size=30))
def test_an_article_is_found_by_its_own_headline(title: str) -> None:
    q = parse_query(title)
    if q.empty:
        return
    idx = SearchIndex()
    idx.add(doc(7, title))
    assert idx.search(q, 1) == [7]
