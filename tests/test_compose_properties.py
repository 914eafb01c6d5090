"""Property tests: whatever the article holds — Arabic, Latin, digits, emoji, markup, bidi controls,
braces — the Telegram post parses as Telegram HTML within its limit, the X post weighs ≤ 280, every line
starts right-to-left, hashtags stay valid, and a summary fits its budget."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.compose import ComposeContext, compose_breaking, compose_posts, compose_telegram, compose_x
from bot.compose.fit import ELLIPSIS, FSI, PDI, RLM, clean_text, starts_rtl
from bot.compose.hashtags import hashtags, is_valid_tag
from bot.compose.summary import summarize
from bot.compose.tghtml import parse_telegram_html
from bot.compose.xcount import x_weight
from bot.exceptions import ComposeError
from bot.models import Article, Section

PIECES = [
    *"ابتثجحخدذرزسشصضطظعغفقكلمنهوية",
    *"أإآءئؤىة ًٌٍَُِّْـ",
    *"abcXYZ0123456789٠١٢٣",
    " ", " ", " ", "\n", "\r\n", "\t", ".", "،", "؟", "!", "؛", "…", "«", "»", '"', "'", "%", ":", "-", "#", "_", "@",
    "<", ">", "&", "<b>", "</b>", "</i>", "<a href='x'>", "&amp;", "&#0;", "&lt;", "{", "}", "{headline}",
    "😀", "👨\u200d👩\u200d👧", "🇯🇴", "🫶🏽", "©", "日本", "\u200f", "\u200e", "\u202e", "\u2066", "\u2069", "\ufeff",
    "\x00", "\x1b", "\ud800", "https://example.com/مقال?x=1", "www.example.com", "iPhone 17", "3.5%", "NATO",
]  # fmt: skip
text = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
long_text = st.lists(st.sampled_from(PIECES), max_size=600).map("".join)
CTX = ComposeContext()


@st.composite
def articles(draw: st.DrawFn) -> Article:
    return Article(
        url="https://www.akhbar-huna.com/world/" + draw(st.sampled_from(["1", "مقال-عربي", "a b?c=d&e=ف#frag"])),
        title=draw(st.one_of(text, long_text)),
        paragraphs=tuple(draw(st.lists(long_text, max_size=6))),
        description=draw(st.one_of(st.none(), text)),
        published=draw(st.one_of(st.none(), st.datetimes(timezones=st.just(UTC)))),
        section=draw(st.one_of(st.none(), st.builds(Section, text, st.just("s")))),
    )


def check_lines(plain: str) -> None:
    assert all(starts_rtl(line) for line in plain.split("\n")), plain


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.booleans(), st.booleans())
def test_posts_are_always_valid(article: Article, with_photo: bool, links: bool) -> None:
    ctx = replace(CTX, x_include_link=links)
    if not clean_text(" ".join([article.title, article.description or "", *article.paragraphs])):
        with pytest.raises(ComposeError, match="no title and no text"):
            compose_posts(article, ctx)
        return
    posts = compose_posts(article, ctx, photo=b"jpeg" if with_photo else None)
    plain = parse_telegram_html(posts.telegram.html)  # raises on unbalanced or unsupported markup
    assert plain == posts.telegram.plain
    assert len(plain) <= (1024 if with_photo else 4096)
    check_lines(plain)
    assert 0 < x_weight(posts.x.text) <= 280
    check_lines(posts.x.text)
    assert "\r" not in posts.x.text and "\ufeff" not in posts.x.text and "\x00" not in posts.x.text
    assert plain.count(FSI) == plain.count(PDI)
    for row in posts.telegram.buttons:
        for button in row:
            assert button.url.startswith("https://") and button.url.isascii() and button.text


@settings(max_examples=150, deadline=None)
@given(articles())
def test_x_headline_never_cut_mid_word(article: Article) -> None:
    if not clean_text(article.title):
        return
    first = compose_x(article, replace(CTX, x_include_link=True)).text.split("\n")[0].removeprefix(RLM)
    words = " ".join(article.title.split()).split(" ")
    if first.endswith(ELLIPSIS) and len(first.split()) > 1:
        kept = first[: -len(ELLIPSIS)].split(" ")
        assert all(a == b or a == b.rstrip(" \t,،;؛:-–—(«“\"'") for a, b in zip(kept[:-1], words, strict=False))


@settings(max_examples=200, deadline=None)
@given(text, long_text)
def test_hashtags_are_valid_and_unique(title: str, body: str) -> None:
    tags = hashtags("الشرق الأوسط", title, body)
    assert len(tags) <= 3 and len(set(tags)) == len(tags)
    assert all(is_valid_tag(tag) for tag in tags)


@settings(max_examples=200, deadline=None)
@given(long_text, st.integers(min_value=0, max_value=700))
def test_summary_fits(body: str, budget: int) -> None:
    assert len(summarize(body, budget)) <= budget


@settings(max_examples=100, deadline=None)
@given(long_text)
def test_breaking_is_valid(body: str) -> None:
    if not "".join(body.split()).strip("\x00\x1b\ufeff\u200e\u200f\u202e\u2066\u2069\ud800"):
        return
    post = compose_breaking(body, CTX)
    plain = parse_telegram_html(post.html)
    assert len(plain) <= 4096
    check_lines(plain)


def test_text_post_without_photo_for_a_huge_article() -> None:
    article = Article(url="https://a.com/1", title="ع " * 3000, paragraphs=("جملة طويلة هنا. " * 2000,))
    post = compose_telegram(article, replace(CTX, summary_chars=10_000))
    assert len(parse_telegram_html(post.html)) <= 4096
    assert compose_telegram(article, CTX, photo=b"x").plain.count("\n") >= 2
    assert datetime.now(UTC)  # no clock is read by compose: the date line comes from the article
