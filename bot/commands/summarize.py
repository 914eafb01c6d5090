"""``akhbar summarize [--max-chars N] FILE``: print the extractive summary of an article.

FILE is an HTML page (its article body is extracted as the bot does) or plain text (``-`` reads standard
input).  The summary keeps whole sentences and fits ``--max-chars`` code points.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.commands.preview import DEFAULT_PAGE_URL, looks_like_html, page_article
from bot.compose import summarize
from bot.compose.arabic import strip_site_name
from bot.config import Settings, load_settings
from bot.exceptions import SourceError


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "summarize",
        help="print the summary of a plain-text or HTML article",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="an HTML or plain-text article; - for standard input")
    p.add_argument("--max-chars", type=int, default=400, help="the summary's length limit (default 400)")
    p.set_defaults(handler=lambda args: run(args, load_settings(), sys.stdout, sys.stderr))


def run(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    if args.max_chars < 1:
        err.write("akhbar summarize: --max-chars must be at least 1\n")
        return 2
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        err.write(f"akhbar summarize: {exc}\n")
        return 1
    site = settings.sources.site_name
    title: str | None = None
    if looks_like_html(data):
        try:
            article = page_article(data, settings.sources.site_url or DEFAULT_PAGE_URL, settings)
        except SourceError as exc:
            err.write(f"akhbar summarize: {exc}\n")
            return 1
        title = strip_site_name(article.title, site)
        paragraphs = list(article.paragraphs) or [article.description or ""]
    else:
        paragraphs = data.decode("utf-8-sig", errors="replace").splitlines()
    summary = summarize(paragraphs, args.max_chars, title=title, site_name=site)
    if not summary:
        err.write("akhbar summarize: no text to summarise\n")
        return 1
    out.write(summary + "\n")
    return 0
