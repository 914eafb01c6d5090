"""The tdlib-like Telegram HTML parser."""

from __future__ import annotations

import pytest

from bot.compose.tghtml import check_telegram_html, parse_telegram_html, telegram_length


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<b>عاجل</b> | خبر", "عاجل | خبر"),
        ("a &lt;b&gt; &amp; &quot;c&quot;", 'a <b> & "c"'),
        ("&#1575;&#x628; &#65", "اب A"),  # numeric references, the ; is optional
        ("a & b > c", "a & b > c"),  # like tdlib: a lone & or > is kept
        ("&nbsp;", "&nbsp;"),  # only lt gt amp quot are named entities
        ('<a href="https://a.com/?x=1&amp;y=2">رابط</a>', "رابط"),
        ("<strong>1</strong><em>2</em><ins>3</ins><strike>4</strike><del>5</del><code>6</code><pre>7</pre>", "1234567"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ("<blockquote expandable>q</blockquote>", "q"),
        ("<B>x</B>", "x"),
        ("<b>x</>", "x"),  # tdlib accepts an empty end tag
    ],
)
def test_valid(html: str, text: str) -> None:
    assert parse_telegram_html(html) == text


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("عاجل <br> خبر", 'Unsupported start tag "br" at byte offset 9'),
        ("</b>", "Unexpected end tag at byte offset 0"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<a href=x_y>l</a>", "Unexpected end of name token at byte offset 8"),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("x < y", 'Unsupported start tag "" at byte offset 2'),
    ],
)
def test_invalid_like_tdlib(html: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_telegram_html(html)
    assert str(err.value) == message


def test_length_counts_code_points_after_parsing() -> None:
    assert telegram_length("<b>😀</b>&amp;") == 2  # an astral emoji is one code point, &amp; is one


def test_check_limits() -> None:
    assert check_telegram_html("<b>" + "ع" * 1024 + "</b>", caption=True)
    with pytest.raises(ValueError, match="message caption is too long"):
        check_telegram_html("ع" * 1025, caption=True)
    with pytest.raises(ValueError, match="message is too long"):
        check_telegram_html("ع" * 4097, caption=False)
