"""X posts: the seed golden, links on/off, hashtags as room allows, never cut mid-word."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from twitter_text import extract_urls_with_indices

from bot.compose import compose_breaking_x, compose_posts, compose_telegram, compose_x
from bot.compose.fit import RLM, starts_rtl
from bot.compose.xcount import x_weight
from bot.models import Article, Section
from tests.test_compose_telegram import CTX, golden, seed_article


def test_seed_x_golden() -> None:
    post = compose_x(seed_article(), CTX)
    assert post.text == golden("seed_x.txt", post.text)
    assert x_weight(post.text) <= 280


def test_seed_x_parts() -> None:
    lines = compose_x(seed_article(), CTX).text.split("\n")
    assert lines[0] == "الناتو يبحث تعزيز الدعم العسكري لأوكرانيا وتطوير القدرات الدفاعية خلال اجتماع بروكسل"
    assert lines[2] == f"{RLM}#العالم #أوكرانيا #الناتو"
    assert lines[3].startswith(RLM + "https://www.akhbar-huna.com/world/%D8%A7")
    url = lines[3][1:]
    assert [u["url"] for u in extract_urls_with_indices(lines[3])] == [url]  # one URL, counted 23
    assert parse_qs(urlsplit(url).query)["utm_source"] == ["x"]


def test_links_off() -> None:
    text = compose_x(seed_article(), replace(CTX, x_include_link=False)).text
    assert "http" not in text and text.endswith("#الناتو")


def test_hashtags_dropped_before_the_headline_is_cut() -> None:
    title = " ".join(["كلمة"] * 52)  # 259 characters: fits alone, not with the link
    article = Article(url="https://a.com/1", title=title, section=Section("العالم", "world"))
    text = compose_x(article, replace(CTX, x_include_link=False)).text
    assert text.startswith(title) and x_weight(text) <= 280
    with_link = compose_x(article, CTX).text
    assert title not in with_link and "#" not in with_link  # no room: hashtags go first, then words


def test_headline_cut_at_a_word_boundary() -> None:
    words = [f"كلمة{i}" for i in range(80)]
    article = Article(url="https://a.com/1", title=" ".join(words))
    first_line = compose_x(article, CTX).text.split("\n")[0]
    assert first_line.endswith("…")
    assert all(word in words for word in first_line[:-1].split())


def test_summary_placeholder_fills_the_rest() -> None:
    ctx = replace(CTX, x_template="{headline}\\n\\n{summary}\\n{hashtags}", x_include_link=False)
    text = compose_x(seed_article(), ctx).text
    assert len(text.split("\n")) == 4 and x_weight(text) <= 280 and "#الناتو" in text


def test_every_line_starts_rtl() -> None:
    article = Article(url="https://a.com/1", title="NATO يجتمع في بروكسل", paragraphs=("NATO يجتمع اليوم.",))
    text = compose_x(article, CTX).text
    assert text.startswith(RLM + "NATO") and all(starts_rtl(line) for line in text.split("\n"))


def test_breaking_x() -> None:
    assert compose_breaking_x("انفجار في المرفأ", CTX).text == f"{RLM}🔴 عاجل | انفجار في المرفأ"
    assert x_weight(compose_breaking_x("كلمة " * 200, CTX).text) <= 280


def test_compose_posts_shares_the_analysis() -> None:
    posts = compose_posts(seed_article(), CTX, photo=b"jpeg")
    assert posts.telegram.photo == b"jpeg" and posts.x.photo == b"jpeg"
    assert posts.x.text == compose_x(seed_article(), CTX).text
    assert posts.telegram.html == compose_telegram(seed_article(), CTX, photo=b"jpeg").html
