"""``akhbar extract URL|FILE``: print, as JSON, the article the bot understands from one page.

Editors use it to see whether the bot reads a site correctly: the canonical URL and identity key, the
title, kicker and dateline, the section and its command slug, the published time (ISO 8601 with its
offset, in SITE_TIMEZONE when the page gives a local time), the image and the body paragraphs — with
none of the site's chrome.  A FILE is a saved HTML page; ``--url`` says where it came from (relative
links and the identity key are resolved against it).  Exits 1, with one line on stderr, when the page
cannot be fetched or holds no article.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot.config import SourceSettings, load_settings
from bot.exceptions import SourceError
from bot.models import Article
from bot.sources.fetch import Fetcher
from bot.sources.page import extract_article


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "extract",
        help="print the article the bot reads from one page (URL or saved HTML file) as JSON",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", metavar="URL|FILE", help="an article URL (http/https) or a saved HTML file")
    p.add_argument("--url", help="for a FILE: the URL the page was saved from")
    p.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        if args.source.startswith(("http://", "https://")):
            article, fetched_from = asyncio.run(_from_url(args.source, settings.sources))
        else:
            article, fetched_from = _from_file(Path(args.source), args.url, settings.sources)
    except SourceError as exc:
        print(f"akhbar extract: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"akhbar extract: cannot read {args.source}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    json.dump(as_json(article, fetched_from), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _options(settings: SourceSettings) -> dict[str, Any]:
    return {"tz": settings.tz, "sections": settings.sections, "site_name": settings.site_name}


async def _from_url(url: str, settings: SourceSettings) -> tuple[Article, str]:
    async with Fetcher.open(settings) as fetcher:
        got = await fetcher.fetch_page(url)
    return extract_article(got.body, got.url, content_type=got.content_type, **_options(settings)), got.url


def _from_file(path: Path, url: str | None, settings: SourceSettings) -> tuple[Article, str]:
    where = url or path.resolve().as_uri()
    return extract_article(path.read_bytes(), where, **_options(settings)), where


def as_json(article: Article, fetched_from: str) -> dict[str, Any]:
    return {
        "url": fetched_from,
        "canonical_url": article.link,
        "key": article.url,
        "title": article.title,
        "kicker": article.kicker,
        "dateline": article.dateline,
        "section": article.section.name if article.section else None,
        "section_slug": article.section.slug if article.section else None,
        "published": article.published.isoformat() if article.published else None,
        "image": article.image,
        "description": article.description,
        "paragraphs": list(article.paragraphs),
    }
