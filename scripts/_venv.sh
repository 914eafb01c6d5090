# Sourced by the scripts: a virtual environment in .venv with Akhbar installed (extras in $1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
  done
fi
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Akhbar needs Python 3.11 or newer ($PY is older)" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
PYTHONWARNINGS=ignore .venv/bin/python -m pip install -q -e ".${1:-}"
