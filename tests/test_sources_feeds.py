"""Feeds and sitemaps of every kind, recognised by content, parsed into entries."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.exceptions import ParseError
from bot.sources.feeds import EntryKind, FeedFormat, detect_format, parse_feed

DATA = Path(__file__).parent / "data" / "feeds"
AMMAN = ZoneInfo("Asia/Amman")
PLUS3 = timezone(timedelta(hours=3))
URL = "https://akhbar.example/feed"


def feed(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("rss2.xml", FeedFormat.RSS2),
        ("rss1.rdf", FeedFormat.RSS1),
        ("atom.xml", FeedFormat.ATOM),
        ("feed.json", FeedFormat.JSON),
        ("news-sitemap.xml", FeedFormat.SITEMAP),
        ("sitemap.xml", FeedFormat.SITEMAP),
        ("sitemap-index.xml", FeedFormat.SITEMAP_INDEX),
        ("billion-laughs.xml", FeedFormat.SITEMAP),
    ],
)
def test_format_is_recognised_by_content(name: str, fmt: FeedFormat) -> None:
    assert detect_format(feed(name), "https://akhbar.example/whatever.php") is fmt


def test_rss2_items() -> None:
    entries = parse_feed(feed("rss2.xml"), URL, "application/rss+xml", tz=AMMAN)
    assert [e.link.rsplit("/", 2)[1] for e in entries] == ["1001", "1002", "1004", "1005"]
    nato, team, bad_date, by_guid = entries
    assert nato.title.startswith("الناتو يبحث تعزيز الدعم العسكري")
    assert nato.guid == "akhbar-1001"
    assert nato.published == datetime(2025, 10, 15, 15, 59, tzinfo=PLUS3)
    assert nato.categories == ("العالم",)
    assert nato.image == "https://akhbar.example/images/1001.jpg"  # media:content beats the thumbnail
    assert nato.summary == "روته يتوقّع انضمام دول جديدة لمبادرة الناتو لدعم أوكرانيا عسكريًا"
    assert len(nato.paragraphs) == 2 and nato.paragraphs[1].startswith("جاء ذلك")
    # hostile markup in a title: plain text, the script's body gone
    assert team.title == "المنتخب يتأهل إلى النهائيات"
    assert team.published == datetime(2026, 9, 24, 13, 0, tzinfo=AMMAN)  # an Arabic pubDate
    assert team.image == "https://akhbar.example/images/1002.jpg"  # enclosure
    assert "٨٩" in team.summary
    assert bad_date.published is None and bad_date.title == "خبر بتاريخ غير صالح"  # kept, without a date
    assert by_guid.link == "https://akhbar.example/news/1005/guid-link"
    assert by_guid.published == datetime(2025, 10, 14, 9, 0, tzinfo=UTC)


def test_bad_items_are_skipped_with_one_log_line_each(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        parse_feed(feed("rss2.xml"), URL, tz=AMMAN)
    skipped = [r.getMessage() for r in caplog.records]
    assert skipped == [f"feed {URL}: item 3 skipped: no usable link or permalink guid",
                       f"feed {URL}: item 6 skipped: no usable link or permalink guid"]  # fmt: skip


def test_rss1() -> None:
    entries = parse_feed(feed("rss1.rdf"), URL, tz=AMMAN)
    assert [e.title for e in entries] == [
        "البرلمان يقرّ الموازنة العامة لعام 2026",
        "البنك المركزي يثبّت أسعار الفائدة عند 7.5%",
    ]
    assert entries[0].updated == datetime(2025, 10, 15, 9, 30, tzinfo=PLUS3)
    assert entries[0].categories == ("سياسة",)


def test_atom_relative_links_and_labels() -> None:
    entries = parse_feed(feed("atom.xml"), "https://akhbar.example/atom.xml", tz=AMMAN)
    health, ai = entries
    assert health.link == "https://akhbar.example/news/3001/vaccination"
    assert health.image == "https://akhbar.example/images/3001.jpg"
    assert health.title == 'وزارة الصحة تطلق حملة تطعيم "وطنية" ضد الإنفلونزا'
    assert health.paragraphs == ("أعلنت وزارة الصحة إطلاق الحملة الوطنية.", "وتستمر الحملة حتى نهاية كانون الأول.")
    assert health.updated == datetime(2025, 10, 15, 11, 0, tzinfo=PLUS3)
    assert ai.categories == ("تكنولوجيا",)  # the label, not the term


def test_json_feed() -> None:
    entries = parse_feed(feed("feed.json"), URL, "application/feed+json", tz=AMMAN)
    assert len(entries) == 2
    team, text_only = entries
    assert team.guid == "4001" and team.image == "https://akhbar.example/images/4001.jpg"
    assert team.paragraphs == ("تأهل المنتخب الوطني بعد فوزه 2-1.", "وسجل Ahmad Salem هدف الفوز.")
    assert team.categories == ("رياضة", "كرة القدم")
    assert text_only.link == "https://akhbar.example/news/4003/text-only"  # from the id
    assert text_only.paragraphs == ("الفقرة الأولى.", "الفقرة الثانية.")
    assert text_only.published is None


def test_news_sitemap() -> None:
    entries = parse_feed(feed("news-sitemap.xml"), URL, "text/xml", tz=AMMAN)
    assert len(entries) == 2
    nato, rates = entries
    assert nato.title == "الناتو يبحث تعزيز الدعم العسكري لأوكرانيا"
    assert nato.published == datetime(2025, 10, 15, 15, 59, tzinfo=PLUS3)
    assert nato.updated == datetime(2025, 10, 15, 16, 10, tzinfo=PLUS3)
    assert nato.image == "https://akhbar.example/images/5001.jpg"
    assert rates.title == "البنك المركزي يثبّت & يراقب"
    assert rates.published == datetime(2025, 10, 15, tzinfo=AMMAN)  # a date without a time: site-local


def test_plain_sitemap_has_links_only() -> None:
    entries = parse_feed(feed("sitemap.xml"), URL, tz=AMMAN)
    assert [(e.link, e.title) for e in entries] == [
        ("https://akhbar.example/news/6001/one", ""),
        ("https://akhbar.example/news/6002/two", ""),
    ]


def test_sitemap_index_lists_child_sitemaps() -> None:
    entries = parse_feed(feed("sitemap-index.xml"), "https://akhbar.example/sitemap.xml", tz=AMMAN)
    assert all(e.kind is EntryKind.SITEMAP for e in entries)
    assert [e.link for e in entries] == [
        "https://akhbar.example/sitemaps/2025-09.xml",
        "https://akhbar.example/sitemaps/news.xml",
    ]


def test_entity_expansion_and_external_entities_are_refused() -> None:
    try:
        entries = parse_feed(feed("billion-laughs.xml"), URL, tz=AMMAN)
    except ParseError:
        return
    joined = " ".join(e.link for e in entries)
    assert "lollollol" not in joined and "root:" not in joined


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response"),
        (b"  \n\t ", "empty response"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>...</body></html>", "HTML page"),
        (b"<html lang='ar'><body>404</body></html>", "HTML page"),
        (b"<?xml version='1.0'?><!-- c --><foo><bar/></foo>", "root element is <foo>"),
        (b"just some text", "not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "malformed JSON"),
        (b'{"hello": "world"}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": 3}', "without an items list"),
        (b"<?xml version='1.0'?><urlset><url><loc>https://x.example/a</loc>", "malformed sitemap"),
    ],
)
def test_bad_bodies_raise_a_clear_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse_feed(body, URL)
    assert info.value.url == URL


def test_malformed_xml_with_nothing_usable_is_an_error() -> None:
    with pytest.raises(ParseError, match="malformed feed"):
        parse_feed(feed("malformed.xml"), URL)


def test_truncated_feed_keeps_the_items_it_has() -> None:
    whole = feed("rss2.xml")
    cut = whole[: whole.index(b"<title>\xd8\xae\xd8\xa8\xd8\xb1 \xd8\xa8\xd9\x84\xd8\xa7")]  # cut inside item 3
    entries = parse_feed(cut, URL, tz=AMMAN)
    assert [e.guid for e in entries] == ["akhbar-1001", "akhbar-1002"]


def test_empty_channel_is_not_an_error() -> None:
    assert parse_feed(b"<rss version='2.0'><channel><title>t</title></channel></rss>", URL) == []


@pytest.mark.parametrize("declared", [True, False])
def test_windows_1256_feed(declared: bool) -> None:
    decl = '<?xml version="1.0" encoding="windows-1256"?>' if declared else ""
    text = f"""{decl}<rss version="2.0"><channel><title>أخبار</title>
<item><title>الدعم العسكري لأوكرانيا</title><link>https://akhbar.example/news/9/x</link>
<category>العالم</category><description>روته يتوقع انضمام دول جديدة</description></item></channel></rss>"""
    (entry,) = parse_feed(text.encode("cp1256"), URL, "application/rss+xml" if declared else None)
    assert entry.title == "الدعم العسكري لأوكرانيا"
    assert entry.categories == ("العالم",)
    assert entry.summary == "روته يتوقع انضمام دول جديدة"


def test_iso_8859_6_declared_in_header() -> None:
    text = "<rss version='2.0'><channel><item><title>الدعم العسكري</title><link>https://a.example/1</link></item></channel></rss>"
    (entry,) = parse_feed(text.encode("iso8859-6"), URL, "text/xml; charset=ISO-8859-6")
    assert entry.title == "الدعم العسكري"
