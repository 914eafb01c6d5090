"""URL identity keys and outbound URLs."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sources.urls import is_tracking, normalize_url, percent_encode_url, same_site

KEY = "https://example.com/news/123/%D8%A7%D9%84%D9%86%D8%A7%D8%AA%D9%88-%D9%8A%D8%A8%D8%AD%D8%AB?id=7&page=2"


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.com/news/123/الناتو-يبحث?id=7&page=2",
        "http://example.com/news/123/الناتو-يبحث?id=7&page=2",
        "https://www.example.com/news/123/الناتو-يبحث?id=7&page=2",
        "https://EXAMPLE.com./news/123/الناتو-يبحث/?page=2&id=7",
        "https://example.com:443/news/123/الناتو-يبحث?id=7&page=2#comments",
        "https://example.com/news/123/%d8%a7%d9%84%d9%86%d8%a7%d8%aa%d9%88-%d9%8a%d8%a8%d8%ad%d8%ab?id=7&page=2",
        "https://example.com/news/123/الناتو-يبحث?utm_source=twitter&utm_medium=social&id=7&fbclid=abc&page=2",
        "https://example.com/news/123/الناتو-يبحث?id=7&page=2&gclid=1&mc_cid=2&mc_eid=3&_ga=4",
        "https://example.com//news/./123/x/../الناتو-يبحث?id=7&page=2",
        "  https://user:pw@example.com/news/123/الناتو-يبحث?id=7&page=2  ",
        "//example.com/news/123/الناتو-يبحث?id=7&page=2",
    ],
)
def test_variants_have_one_key(variant: str) -> None:
    assert normalize_url(variant) == KEY


def test_different_articles_keep_different_keys() -> None:
    assert normalize_url("https://example.com/news/1") != normalize_url("https://example.com/news/2")
    assert normalize_url("https://example.com/a?id=1") != normalize_url("https://example.com/a?id=2")
    assert normalize_url("https://example.com/News/1") != normalize_url("https://example.com/news/1")
    assert normalize_url("https://example.com/a%2Fb") != normalize_url("https://example.com/a/b")
    assert normalize_url("https://example.com:8080/a") != normalize_url("https://example.com/a")


def test_plus_and_percent20_in_query_are_the_same_space() -> None:
    assert normalize_url("https://e.com/s?q=a+b") == normalize_url("https://e.com/s?q=a%20b")
    assert normalize_url("https://e.com/s?q=a%2Bb") != normalize_url("https://e.com/s?q=a+b")


def test_hashbang_fragment_is_kept() -> None:
    assert normalize_url("https://e.com/#!/news/1") != normalize_url("https://e.com/#!/news/2")


def test_idna_host() -> None:
    assert normalize_url("https://أخبار.com/x") == "https://" + "أخبار.com".encode("idna").decode() + "/x"


def test_root_and_non_web_urls() -> None:
    assert normalize_url("https://www.example.com/") == "https://example.com"
    assert normalize_url("urn:uuid:1234") == "urn:uuid:1234"


def test_tracking_names() -> None:
    assert is_tracking("utm_content") and is_tracking("UTM_Source") and is_tracking("fbclid")
    assert not is_tracking("id") and not is_tracking("page")


def test_percent_encode_url_for_outbound_links() -> None:
    url = "https://example.com/news/123/الناتو-يبحث?q=عربي&x=1#أعلى"
    out = percent_encode_url(url)
    assert out.isascii() and " " not in out
    assert out.startswith("https://example.com/news/123/%D8%A7%D9%84")
    assert "x=1" in out and "#%D8%A3" in out
    assert percent_encode_url(out) == out  # existing escapes are not encoded twice
    assert percent_encode_url("http://www.Example.com/a b?x=1") == "http://www.Example.com/a%20b?x=1"
    assert percent_encode_url("https://e.com/100%") == "https://e.com/100%25"
    assert percent_encode_url("https://أخبار.com/") == "https://" + "أخبار.com".encode("idna").decode() + "/"


def test_same_site() -> None:
    assert same_site("http://www.example.com/a", "https://example.com/b")
    assert not same_site("https://example.com/a", "https://evil.com/a")


# --- properties -------------------------------------------------------------------------------------

_seg = st.text(
    alphabet=st.sampled_from(list("abcxyz019-_.~") + list("الناتويبحثعربيةء") + ["%", " ", "+", "(", "é"]),
    min_size=1,
    max_size=12,
)
_param = st.text(alphabet=st.sampled_from(list("abcdefq0123") + list("عربي")), min_size=1, max_size=6)
_host = st.sampled_from(["example.com", "news.example.org", "أخبار.com", "sub.site.net"])


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, list[str], list[tuple[str, str]]]:
    host = draw(_host)
    segments = draw(st.lists(_seg, min_size=0, max_size=4))
    params = draw(st.lists(st.tuples(_param, _param), max_size=3, unique_by=lambda p: p[0]))
    return host, segments, params


def _build(host: str, segments: list[str], params: list[tuple[str, str]], rnd: random.Random) -> str:
    scheme = rnd.choice(["http", "https"])
    host = rnd.choice(["", "www."]) + (host.upper() if rnd.random() < 0.3 and host.isascii() else host)
    encode = rnd.random() < 0.5
    path = "/".join(quote(s, safe="") if encode or "%" in s or " " in s else s for s in segments)
    path = "/" + path + rnd.choice(["", "/"])
    tracking = [("utm_source", "tg"), ("fbclid", "x1"), ("gclid", "y")][: rnd.randint(0, 3)]
    query = params + tracking
    rnd.shuffle(query)
    qs = "&".join(f"{quote(k, safe='') if encode else k}={quote(v, safe='') if encode else v}" for k, v in query)
    frag = rnd.choice(["", "#top", "#section-2"])
    return f"{scheme}://{host}{path}{'?' + qs if qs else ''}{frag}"


@given(urls(), st.randoms(use_true_random=False))
def test_normalize_is_idempotent(parts: tuple[str, list[str], list[tuple[str, str]]], rnd: random.Random) -> None:
    url = _build(*parts, rnd)
    key = normalize_url(url)
    assert normalize_url(key) == key
    assert key.isascii()


@given(urls(), st.randoms(use_true_random=False), st.randoms(use_true_random=False))
def test_variants_of_one_url_are_equal(
    parts: tuple[str, list[str], list[tuple[str, str]]], a: random.Random, b: random.Random
) -> None:
    assert normalize_url(_build(*parts, a)) == normalize_url(_build(*parts, b))


@given(urls(), st.randoms(use_true_random=False))
def test_outbound_link_keeps_identity(parts: tuple[str, list[str], list[tuple[str, str]]], rnd: random.Random) -> None:
    url = _build(*parts, rnd)
    out = percent_encode_url(url)
    assert out.isascii() and " " not in out
    assert normalize_url(out) == normalize_url(url)
    assert percent_encode_url(out) == out
