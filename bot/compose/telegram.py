"""Telegram posts: an HTML caption (≤ 1024 code points after parsing; ≤ 4096 as a text message) and an
inline keyboard («اقرأ المزيد» + share buttons), right-to-left safe.

Everything dynamic is cleaned (:func:`~bot.compose.fit.clean_text`), its Latin and number runs isolated,
then ``html.escape``'d.  The summary gets whatever room the template and the other values leave; the
result is parsed with :func:`~bot.compose.tghtml.parse_telegram_html` before it is returned, so an invalid
post raises :class:`~bot.exceptions.ComposeError` here instead of a 400 at send time.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence

from bot.compose.context import ComposeContext, arabic_date, headline_of
from bot.compose.fit import RLM, clean_text, isolate_ltr, starts_rtl, truncate_words
from bot.compose.hashtags import hashtags
from bot.compose.links import add_utm, encode_url, share_links
from bot.compose.summary import summarize
from bot.compose.templates import telegram_template
from bot.compose.tghtml import CAPTION_LIMIT, TEXT_LIMIT, parse_telegram_html
from bot.exceptions import ComposeError
from bot.models import Article, Button, TelegramPost

HEADLINE_CHARS = 250
SHARE_TEXT_CHARS = 120
READ_MORE = "اقرأ المزيد"
SHARE_LABELS = ("تيليجرام", "إكس", "فيسبوك", "واتساب")
_TAG = re.compile(r"<[^>]*>")


def compose_telegram(
    article: Article, ctx: ComposeContext, *, photo: bytes | None = None, tags: Sequence[str] | None = None
) -> TelegramPost:
    """The channel post for ``article``: a photo caption when ``photo`` is given, else a text message.
    ``tags`` skips recomputing the hashtags when the caller has them."""
    limit = CAPTION_LIMIT if photo is not None else TEXT_LIMIT
    template = telegram_template(ctx)
    title = headline_of(article, ctx.site_name)
    headline = truncate_words(title, HEADLINE_CHARS)
    paragraphs = [clean_text(p) for p in article.paragraphs] or [clean_text(article.description or "")]
    section = clean_text(article.section.name) if article.section else ""
    link = add_utm(encode_url(article.href), "telegram", ctx.utm_campaign)
    values = {
        "headline": _text(headline),
        "hashtags": html.escape(" ".join(hashtags(section or None, title, paragraphs) if tags is None else tags)),
        "date": _text(arabic_date(article.published, ctx.tz)) if article.published else "",
        "url": html.escape(link, quote=True),
        "site": _text(clean_text(ctx.site_name)),
        "section": _text(section),
        "summary": "",
    }
    # fixed part first; if even that is over the limit, shed hashtags, then shorten the headline
    fixed = _length(_finish(template.render(values)))
    while fixed > limit:
        if values["hashtags"]:
            values["hashtags"] = ""
        else:
            headline = truncate_words(headline, max(len(headline) - 50, 0))
            values["headline"] = _text(headline)
            if not headline:
                raise ComposeError("the Telegram template leaves no room for a headline")
        fixed = _length(_finish(template.render(values)))
    if "summary" in template.fields:
        values["summary"] = _fit_summary(
            paragraphs, title, ctx, min(ctx.summary_chars, limit - fixed - 3), fixed, limit
        )
    text = _finish(template.render(values))
    try:
        plain = parse_telegram_html(text)
    except ValueError as exc:
        raise ComposeError(f"composed an invalid Telegram post: {exc}") from None
    if len(plain) > limit:
        raise ComposeError(f"composed a Telegram post of {len(plain)} characters (limit {limit})")
    return TelegramPost(
        html=text,
        buttons=keyboard(article.href, headline, ctx),
        photo=photo,
        photo_key=hashlib.sha256(photo).hexdigest()[:32] if photo is not None else None,
        plain=plain,
    )


def keyboard(url: str, headline: str, ctx: ComposeContext) -> tuple[tuple[Button, ...], ...]:
    """«اقرأ المزيد» on its own row, then one row of share buttons."""
    base = encode_url(url)
    links = share_links(base, truncate_words(headline, SHARE_TEXT_CHARS), ctx.utm_campaign)
    share = (links.telegram, links.x, links.facebook, links.whatsapp)
    return (
        (Button(READ_MORE, add_utm(base, "telegram", ctx.utm_campaign)),),
        tuple(Button(label, target) for label, target in zip(SHARE_LABELS, share, strict=True)),
    )


def compose_breaking(text: str, ctx: ComposeContext) -> TelegramPost:
    """An editor's «عاجل» alert (a text message): the first line bold after «🔴 عاجل |», the rest as is."""
    lines = clean_text(text, keep_newlines=True).split("\n")
    first, rest = lines[0], [_text(line) for line in lines[1:]]
    if not first:
        raise ComposeError("a breaking-news alert needs text")
    head_room = TEXT_LIMIT - len("🔴 عاجل | ") - sum(len(line) + 1 for line in lines[1:]) - 100
    first = truncate_words(first, max(head_room, 200))
    body = "\n".join([f"🔴 <b>عاجل | {_text(first)}</b>", *rest])
    while _length(_finish(body)) > TEXT_LIMIT and rest:
        rest.pop()
        body = "\n".join([f"🔴 <b>عاجل | {_text(first)}</b>", *rest])
    final = _finish(body)
    return TelegramPost(html=final, plain=parse_telegram_html(final))


def compose_correction(article: Article, ctx: ComposeContext) -> TelegramPost:
    """The text that replaces a post whose article the site withdrew (fits a caption as well)."""
    title = truncate_words(headline_of(article, ctx.site_name), 600)
    site = _text(clean_text(ctx.site_name))
    final = _finish(f"⚠️ <b>تنويه</b>\nسحب {site} هذا الخبر ولم يعد متاحًا:\n«{_text(title)}»")
    return TelegramPost(html=final, plain=parse_telegram_html(final))


def _fit_summary(paragraphs: list[str], title: str, ctx: ComposeContext, room: int, fixed: int, limit: int) -> str:
    """The escaped summary for a post whose other parts take ``fixed`` characters.  Filling the
    placeholder adds the summary, at most two line breaks that had collapsed and one U+200F."""
    while room > 20:
        summary = isolate_ltr(summarize(paragraphs, room, title=title, site_name=ctx.site_name))
        over = fixed + len(summary) + 3 - limit
        if over <= 0:
            return html.escape(summary, quote=False)
        room -= over
    return ""


def _text(value: str) -> str:
    return html.escape(isolate_ltr(value), quote=False)


def _finish(text: str) -> str:
    """Every line starts right-to-left (U+200F before a line whose first visible character is not RTL)."""
    out = []
    for line in text.split("\n"):
        visible = html.unescape(_TAG.sub("", line))
        out.append(line if starts_rtl(visible) else RLM + line)
    return "\n".join(out)


def _length(text: str) -> int:
    return len(parse_telegram_html(text))
