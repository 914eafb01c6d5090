"""Article pages → Articles: the seed site's structure, a real CNN Arabic page, hand-made edge cases."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import DEFAULT_SECTIONS
from bot.exceptions import ParseError
from bot.models import Article, Section
from bot.sources.page import extract_article

PAGES = Path(__file__).parent / "data" / "pages"
SAMPLES = json.loads((Path(__file__).parent / "fakes" / "site_data" / "articles.json").read_text("utf-8"))
AMMAN = ZoneInfo("Asia/Amman")
SECTIONS = dict(pair.split("=") for pair in DEFAULT_SECTIONS.split(","))
SITE = "أخبار هنا العالم"
CHROME = ["الرجاء الانتظار", "Main Logo", "Article Image", "مشاركة عبر", "أخبار ذات صلة", "الأكثر قراءة",
          "جميع الحقوق محفوظة", "فيسبوك", "عاجل", "مشاهدة", "الرئيسية", "ارتفاع أسعار الذهب"]  # fmt: skip


def extract(name: str | bytes, url: str, **kw: object) -> Article:
    html = (PAGES / name).read_bytes() if isinstance(name, str) else name
    return extract_article(html, url, tz=AMMAN, sections=SECTIONS, site_name=SITE, **kw)  # type: ignore[arg-type]


def no_chrome(article: Article) -> None:
    dumped = json.dumps(asdict(article), ensure_ascii=False, default=str)
    for junk in CHROME:
        assert junk not in dumped, junk


def test_seed_site_page() -> None:
    seed = SAMPLES[0]
    a = extract("huna-nato.html", "https://hunaalalam.example/news/1001/x?utm_source=telegram")
    assert a.title == seed["title"]
    assert a.kicker == seed["kicker"]
    assert a.dateline == SITE
    assert list(a.paragraphs) == seed["paragraphs"]
    assert a.published == datetime(2025, 10, 15, 15, 59, tzinfo=AMMAN)
    assert a.section == Section("العالم", "world")
    assert a.image == "https://hunaalalam.example/uploads/2025/10/nato-brussels.jpg"
    assert a.link.startswith("https://hunaalalam.example/news/1001/%D8%A7%D9%84%D9%86")  # the canonical
    assert a.url == a.link  # already normal
    no_chrome(a)


def test_seed_site_page_without_any_meta() -> None:
    seed = SAMPLES[0]
    a = extract("huna-nato-bare.html", "http://www.hunaalalam.example/news/1001/x/?utm_source=telegram#top")
    assert a.title == seed["title"]  # from <h1>; the <title> carries « | اخبار هنا العالم»
    assert a.kicker == seed["kicker"] and a.dateline == SITE
    assert list(a.paragraphs) == seed["paragraphs"]
    assert a.published == datetime(2025, 10, 15, 15, 59, tzinfo=AMMAN)  # the date line under the title
    assert a.section == Section("العالم", "world")  # the breadcrumb
    assert a.image == "http://www.hunaalalam.example/uploads/2025/10/nato-brussels.jpg"  # «Article Image»
    assert a.url == "https://hunaalalam.example/news/1001/x"
    assert a.description is None
    no_chrome(a)


def test_real_cnn_arabic_page() -> None:
    expected = [p for p in (PAGES / "cnn-arabic-2013" / "arabic_article.txt").read_text("utf-8").split("\n") if p]
    meta = json.loads((PAGES / "cnn-arabic-2013" / "arabic_article.metadata.json").read_text("utf-8"))
    a = extract("cnn-arabic-2013/arabic_article.html", meta["url"])
    assert a.title == meta["title"]
    assert a.dateline == "دمشق، سوريا (CNN)"
    assert [f"{a.dateline} -- {a.paragraphs[0]}", *a.paragraphs[1:]] == expected
    assert a.image == meta["meta_img"]
    assert a.link == meta["canonical_link"]
    assert a.published == datetime(2013, 8, 28, 14, 0, tzinfo=timezone(timedelta(hours=4)))  # «(GMT+0400)»
    assert not any("التعليقات" in p for p in a.paragraphs)  # the comments policy under the story


def test_sky_news_arabia_edge_case() -> None:
    a = extract("handmade-edge-cases/skynewsarabia_article.html", "https://www.skynewsarabia.com/middle-east/1")
    assert a.title == "الشرع: نؤسس لشراكة تقوم على المصالح المتبادلة مع فرنسا"
    assert a.published == datetime(2026, 7, 7, 14, 30, tzinfo=timezone(timedelta(hours=3)))  # ٢٠٢٦-٠٧-٠٧T١٤…
    assert a.paragraphs[0].startswith("قال الرئيس السوري، أحمد الشرع، الثلاثاء")  # the lead above the body
    assert len(a.paragraphs) == 4
    joined = " ".join(a.paragraphs)
    for junk in ("أخبار ذات صلة", "شارك الخبر", "دوي انفجارات", "SKY", "الشرع وماكرون"):
        assert junk not in joined


def test_mobile_page_with_app_promos() -> None:
    a = extract("handmade-edge-cases/generic_mobile_arabic_article.html", "https://m.example.com/a/1")
    assert a.title == "المدينة تعلن خطة نقل جديدة"
    assert len(a.paragraphs) == 3 and a.paragraphs[0].startswith("قالت البلدية")
    joined = " ".join(a.paragraphs)
    for junk in ("افتح التطبيق", "إشعارات الأخبار", "اقرأ المزيد", "اشترك", "الشرق الأوسط"):
        assert junk not in joined


@pytest.mark.parametrize("declared", [True, False])
def test_windows_1256_page(declared: bool) -> None:
    raw = (PAGES / "cp1256-economy.html").read_bytes()
    if not declared:
        raw = raw.replace(b"; charset=windows-1256", b"")
    a = extract(raw, "https://iqtisad.example/article/7788?from=home")
    assert a.title == "ارتفاع صادرات الفوسفات 12% في الربع الثالث"
    assert a.dateline == "عمّان (بترا)"
    assert a.paragraphs[0].startswith("ارتفعت صادرات المملكة من الفوسفات")
    assert len(a.paragraphs) == 3  # «اقرأ أيضًا: …» is not the story
    assert a.section == Section("اقتصاد", "economy")  # the first of JSON-LD's articleSection list
    assert a.published == datetime(2025, 10, 14, 9, 15, tzinfo=timezone(timedelta(hours=3)))
    assert a.image == "https://iqtisad.example/img/phosphate.jpg"
    assert a.url == "https://iqtisad.example/article/7788"  # JSON-LD mainEntityOfPage


def test_header_charset_decides_for_bytes() -> None:
    html = "<html><head><title>الدعم العسكري</title></head><body><h1>الدعم العسكري</h1></body></html>"
    a = extract(html.encode("iso8859-6"), "https://x.example/a", content_type="text/html; charset=ISO-8859-6")
    assert a.title == "الدعم العسكري"


def test_hostile_markup_in_titles_is_plain_text() -> None:
    og = "&lt;script&gt;alert(1)&lt;/script&gt;عاجل &lt;b&gt;خبر&lt;/b&gt;"
    html = f"""<html><head><meta property="og:title" content="{og}"></head>
    <body><h1>عاجل <script>alert(2)</script><b>خبر</b></h1><p>نص الخبر الكامل هنا مع بعض التفاصيل.</p></body></html>"""
    a = extract(html.encode(), "https://x.example/a")
    assert a.title == "عاجل خبر"


def test_unknown_category_keeps_its_name_and_gets_a_slug() -> None:
    html = """<html><head><meta property="article:section" content="الشرق الأوسط"></head>
    <body><h1>عنوان</h1><p>نص الخبر الكامل هنا مع بعض التفاصيل المهمة.</p></body></html>"""
    a = extract(html.encode(), "https://x.example/a")
    assert a.section == Section("الشرق الأوسط", "alshrq_alawst")


def test_body_written_with_line_breaks() -> None:
    lines = [f"هذه هي الفقرة رقم {i} من الخبر، وفيها ما يكفي من النص لتُعدّ فقرة." for i in range(4)]
    html = f"<html><body><h1>عنوان</h1><div class='txt'>{'<br><br>'.join(lines)}</div></body></html>"
    assert list(extract(html.encode(), "https://x.example/a").paragraphs) == lines


def test_canonical_on_another_site_is_ignored() -> None:
    html = """<html><head><link rel="canonical" href="https://evil.example/x"><title>عنوان</title></head>
    <body><h1>عنوان</h1></body></html>"""
    assert extract(html.encode(), "https://www.x.example/a").link == "https://www.x.example/a"


def test_amp_page_canonical_is_kept() -> None:
    html = """<html><head><link rel="canonical" href="https://www.x.example/news/1"></head>
    <body><h1>عنوان</h1></body></html>"""
    assert extract(html.encode(), "https://amp.x.example/news/1").url == "https://x.example/news/1"


@pytest.mark.parametrize(
    "html", [b"", b"   ", b"<html><body><div>no title anywhere</div></body></html>", b"\x00\x01\x02"]
)
def test_not_an_article_is_a_parse_error(html: bytes) -> None:
    with pytest.raises(ParseError):
        extract(html, "https://x.example/a")
