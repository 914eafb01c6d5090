"""`akhbar check` against a real sample site and the fake Bot API: what is usable, what is not."""

from __future__ import annotations

import io
from pathlib import Path

from bot.commands.check import check
from bot.config import load_settings
from bot.demo.site import SampleSite, load_articles
from tests.fakes.telegram import FakeBotAPI

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


async def test_everything_reachable(tmp_path: Path) -> None:
    async with FakeBotAPI(token=TOKEN) as fake, SampleSite(load_articles()) as site:
        settings = load_settings(
            env_file=None,
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.url,
            TELEGRAM_CHANNELS="@huna_news",
            FEED_URLS=f"{site.url}/feed.xml",
            DATABASE_URL=f"sqlite:///{tmp_path}/a.db",
        )
        out = io.StringIO()
        code = await check(settings, out)
    text = out.getvalue()
    assert code == 0, text
    assert f"ok    FEED_URLS {site.url}/feed.xml: 6 items" in text
    assert "ok    BOT_TOKEN: @akhbar_test_bot" in text
    assert "ok    TELEGRAM_CHANNELS @huna_news" in text
    assert TOKEN not in text


async def test_problems_are_each_named(tmp_path: Path) -> None:
    async with FakeBotAPI(token="999:other-token-the-server-knows") as fake, SampleSite(load_articles()) as site:
        settings = load_settings(
            env_file=None,
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.url,
            FEED_URLS=f"{site.url}/feed.xml,{site.url}/missing.xml",
            DATABASE_URL=f"sqlite:///{tmp_path}/a.db",
        )
        out = io.StringIO()
        code = await check(settings, out)
    text = out.getvalue()
    assert code == 1
    assert f"FAIL  FEED_URLS {site.url}/missing.xml" in text
    assert "FAIL  BOT_TOKEN: refused by Telegram" in text
    assert "2 problem(s)" in text
