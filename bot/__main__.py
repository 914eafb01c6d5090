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

from bot.exceptions import ComposeError, ConfigError, StoreError

COMMANDS = {
    "run": "run the bot: watch the feeds, deliver posts, answer readers and editors",
    "check": "validate the settings and report what is wrong or unreachable",
    "demo": "run the pipeline against a bundled sample site and print the posts (no token needed)",
    "extract": "print the article the bot reads from one page (URL or saved HTML file) as JSON",
    "preview": "print the Telegram and X posts for one article and write its image",
    "summarize": "print the summary of a plain-text or HTML article",
}


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``selected`` command's module is imported (each pulls in what it needs, and
    some of that is heavy), the others are listed by their one-line help."""
    parser = argparse.ArgumentParser(
        prog="akhbar",
        description="Akhbar (أخبار): distribute an Arabic news site's articles to Telegram and X.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text in COMMANDS.items():
        if name == selected:
            importlib.import_module(f"bot.commands.{name}").add_parser(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    selected = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(selected if selected in COMMANDS else None).parse_args(argv)
    try:
        code: int = args.handler(args)
    except (ConfigError, ComposeError) as exc:  # a bad setting or template: one line, naming it
        print(f"akhbar: configuration error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:  # the database is unreachable or refused the migration
        print(f"akhbar: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
