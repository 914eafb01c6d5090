"""X posts: at most 280 weighted characters (twitter-text v3, counted with twitter-text-parser).

The headline is kept whole when it can be; hashtags are added as room allows (three, then two, one, none);
the link — percent-encoded so X counts it as 23 and tagged ``utm_source=x`` — is left out when
X_INCLUDE_LINK is off (a post with a URL costs about 13 times more).  Only when the headline alone is too
long is it cut, at a word boundary, with «…».  Lines that would start left-to-right get U+200F (which
X weighs 2, and the count includes it).  Latin runs are not isolated here: each isolate costs 2 on X.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.compose.context import ComposeContext, arabic_date, headline_of
from bot.compose.fit import clean_text, rtl_lines, truncate_words
from bot.compose.hashtags import hashtags
from bot.compose.links import add_utm, encode_url
from bot.compose.summary import summarize
from bot.compose.templates import X_LIMIT, Template, x_template
from bot.compose.xcount import x_weight
from bot.exceptions import ComposeError
from bot.models import Article, XPost


def compose_x(
    article: Article, ctx: ComposeContext, *, photo: bytes | None = None, tags: Sequence[str] | None = None
) -> XPost:
    """The X post for ``article``; ``tags`` skips recomputing the hashtags when the caller has them."""
    template = x_template(ctx)
    title = headline_of(article, ctx.site_name)
    section = clean_text(article.section.name) if article.section else ""
    paragraphs: list[str] = []
    if tags is None or "summary" in template.fields:  # the body is only read for these
        paragraphs = [clean_text(p) for p in article.paragraphs] or [clean_text(article.description or "")]
    if tags is None:
        tags = hashtags(section or None, title, paragraphs)
    values = {
        "headline": title,
        "site": clean_text(ctx.site_name),
        "section": section,
        "date": arabic_date(article.published, ctx.tz) if article.published else "",
        "url": add_utm(encode_url(article.href), "x", ctx.utm_campaign) if ctx.x_include_link else "",
        "summary": "",
        "hashtags": "",
    }
    text, values, weight = _fit(template, values, list(tags))
    if "summary" in template.fields:
        room = X_LIMIT - weight
        while room > 20:
            summary = summarize(paragraphs, room, title=title, site_name=ctx.site_name)
            candidate = _render(template, values | {"summary": summary})
            candidate_weight = x_weight(candidate)
            if candidate_weight <= X_LIMIT:
                text, weight = candidate, candidate_weight
                break
            room -= candidate_weight - X_LIMIT
    if not text or weight > X_LIMIT:
        raise ComposeError(f"could not fit the X post in {X_LIMIT} weighted characters")
    return XPost(text=text, photo=photo)


def compose_breaking_x(text: str, ctx: ComposeContext) -> XPost:
    """«عاجل | …» for X, cut at a word boundary to fit."""
    body = clean_text(text)
    fitted = truncate_words(body, X_LIMIT, measure=lambda s: x_weight(rtl_lines(f"🔴 عاجل | {s}")))
    if not fitted:
        raise ComposeError("a breaking-news alert needs text")
    return XPost(text=rtl_lines(f"🔴 عاجل | {fitted}"))


def _fit(template: Template, values: dict[str, str], tags: list[str]) -> tuple[str, dict[str, str], int]:
    """The post without summary and its weight: all hashtags that fit, the headline cut only when it alone
    is too long."""
    for count in range(len(tags), -1, -1):
        chosen = values | {"hashtags": " ".join(tags[:count])}
        text = _render(template, chosen)
        weight = x_weight(text)
        if weight <= X_LIMIT:
            return text, chosen, weight
    headline = truncate_words(
        values["headline"], X_LIMIT, measure=lambda h: x_weight(_render(template, values | {"headline": h}))
    )
    chosen = values | {"headline": headline}
    text = _render(template, chosen) if headline else ""
    return text, chosen, x_weight(text)


def _render(template: Template, values: dict[str, str]) -> str:
    return rtl_lines(template.render(values))
