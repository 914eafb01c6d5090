"""The `akhbar` command as a user runs it: a real subprocess, real exit codes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def akhbar(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, timeout=timeout, env=_env(env), cwd=ROOT,
    )  # fmt: skip


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "FEED_", "X_", "WEBHOOK_"))}
    env.pop("POLL_INTERVAL", None)
    env.pop("DATABASE_URL", None)
    env.update(extra or {})
    return env


def test_help_on_every_command() -> None:
    top = akhbar("--help")
    assert top.returncode == 0
    for name in ("run", "check", "demo", "extract", "preview", "summarize"):
        assert name in top.stdout
        sub = akhbar(name, "--help")
        assert sub.returncode == 0, sub.stderr
        assert "usage: akhbar " + name in sub.stdout


def test_bad_poll_interval_stops_run_with_one_line() -> None:
    res = akhbar("run", env={"POLL_INTERVAL": "abc"})
    assert res.returncode != 0
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert "POLL_INTERVAL" in lines[0]
    assert "Traceback" not in res.stderr


def test_bad_token_is_named_and_not_echoed() -> None:
    res = akhbar("check", "--offline", env={"BOT_TOKEN": "oops this-is-secret"})
    assert res.returncode != 0
    assert "BOT_TOKEN" in res.stderr and "this-is-secret" not in res.stderr + res.stdout


def test_check_offline_accepts_good_settings() -> None:
    res = akhbar("check", "--offline", env={"FEED_URLS": "https://huna.example/feed.xml", "POLL_INTERVAL": "1"})
    assert res.returncode == 0, res.stderr
    assert "ok    settings" in res.stdout


@pytest.mark.slow
def test_demo_shows_the_seed_article_post() -> None:
    res = akhbar("demo", timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "الناتو يبحث تعزيز الدعم العسكري لأوكرانيا" in res.stdout
    assert "X · post" in res.stdout and "message 2 edited" in res.stdout
    assert "Traceback" not in res.stderr


@pytest.mark.slow
def test_run_stops_on_sigterm_within_ten_seconds(tmp_path: Path) -> None:
    env = _env(
        {
            "FEED_URLS": "http://127.0.0.1:9/feed.xml",  # nothing listens: the feed just fails and backs off
            "POLL_INTERVAL": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path}/akhbar.db",
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the console-mode warning is logged just after the signal handlers are installed: it runs now
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        seen = ""
        while "BOT_TOKEN is not set" not in seen and time.monotonic() < deadline and proc.poll() is None:
            seen += proc.stderr.readline()
        assert proc.poll() is None, seen
        time.sleep(1.5)  # let it poll the (failing) feed and back off
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert time.monotonic() - started < 10
        assert proc.returncode == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "akhbar.db").exists()


def test_bad_template_stops_start_up_with_one_line() -> None:
    res = akhbar("run", env={"TELEGRAM_TEMPLATE": "<b>{headline}</b> {nope}"})
    assert res.returncode == 2
    assert "TELEGRAM_TEMPLATE" in res.stderr and "Traceback" not in res.stderr


def test_unreachable_database_is_one_clear_line() -> None:
    res = akhbar("run", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/akhbar"})
    assert res.returncode == 1
    assert "cannot migrate the database" in res.stderr and "Traceback" not in res.stderr
