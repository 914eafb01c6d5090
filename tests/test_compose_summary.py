"""The extractive summary: budget, whole sentences, dateline, order, fallback cut."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.compose.sentences import split_sentences
from bot.compose.summary import Weights, lead, summarize

SEED = json.loads((Path(__file__).parent / "data/compose/seed/seed_article.json").read_text(encoding="utf-8"))
SITE = "أخبار هنا العالم"


@pytest.mark.parametrize("budget", [80, 150, 250, 400, 600, 1000])
def test_fits_the_budget_with_whole_sentences(budget: int) -> None:
    out = summarize(SEED["paragraphs"], budget, title=SEED["title"], site_name=SITE)
    assert 0 < len(out) <= budget
    sentences = {s for p in SEED["paragraphs"] for s in split_sentences(p)}
    if out.endswith("…"):
        first_words = out[:-1].split()
        assert any(s.split()[: len(first_words)] == first_words for s in sentences)  # a cut at a word boundary
    else:
        assert all(piece in sentences for piece in split_sentences(out))


def test_seed_summary_is_the_lede_not_the_dateline_or_the_subtitle() -> None:
    out = summarize(SEED["paragraphs"], 300, title=SEED["title"], site_name=SITE)
    assert out.startswith("توقّع الأمين العام لحلف شمال الأطلسي (الناتو)")
    assert "أخبار هنا العالم -" not in out


def test_sentences_keep_document_order() -> None:
    out = summarize(SEED["paragraphs"], 700, title=SEED["title"], site_name=SITE)
    positions = [" ".join(SEED["paragraphs"]).index(s) for s in split_sentences(out)]
    assert positions == sorted(positions)


def test_one_long_sentence_is_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    text = "هذه جملة طويلة جدا " * 30 + "."
    out = summarize(text, 50)
    assert out.endswith("…") and len(out) <= 50
    assert set(out[:-1].split()) <= {"هذه", "جملة", "طويلة", "جدا"}


def test_accepts_a_string_and_ignores_a_bom() -> None:
    text = "\ufeffجملة أولى هنا للتجربة فقط.\nجملة ثانية هنا للتجربة فقط."
    assert summarize(text, 40) == "جملة أولى هنا للتجربة فقط."


def test_empty_and_tiny_budgets() -> None:
    assert summarize("", 100) == "" and summarize(SEED["paragraphs"], 1) == ""


def test_scores_matter_lead_plus_fill_when_all_weights_are_zero() -> None:
    flat = summarize(SEED["paragraphs"], 500, weights=Weights(0.0, 0.0, 0.0), site_name=SITE)
    assert flat.startswith("توقّع الأمين العام")


def test_lead_baseline_stops_at_the_first_sentence_that_does_not_fit() -> None:
    out = lead(["جملة أولى قصيرة.", "جملة ثانية طويلة جدا جدا جدا جدا.", "ثالثة."], 30)
    assert out == "جملة أولى قصيرة."
