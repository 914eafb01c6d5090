#!/usr/bin/env bash
# Install Akhbar into .venv and run the demo: a bundled sample site, SQLite, posts printed to the console.
source "$(dirname "$0")/_venv.sh" ""
exec .venv/bin/akhbar demo "$@"
