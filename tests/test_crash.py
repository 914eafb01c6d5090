"""Crash safety: a burst of 30 articles while the bot process is SIGKILLed at random points and
restarted, several times.  Every article must reach every destination; duplicates (the one documented
window: sent but not yet recorded) are counted and reported."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.demo.site import SampleSite, load_articles
from tests.fakes.telegram import FakeBotAPI, Limits

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
CHANNELS = ("@huna_news", "-1001234567890")
BURST = 30
KILLS = 4
BIDI = dict.fromkeys(map(ord, "\u2068\u2069\u200f\u200e"))  # the composer's invisible direction marks


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@pytest.mark.slow
async def test_sigkill_loses_nothing(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("AKHBAR_CRASH_SEED", "7")))
    base = load_articles()
    async with FakeBotAPI(limits=Limits.off()) as fake, SampleSite(base) as site:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "FEED_", "X_"))}
        env |= {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "TELEGRAM_CHANNELS": ",".join(CHANNELS),
            "TELEGRAM_GROUP_RATE": "6000",
            "FEED_URLS": f"{site.url}/feed.xml",
            "SITE_URL": site.url,
            "POLL_INTERVAL": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path}/akhbar.db",
            "LOG_LEVEL": "WARNING",
        }
        proc = _start(env)
        for _ in range(60):  # a second poll means the first (the baseline of the sample articles) was recorded
            if site.feed_hits >= 2:
                break
            await asyncio.sleep(0.25)
        t0 = max(a.time for a in base)
        titles = []
        for n in range(BURST):
            a = base[n % len(base)]
            title = f"{a.title} — خبر رقم {n + 1}"
            titles.append(title)
            site.publish(dataclasses.replace(a, slug=f"{a.slug}-{n}", title=title, time=t0 + timedelta(minutes=n)))
        kills = 0
        try:
            for _ in range(KILLS):
                await asyncio.sleep(rng.uniform(0.4, 2.0))
                proc.send_signal(signal.SIGKILL)
                await asyncio.to_thread(proc.wait)
                kills += 1
                proc = _start(env)
            for _ in range(120):
                if all(len(fake.sent(int(c) if c.lstrip("-").isdigit() else c)) >= BURST for c in CHANNELS):
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(1.5)  # anything still arriving would be a duplicate: count it too
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.to_thread(proc.communicate, None, 15)
        assert proc.returncode == 0, err.decode()[-3000:]
        report = []
        for chat in CHANNELS:
            got = Counter()
            for m in fake.sent(int(chat) if chat.lstrip("-").isdigit() else chat):
                text = m.text.translate(BIDI)
                for t in titles:
                    if t + "\n" in text:
                        got[t] += 1
            missing = [t for t in titles if got[t] == 0]
            dupes = sum(c - 1 for c in got.values() if c > 1)
            report.append((chat, len(got), dupes))
            assert not missing, f"{chat}: {len(missing)} articles lost after {kills} kills"
        print(f"\ncrash test: {kills} SIGKILLs; per channel (delivered, duplicates): {report}")
        assert fake.parse_errors() == []
