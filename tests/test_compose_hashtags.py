"""Hashtags: section first, key terms from the headline, valid and unique."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.compose.hashtags import hashtags, is_valid_tag, key_terms, make_tag

SEED = json.loads((Path(__file__).parent / "data/compose/seed/seed_article.json").read_text(encoding="utf-8"))


def test_seed_tags() -> None:
    assert hashtags("العالم", SEED["title"], SEED["paragraphs"]) == ["#العالم", "#أوكرانيا", "#الناتو"]


def test_multi_word_section_joins_with_underscores() -> None:
    assert hashtags("الشرق الأوسط", "عنوان", "")[0] == "#الشرق_الأوسط"


def test_collocation_becomes_one_tag() -> None:
    body = "الشرق الأوسط يشهد توترا. وفي الشرق الأوسط قال المسؤول. دول الشرق الأوسط تجتمع."
    assert "الشرق الأوسط" in key_terms("قمة الشرق الأوسط تنطلق", body)


def test_bare_form_replaces_a_proclitic() -> None:
    body = "دعم أوكرانيا مستمر. وقالت أوكرانيا إن الدعم مهم."
    tags = hashtags(None, "دعم جديد لأوكرانيا", body)
    assert "#أوكرانيا" in tags and "#لأوكرانيا" not in tags


def test_section_and_term_with_the_same_stem_are_not_both_tags() -> None:
    body = "تألقت الرياضة في أولمبياد باريس. وفي باريس فازت الرياضة بميداليات."
    tags = hashtags("رياضة", "الرياضة تتألق في أولمبياد باريس", body)
    assert tags[0] == "#رياضة" and "#الرياضة" not in tags and "#باريس" in tags


def test_at_most_three_and_never_twice() -> None:
    body = "بروكسل الناتو أوكرانيا روسيا " * 5
    tags = hashtags("العالم", "بروكسل الناتو أوكرانيا روسيا بروكسل", body)
    assert len(tags) == 3 and len(set(tags)) == 3


@pytest.mark.parametrize(
    ("phrase", "tag"),
    [
        ("الشرق الأوسط", "#الشرق_الأوسط"),
        ("كوب-28", "#كوب_28"),
        ("عَاجِل", "#عاجل"),
        ("عـــاجل", "#عاجل"),
        ("2025", None),
        ("!!!", None),
        ("iPhone 17", "#iPhone_17"),
    ],
)
def test_make_tag(phrase: str, tag: str | None) -> None:
    assert make_tag(phrase) == tag


def test_is_valid_tag() -> None:
    assert is_valid_tag("#الناتو") and is_valid_tag("#G7") and is_valid_tag("#كوب_28")
    assert not is_valid_tag("#123") and not is_valid_tag("#a-b") and not is_valid_tag("#") and not is_valid_tag("#a#b")
