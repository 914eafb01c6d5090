"""The sentence splitter: terminators, numbers, abbreviations, quotes, line breaks."""

from __future__ import annotations

import pytest

from bot.compose.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ذهب. عاد؟ نعم! حسنا؛ انتهى", ["ذهب.", "عاد؟", "نعم!", "حسنا؛", "انتهى"]),
        ("انتظر… ثم تكلم. ثم...سكت", ["انتظر…", "ثم تكلم.", "ثم...سكت"]),
        ("سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"]),
        ("ارتفع بنسبة 3.5% اليوم. ثم هبط", ["ارتفع بنسبة 3.5% اليوم.", "ثم هبط"]),
        ("قال د. محمد إن الوضع جيد. وانتهى", ["قال د. محمد إن الوضع جيد.", "وانتهى"]),
        ("said Dr. Smith in the U.S. today. Then", ["said Dr. Smith in the U.S. today.", "Then"]),
        ("زر example.com الآن. ثم عد", ["زر example.com الآن.", "ثم عد"]),
        ("ولد عام 1770 م. ثم انتقل", ["ولد عام 1770 م.", "ثم انتقل"]),
        ("هل حقا؟! نعم", ["هل حقا؟!", "نعم"]),
    ],
)
def test_boundaries(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_no_split_inside_guillemets() -> None:
    text = "وقال الوزير: «هذا يوم مهم. سنعمل معًا» ثم غادر. وانتهى الاجتماع."
    assert split_sentences(text) == ["وقال الوزير: «هذا يوم مهم. سنعمل معًا» ثم غادر.", "وانتهى الاجتماع."]


def test_no_split_inside_straight_quotes_and_a_quote_ending_a_sentence() -> None:
    text = 'وقال روته: "أتوجه بالشكر. لطالما كانت هناك شكاوى". ثم غادر. قال: "نعم." ثم ذهب'
    assert split_sentences(text) == [
        'وقال روته: "أتوجه بالشكر. لطالما كانت هناك شكاوى".',
        "ثم غادر.",
        'قال: "نعم."',
        "ثم ذهب",
    ]


def test_unbalanced_quotes_are_ignored_for_that_line() -> None:
    assert split_sentences("«غير متوازن. جملة ثانية.") == ["«غير متوازن.", "جملة ثانية."]


def test_a_list_number_is_glued_to_its_sentence() -> None:
    assert split_sentences("1. البند الأول. 2. البند الثاني.") == ["1. البند الأول.", "2. البند الثاني."]


def test_empty_and_blank() -> None:
    assert split_sentences("") == [] and split_sentences(" \n \n") == []
