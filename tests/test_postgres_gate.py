"""The one skip in the suite (PostgreSQL storage cases without a server) fails under CI's setting:
a storage test is run in a child pytest pointed at a port where nothing listens."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = "tests/test_store_outbox.py::test_dead_letters_are_visible"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(require: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["AKHBAR_TEST_POSTGRES"] = f"postgresql://postgres@127.0.0.1:{_closed_port()}/test"
    env["AKHBAR_REQUIRE_POSTGRES"] = require
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", CASE]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_without_a_server_the_postgres_cases_fail_when_required() -> None:
    run = _run("1")
    assert run.returncode != 0, run.stdout
    assert "PostgreSQL is required" in run.stdout
    assert "1 passed" in run.stdout  # the SQLite case still ran


def test_without_a_server_they_are_skipped_locally() -> None:
    run = _run("")
    assert run.returncode == 0, run.stdout
    assert "1 passed, 1 skipped" in run.stdout
