"""``akhbar preview`` and ``akhbar summarize``: files, a page served over loopback HTTP, errors."""

from __future__ import annotations

import argparse
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from PIL import Image

from bot.commands import preview, summarize
from bot.config import Settings, load_settings
from tests.test_compose_telegram import DATA

SEED = (DATA / "seed/seed_article.txt").read_text(encoding="utf-8")
TITLE = "الناتو يبحث تعزيز الدعم العسكري لأوكرانيا وتطوير القدرات الدفاعية خلال اجتماع بروكسل"
PAGE = f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{TITLE} - أخبار هنا العالم</title>
<meta property="og:image" content="/img/photo.png"></head><body>
<h1>{TITLE}</h1>
<article>
<p>توقّع الأمين العام لحلف شمال الأطلسي (الناتو)، مارك روته، يوم الأربعاء، أن تعلن دول أعضاء في الحلف عن
مبادرات جديدة للانضمام إلى البرنامج الأميركي المموّل من الحلفاء لتقديم الدعم العسكري لأوكرانيا.</p>
<p>وأوضح الأمين العام أن الحلف ناقش خلال القمة أيضًا ضرورة زيادة الإنتاج الصناعي الدفاعي، بهدف ضمان
استمرار الدعم لأوكرانيا في مواجهة العدوان الروسي.</p>
</article></body></html>"""


def settings() -> Settings:
    return load_settings(env_file=None, SITE_URL="https://www.akhbar-huna.com", SITE_NAME="أخبار هنا العالم")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="akhbar")
    sub = p.add_subparsers(dest="command")
    preview.add_parser(sub)
    summarize.add_parser(sub)
    return p


def call(module: object, argv: list[str]) -> tuple[int, str, str]:
    args = parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    code = module.run(args, settings(), out, err)  # type: ignore[attr-defined]
    return code, out.getvalue(), err.getvalue()


def text_file(tmp_path: Path) -> Path:
    lines = [line.strip() for line in SEED.splitlines()]
    body = [line for line in lines[lines.index("Article Image") + 1 :] if line and not line.startswith("مشاركة")]
    path = tmp_path / "seed.txt"
    path.write_text("\n".join([TITLE, *body]), encoding="utf-8")
    return path


def test_preview_plain_text_file_writes_the_card(tmp_path: Path) -> None:
    out_path = tmp_path / "card.jpg"
    code, out, err = call(preview, ["preview", str(text_file(tmp_path)), "--out", str(out_path)])
    assert code == 0, err
    assert f"<b>{TITLE}</b>" in out and "── X (" in out and "[اقرأ المزيد] https://www.akhbar-huna.com/preview?" in out
    assert "the card written to" in out
    with Image.open(out_path) as img:
        assert img.size == (1200, 675) and img.format == "JPEG"


def test_preview_html_file_with_a_local_image(tmp_path: Path) -> None:
    page, photo = tmp_path / "page.html", tmp_path / "photo.png"
    page.write_text(PAGE, encoding="utf-8")
    Image.new("RGB", (800, 450), (20, 90, 160)).save(photo)
    out_path = tmp_path / "out.jpg"
    argv = ["preview", str(page), "--image", str(photo), "--out", str(out_path), "--page-url", "https://a.com/n/1"]
    code, out, err = call(preview, argv)
    assert code == 0, err
    assert "the article's image written" in out and "https://a.com/n/1?utm_source=x" in out
    with Image.open(out_path) as img:
        assert img.size == (800, 450) and img.format == "JPEG"


def test_preview_missing_file_is_one_line_error(tmp_path: Path) -> None:
    code, out, err = call(preview, ["preview", str(tmp_path / "nope.html")])
    assert code == 1 and out == "" and err.startswith("akhbar preview: ") and err.count("\n") == 1


def test_summarize_text_and_html(tmp_path: Path) -> None:
    code, out, _ = call(summarize, ["summarize", "--max-chars", "250", str(text_file(tmp_path))])
    assert code == 0 and out.startswith("توقّع الأمين العام") and len(out.strip()) <= 250
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, _ = call(summarize, ["summarize", "--max-chars", "400", str(page)])
    assert code == 0 and out.startswith("توقّع الأمين العام") and "وأوضح الأمين العام" in out


def test_summarize_bad_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert call(summarize, ["summarize", str(empty)])[0] == 1
    assert call(summarize, ["summarize", "--max-chars", "0", str(empty)])[0] == 2


@pytest.fixture
async def site() -> AsyncIterator[str]:
    png = io.BytesIO()
    Image.new("RGB", (640, 360), (200, 40, 40)).save(png, "PNG")

    async def page(_request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def photo(_request: web.Request) -> web.Response:
        return web.Response(body=png.getvalue(), content_type="image/png")

    app = web.Application()
    app.router.add_get("/news/1", page)
    app.router.add_get("/img/photo.png", photo)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_fetch_a_page_and_its_image_over_http(site: str) -> None:
    article, image = await preview.fetch(f"{site}/news/1", settings())
    assert article.title == TITLE and article.image == f"{site}/img/photo.png"
    assert image is not None and image.startswith(b"\x89PNG")
