"""The one place that wires Akhbar together: ``akhbar <command>`` / ``python -m bot <command>``.

Each sub-command lives in ``bot/commands/<name>.py`` and exposes ``add_parser(subparsers)``, which sets
``handler=<callable(args) -> int>`` on its parser.  Settings are loaded here (never at import time), by the
commands that need them, through :func:`bot.config.load_settings`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.exceptions import ConfigError

COMMANDS = ("run", "check", "demo", "extract", "preview", "summarize")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="akhbar",
        description="Akhbar (أخبار): distribute an Arabic news site's articles to Telegram and X.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"bot.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConfigError as exc:
        print(f"akhbar: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
