"""Arabic categories → sections with Telegram-command slugs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import DEFAULT_SECTIONS
from bot.models import Section
from bot.sources.sections import first_section, section_for, slugify

SECTIONS = dict(pair.split("=") for pair in DEFAULT_SECTIONS.split(","))
COMMAND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@pytest.mark.parametrize(
    ("category", "slug"),
    [
        ("العالم", "world"),
        ("الرياضة", "sports"),
        ("رياضه", "sports"),
        ("أخبار الرياضة", "sports"),
        ("قسم الاقتصاد", "economy"),
        ("السياسة", "politics"),
        ("  تكنولوجيا ", "tech"),
        ("صحة", "health"),
        ("ثقافة", "culture"),
        ("<b>العالم</b>", "world"),
        ("world", "world"),
    ],
)
def test_known_categories(category: str, slug: str) -> None:
    section = section_for(category, SECTIONS)
    assert section is not None and section.slug == slug


def test_unknown_category_keeps_its_arabic_name() -> None:
    assert section_for("الشرق الأوسط", SECTIONS) == Section("الشرق الأوسط", "alshrq_alawst")
    assert section_for("ثقافة وفنون", SECTIONS) == Section("ثقافة وفنون", "thqafa_wfnwn")


def test_empty_category_is_none() -> None:
    assert section_for("", SECTIONS) is None
    assert section_for(None, SECTIONS) is None
    assert section_for(" <br> ", SECTIONS) is None


def test_first_known_section_wins() -> None:
    assert first_section(("أخبار عاجلة", "اقتصاد"), SECTIONS) == Section("اقتصاد", "economy")
    assert first_section(("أخبار عاجلة",), SECTIONS) == Section("أخبار عاجلة", "akhbar_ajla")
    assert first_section((), SECTIONS) is None


def test_slug_of_digits_or_symbols_is_still_a_command() -> None:
    assert COMMAND.match(slugify("2025"))
    assert COMMAND.match(slugify("★★★"))
    assert slugify("2025") != slugify("2026")


@given(st.text(min_size=1, max_size=60))
def test_any_name_gives_a_stable_valid_command(name: str) -> None:
    slug = slugify(name)
    assert COMMAND.match(slug), slug
    assert slugify(name) == slug
