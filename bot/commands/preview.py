"""``akhbar preview URL|FILE``: the posts one article would get, before anything is sent.

Prints the Telegram caption (HTML, with its length against the 1024 limit), the inline keyboard, and the X
text (weighted length against 280), and writes the image the post would carry — the article's own image
made safe for both platforms, or the branded card when there is none or it is unusable — to ``--out``.
A URL is fetched like the bot fetches pages; a FILE is an HTML page (``--page-url`` says where it lives,
for its links) or plain text (first line the headline, the rest the body).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.compose import ComposeContext, compose_posts, prepare_image, render_card, validate_templates
from bot.compose.tghtml import CAPTION_LIMIT
from bot.compose.xcount import x_weight
from bot.config import Settings, load_settings
from bot.exceptions import ComposeError, SourceError
from bot.models import Article
from bot.sources.fetch import Fetcher
from bot.sources.page import extract_article

DEFAULT_PAGE_URL = "https://example.com/preview"


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "preview",
        help="print the Telegram and X posts for one article and write its image",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", metavar="URL|FILE", help="an article URL, an HTML file or a plain-text file")
    p.add_argument("--out", default="preview.jpg", help="where to write the image (default ./preview.jpg)")
    p.add_argument("--page-url", help="for a FILE: the page's address, used for links (default SITE_URL)")
    p.add_argument("--image", help="for a FILE: a local image file to prepare instead of the card")
    p.set_defaults(handler=lambda args: run(args, load_settings(), sys.stdout, sys.stderr))


def run(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    ctx = ComposeContext.from_settings(settings)
    try:
        validate_templates(ctx)
        article, image = load(args.source, settings, args.page_url, args.image)
        prepared = prepare_image(image) if image else None
        section = article.section.name if article.section else None
        photo = prepared or render_card(article.title, ctx.site_name, section, font_path=ctx.card_font)
        posts = compose_posts(article, ctx, photo=photo)
    except (SourceError, ComposeError, OSError) as exc:
        err.write(f"akhbar preview: {exc}\n")
        return 1
    Path(args.out).write_bytes(photo)
    out.write(f"── Telegram caption ({len(posts.telegram.plain)}/{CAPTION_LIMIT}) ──\n{posts.telegram.html}\n")
    out.write("── Keyboard ──\n")
    for row in posts.telegram.buttons:
        out.write("  ".join(f"[{b.text}] {b.url}" for b in row) + "\n")
    out.write(f"── X ({x_weight(posts.x.text)}/280) ──\n{posts.x.text}\n")
    kind = "the article's image" if prepared else "the card"
    out.write(f"── Image ──\n{kind} written to {args.out} ({len(photo) // 1024} KB)\n")
    return 0


def load(
    source: str, settings: Settings, page_url: str | None = None, image_path: str | None = None
) -> tuple[Article, bytes | None]:
    """The article behind ``source`` and its image bytes (None when it has none or it could not be had)."""
    if source.startswith(("http://", "https://")):
        return asyncio.run(fetch(source, settings))
    data = Path(source).read_bytes()
    image = Path(image_path).read_bytes() if image_path else None
    url = page_url or (settings.sources.site_url + "/preview" if settings.sources.site_url else DEFAULT_PAGE_URL)
    if looks_like_html(data):
        return page_article(data, url, settings), image
    return text_article(data.decode("utf-8-sig", errors="replace"), url), image


async def fetch(url: str, settings: Settings) -> tuple[Article, bytes | None]:
    """Fetch the page and its image the way the bot does (size caps, timeouts, Referer for the image)."""
    async with Fetcher.open(settings.sources) as fetcher:
        page = await fetcher.fetch_page(url)
        article = page_article(page.body, page.url, settings, page.content_type)
        if not article.image:
            return article, None
        try:
            return article, await fetcher.fetch_image(article.image, referer=article.href)
        except SourceError:
            return article, None


def page_article(body: bytes, url: str, settings: Settings, content_type: str | None = None) -> Article:
    return extract_article(
        body,
        url,
        tz=settings.sources.tz,
        sections=settings.sources.sections,
        site_name=settings.sources.site_name,
        content_type=content_type,
    )


def text_article(text: str, url: str) -> Article:
    """Plain text: the first non-empty line is the headline, the other lines the paragraphs."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ComposeError("the file is empty")
    return Article(url=url, title=lines[0], paragraphs=tuple(lines[1:]))


def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lower()
    return any(tag in head for tag in (b"<html", b"<!doctype html", b"<body", b"<p>", b"<p ", b"<article"))
