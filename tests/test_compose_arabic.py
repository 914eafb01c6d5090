"""Arabic normalisation, stop words, stems, datelines and site names."""

from __future__ import annotations

import pytest

from bot.compose.arabic import (
    STOP_WORDS,
    content_stems,
    has_arabic,
    is_stop,
    normalize,
    stem,
    strip_dateline,
    strip_site_name,
    tokens,
    words,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("أحمد", "احمد"),
        ("إلى", "الي"),
        ("آمال", "امال"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("مدرسة", "مدرسه"),
        ("أَخْبَارٌ", "اخبار"),  # diacritics dropped
        ("عـــاجل", "عاجل"),  # tatweel dropped
        ("٢٠٢٥", "2025"),  # Arabic-Indic digits
        ("۱۲", "12"),  # Extended Arabic-Indic digits
        ("٣٫٥", "3.5"),  # Arabic decimal separator
        ("NATO", "nato"),
        ("ﻻ", "لا"),  # presentation form (NFKC)
    ],
)
def test_normalize_folds_spelling_variants(raw: str, folded: str) -> None:
    assert normalize(raw) == folded


def test_words_keep_diacritics_inside_a_word() -> None:
    assert words("أُطلق المموّل، اليوم!") == ["أُطلق", "المموّل", "اليوم"]


def test_tokens_are_normalised_words() -> None:
    assert tokens("أَعلنَ الناتو: 3 دول") == ["اعلن", "الناتو", "3", "دول"]


def test_stop_words_are_stored_normalised() -> None:
    assert "الي" in STOP_WORDS and "إلى" not in STOP_WORDS
    assert is_stop(normalize("إلى")) and is_stop("2025") and not is_stop("الناتو")


@pytest.mark.parametrize(
    ("token", "stemmed"),
    [("والناتو", "ناتو"), ("الناتو", "ناتو"), ("بالسياره", "سيار"), ("مبادرات", "مبادر"), ("وزير", "وزير")],
)
def test_light_stemmer(token: str, stemmed: str) -> None:
    assert stem(token) == stemmed


def test_content_stems_drop_function_words() -> None:
    assert content_stems("قال إن الناتو في بروكسل") == ["ناتو", "بروكسل"]


def test_has_arabic() -> None:
    assert has_arabic("abc عربي") and not has_arabic("abc 123")


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("أخبار هنا العالم - روته يتوقع انضمام دول", "روته يتوقع انضمام دول"),
        ("بيروت (أ ف ب) - قال مسؤول لبناني", "قال مسؤول لبناني"),
        ("عمان - بترا - أعلنت الحكومة", "أعلنت الحكومة"),
        ("(رويترز) - ارتفعت أسعار النفط", "ارتفعت أسعار النفط"),
        ("القاهرة – قالت الوزارة", "قالت الوزارة"),
    ],
)
def test_strip_dateline(text: str, rest: str) -> None:
    assert strip_dateline(text, "أخبار هنا العالم") == rest


def test_strip_dateline_leaves_a_sentence_alone() -> None:
    sentence = "توقّع الأمين العام لحلف شمال الأطلسي (الناتو)، مارك روته، يوم الأربعاء - وفق بيان - أن تعلن دول"
    assert strip_dateline(sentence) == sentence


@pytest.mark.parametrize(
    "title", ["خبر مهم - أخبار هنا العالم", "أخبار هنا العالم | خبر مهم", "خبر مهم | أخبار هنا العالم"]
)
def test_strip_site_name(title: str) -> None:
    assert strip_site_name(title, "أخبار هنا العالم") == "خبر مهم"


def test_strip_site_name_keeps_a_title_that_is_only_the_site() -> None:
    assert strip_site_name("أخبار هنا العالم", "أخبار هنا العالم") == "أخبار هنا العالم"
