"""``akhbar extract URL|FILE``: the Article as JSON, for editors."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.fakes.site import FakeSite

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).parent / "data" / "pages"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in ("SITE_TIMEZONE", "SECTION_MAP", "SITE_NAME", "FEED_URLS"):
        monkeypatch.delenv(name, raising=False)


def test_extract_a_saved_page(capsys: pytest.CaptureFixture[str]) -> None:
    page = PAGES / "huna-nato-bare.html"
    assert main(["extract", str(page), "--url", "https://hunaalalam.example/news/1001/x?utm_source=tg"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["title"].startswith("الناتو يبحث تعزيز الدعم العسكري")
    assert out["kicker"].startswith("روته يتوقّع") and out["dateline"] == "أخبار هنا العالم"
    assert (out["section"], out["section_slug"]) == ("العالم", "world")
    assert out["published"] == "2025-10-15T15:59:00+03:00"
    assert out["key"] == "https://hunaalalam.example/news/1001/x"
    assert out["canonical_url"] == "https://hunaalalam.example/news/1001/x?utm_source=tg"
    assert out["image"] == "https://hunaalalam.example/uploads/2025/10/nato-brussels.jpg"
    assert len(out["paragraphs"]) == 9
    assert "مشاركة عبر" not in json.dumps(out, ensure_ascii=False)


def test_output_keeps_arabic_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(PAGES / "cp1256-economy.html")]) == 0
    raw = capsys.readouterr().out
    assert "ارتفاع صادرات الفوسفات" in raw and "\\u0627" not in raw
    assert json.loads(raw)["published"] == "2025-10-14T09:15:00+03:00"


def test_a_page_without_an_article_fails_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><div>nothing</div></body></html>")
    assert main(["extract", str(empty)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no article title found" in err[0]


def test_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "no-such-page.html"]) == 1
    assert "cannot read no-such-page.html" in capsys.readouterr().err


@pytest.mark.slow
async def test_extract_a_url_end_to_end(tmp_path: Path) -> None:
    async with FakeSite() as site:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SITE_TIMEZONE": "Asia/Amman"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "extract", site.article_url(1004),
            cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        data = json.loads(out)
        assert data["title"] == site.get(1004).title
        assert data["section_slug"] == "sports" and data["image"] is None  # this one has no photo
        assert data["published"] == "2025-10-14T22:10:00+03:00"
        assert data["paragraphs"] == list(site.get(1004).paragraphs)
