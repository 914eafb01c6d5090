"""Cleaning and decoding text from feeds and pages."""

from __future__ import annotations

import pytest

from bot.sources.text import ascii_digits, clean_text, decode_body, fold, sniff_charset, strip_tags

ARABIC = "الناتو يبحث تعزيز الدعم العسكري لأوكرانيا"


def test_entities_are_decoded() -> None:
    assert (
        clean_text("الأمين العام &quot;مارك روته&quot; &amp; الحلفاء&#x2026;") == 'الأمين العام "مارك روته" & الحلفاء…'
    )


def test_hostile_markup_in_a_title_becomes_plain_text() -> None:
    assert clean_text('<script>alert("x")</script><b>عاجل:</b> <img src=x onerror=alert(1)>خبر') == "عاجل: خبر"
    # escaped markup (a feed that double-encodes) is markup too
    assert clean_text("&lt;script&gt;alert(1)&lt;/script&gt;&lt;i&gt;عنوان&lt;/i&gt;") == "عنوان"
    assert "<" not in clean_text("&lt;a href='javascript:x'&gt;اضغط&lt;/a&gt;")


def test_tatweel_zero_width_and_bidi_controls_are_dropped() -> None:
    assert clean_text("الأخــــبار\u200b العاجلة\u200f\u202b\ufeff") == "الأخبار العاجلة"


def test_whitespace_collapses_and_nbsp_counts_as_space() -> None:
    assert clean_text("  سطر\n\tآخر\u00a0\u00a0هنا  ") == "سطر آخر هنا"


def test_presentation_forms_fold_to_letters() -> None:
    assert clean_text("\ufee3\ufeae\ufea3\ufe92\ufe8e") == "مرحبا"


def test_block_tags_separate_words() -> None:
    assert clean_text("<p>أول</p><p>ثاني</p>سطر<br>تالي") == "أول ثاني سطر تالي"


def test_none_and_empty_give_empty() -> None:
    assert clean_text(None) == ""
    assert clean_text("   ") == ""


def test_digits_become_ascii_for_parsing() -> None:
    assert ascii_digits("٢٠٢٥/١٠/١٥ و۱۴:۳۰") == "2025/10/15 و14:30"


def test_fold_matches_spelling_variants() -> None:
    assert fold("الرياضة") == fold("الرياضه")
    assert fold("أخبار") == fold("اخبار") == fold("إخبار")
    assert fold("مستشفى") == fold("مستشفي")


def test_strip_tags_leaves_plain_text_alone() -> None:
    assert strip_tags(ARABIC) == ARABIC


@pytest.mark.parametrize("codec", ["utf-8", "cp1256", "iso8859-6"])
def test_decode_with_declared_charset(codec: str) -> None:
    text = "الناتو يبحث تعزيز الدعم"  # letters that exist in every one of these encodings
    assert decode_body(text.encode(codec), codec) == text


def test_undeclared_windows_1256_is_detected() -> None:
    assert decode_body(ARABIC.encode("cp1256")) == ARABIC


def test_declared_in_the_document_itself() -> None:
    html = f'<html><head><meta charset="iso-8859-6"></head><body>{"الدعم العسكري"}</body></html>'
    assert sniff_charset(html.encode("iso8859-6")) == "iso-8859-6"
    assert "الدعم العسكري" in decode_body(html.encode("iso8859-6"))
    xml = '<?xml version="1.0" encoding="windows-1256"?><rss>الدعم</rss>'
    assert sniff_charset(xml.encode("cp1256")) == "windows-1256"
    assert "الدعم" in decode_body(xml.encode("cp1256"))


def test_wrongly_declared_utf8_and_latin1_fall_back_to_windows_1256() -> None:
    assert decode_body(ARABIC.encode("cp1256"), "utf-8") == ARABIC
    assert decode_body(ARABIC.encode("cp1256"), "iso-8859-1") == ARABIC


def test_latin1_page_stays_latin1() -> None:
    text = "Café crème à la française, déjà vu"
    assert decode_body(text.encode("latin-1"), "iso-8859-1") == text


def test_utf8_wins_over_a_wrong_declaration_and_bom_is_dropped() -> None:
    assert decode_body(ARABIC.encode(), "windows-1256") == ARABIC
    assert decode_body(b"\xef\xbb\xbf" + ARABIC.encode()) == ARABIC
    assert decode_body("\ufeff".encode("utf-16-le") + ARABIC.encode("utf-16-le")) == ARABIC


def test_unknown_declared_charset_is_ignored() -> None:
    assert decode_body(ARABIC.encode("cp1256"), "x-no-such-charset") == ARABIC
