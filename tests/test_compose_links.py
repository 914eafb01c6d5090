"""URL encoding, UTM parameters and share links."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from twitter_text import extract_urls_with_indices

from bot.compose.links import add_utm, encode_url, share_links

ARABIC = "https://www.akhbar-huna.com/world/الناتو-يبحث?id=5#قسم"


def test_encode_url_percent_encodes_arabic_and_keeps_escapes() -> None:
    out = encode_url(ARABIC)
    assert out.isascii() and unquote(out) == ARABIC
    assert encode_url(out) == out  # idempotent: existing %XX are kept
    assert encode_url("https://x.com/a b") == "https://x.com/a%20b"


def test_encode_url_idna_host() -> None:
    assert encode_url("https://أخبار.com/") == "https://xn--igbicxr.com/"


def test_twitter_text_sees_the_whole_encoded_url() -> None:
    text = f"خبر {encode_url(ARABIC)}"
    urls = extract_urls_with_indices(text)
    assert [u["url"] for u in urls] == [encode_url(ARABIC)]
    assert [u["url"] for u in extract_urls_with_indices(f"خبر {ARABIC}")] != [ARABIC]  # why we encode


def test_add_utm_sets_three_parameters_and_keeps_the_rest() -> None:
    out = add_utm("https://a.com/p?id=5&q=%D8%A7#frag", "telegram", "akhbar")
    assert out == "https://a.com/p?id=5&q=%D8%A7&utm_source=telegram&utm_medium=social&utm_campaign=akhbar#frag"


def test_add_utm_never_twice() -> None:
    once = add_utm("https://a.com/p?UTM_Source=rss&utm_medium=feed&x=1", "x", "c1")
    twice = add_utm(once, "whatsapp", "c 2")
    query = parse_qs(urlsplit(twice).query)
    assert query == {"x": ["1"], "utm_source": ["whatsapp"], "utm_medium": ["social"], "utm_campaign": ["c 2"]}
    assert twice.lower().count("utm_source") == 1


def test_share_links_encode_every_value() -> None:
    links = share_links(ARABIC, "الناتو & أوكرانيا؟", "akhbar")
    tg = parse_qs(urlsplit(links.telegram).query)
    assert links.telegram.startswith("https://t.me/share/url?url=")
    assert tg["text"] == ["الناتو & أوكرانيا؟"]
    assert parse_qs(urlsplit(tg["url"][0]).query)["utm_source"] == ["telegram"]
    x = parse_qs(urlsplit(links.x).query)
    assert links.x.startswith("https://x.com/intent/tweet?") and x["text"] == ["الناتو & أوكرانيا؟"]
    assert parse_qs(urlsplit(x["url"][0]).query)["utm_source"] == ["x"]
    fb = parse_qs(urlsplit(links.facebook).query)
    assert links.facebook.startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert parse_qs(urlsplit(fb["u"][0]).query)["utm_source"] == ["facebook"]
    wa = parse_qs(urlsplit(links.whatsapp).query)["text"][0]
    assert links.whatsapp.startswith("https://wa.me/?text=")
    headline, url = wa.split("\n")
    assert headline == "الناتو & أوكرانيا؟" and parse_qs(urlsplit(url).query)["utm_source"] == ["whatsapp"]
    for link in (links.telegram, links.x, links.facebook, links.whatsapp):
        assert link.isascii() and " " not in link
