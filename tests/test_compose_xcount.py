"""X weighted length against the official twitter-text conformance cases (tests/data/compose/twitter-text)
and against twitter-text-parser itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from twitter_text import extract_urls_with_indices, parse_tweet

from bot.compose.xcount import x_weight

DATA = Path(__file__).parent / "data/compose/twitter-text"


def cases(file: str, group: str) -> list[Any]:
    loaded = yaml.safe_load((DATA / file).read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["description"][:60]) for case in loaded["tests"][group]]


@pytest.mark.parametrize("case", cases("validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest"))
def test_v3_weighted_length(case: dict[str, Any]) -> None:
    assert x_weight(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("case", cases("validate.yml", "UnicodeDirectionalMarkerCounterTest"))
def test_directional_markers(case: dict[str, Any]) -> None:
    assert x_weight(case["text"]) == case["expected"]["weightedLength"]


@pytest.mark.parametrize(
    "case",
    cases("extract.yml", "urls_with_indices")
    + cases("extract.yml", "urls_with_directional_markers")
    + cases("extract.yml", "tco_urls_with_params"),
)
def test_url_extraction_we_rely_on(case: dict[str, Any]) -> None:
    expected = case["expected"]
    found = extract_urls_with_indices(case["text"])
    if expected and isinstance(expected[0], dict):
        assert [(u["url"], u["indices"]) for u in found] == [(u["url"], u["indices"]) for u in expected]
    else:
        assert [u["url"] for u in found] == expected


def test_line_breaks_count_like_x() -> None:
    assert x_weight("a\r\nb") == 4  # npm twitter-text and X; the Python port says 3
    assert x_weight("a\nb") == 3


def test_arabic_and_rlm_weights() -> None:
    assert x_weight("ع" * 280) == 280 and x_weight("\u200f") == 2 and x_weight("\u2068a\u2069") == 5
    assert x_weight("خبر https://example.com/%D8%A7%D9%84") == 4 + 23


PIECES = [*"abc عربي 123\n#@.:/%-_", "😀", "👨\u200d👩\u200d👧", "🇯🇴", "©", "日", "\u200f", "https://x.com/a"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@given(texts)
def test_same_numbers_as_the_python_port(text: str) -> None:
    assert x_weight(text) == parse_tweet(text).weightedLength
