#!/usr/bin/env bash
# Install Akhbar with its dev extra into .venv and run every check: ruff, mypy (strict) and the tests.
# PostgreSQL tests use AKHBAR_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test) and are
# skipped when no server answers — unless AKHBAR_REQUIRE_POSTGRES=1, as .ci/run sets.
source "$(dirname "$0")/_venv.sh" "[dev]"
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest -q -n 2 "$@"
