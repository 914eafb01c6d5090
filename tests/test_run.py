"""`akhbar run` with a token, as deployed: a subprocess talking to the fake Bot API by long polling.
It sets its command menus, answers a reader, posts new articles, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.demo.site import SampleSite, load_articles
from tests.fakes.telegram import FakeBotAPI, Limits

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


@pytest.mark.slow
async def test_run_answers_readers_posts_and_stops(tmp_path: Path) -> None:
    articles = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(articles[1:]) as site:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "FEED_", "X_"))}
        env |= {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "TELEGRAM_CHANNELS": "@huna_news",
            "FEED_URLS": f"{site.url}/feed.xml",
            "POLL_INTERVAL": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path}/akhbar.db",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            for _ in range(80):
                if site.feed_hits >= 2:
                    break
                await asyncio.sleep(0.25)
            fake.user_message("/start", user_id=4242)
            replies = await fake.wait_sent(1, chat=4242, within=15)
            assert "أخبار" in replies[0].text or "مرحب" in replies[0].text
            assert fake.commands, "setMyCommands was not called"

            newest = max(a.time for a in site.articles)
            site.publish(dataclasses.replace(articles[0], time=newest + timedelta(minutes=1)))
            posts = await fake.wait_sent(1, chat="@huna_news", within=15)
            assert "الناتو" in posts[0].text
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.to_thread(proc.communicate, None, 15)
        assert proc.returncode == 0, err.decode()[-3000:]
        assert TOKEN not in (out + err).decode()
        assert fake.parse_errors() == []
