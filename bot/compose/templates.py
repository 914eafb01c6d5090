"""Post templates: a string per destination with named placeholders, checked once at start-up.

Telegram (TELEGRAM_TEMPLATE, Telegram HTML): ``{headline} {summary} {hashtags} {date} {url} {site}
{section}``.  X (X_TEMPLATE, plain text): the same names.  ``\\n`` in a setting means a line break.
Values are inserted already escaped; ``{url}`` may also stand inside a quoted ``href``.

When every placeholder of a line is empty (no date, no hashtags) the line is dropped, and runs of blank
lines collapse to one.  :func:`validate_templates` raises :class:`~bot.exceptions.ComposeError` for an
unknown placeholder, a format spec, broken braces, a placeholder inside a tag, unsupported or unbalanced
Telegram markup, or fixed text that alone leaves no room for the post within the platform's limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter

from bot.compose.context import ComposeContext
from bot.compose.tghtml import CAPTION_LIMIT, parse_telegram_html
from bot.compose.xcount import x_weight
from bot.exceptions import ComposeError

FIELDS = ("headline", "summary", "hashtags", "date", "url", "site", "section")
DEFAULT_TELEGRAM = '<b>{headline}</b>\n\n{summary}\n\n🕒 {date}\n🔗 <a href="{url}">{site}</a>\n{hashtags}'
DEFAULT_X = "{headline}\n\n{hashtags}\n{url}"
MIN_ROOM_TELEGRAM = 200  # a headline, a sentence and the hashtags must fit beside the fixed text
MIN_ROOM_X = 60
X_LIMIT = 280
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class Template:
    source: str
    lines: tuple[tuple[str, frozenset[str]], ...]  # each line and the placeholders it uses

    @property
    def fields(self) -> frozenset[str]:
        return frozenset().union(*(names for _line, names in self.lines))

    def render(self, values: Mapping[str, str], *, keep_empty: bool = False) -> str:
        out: list[str] = []
        for line, names in self.lines:
            if not keep_empty and names and not any(values.get(n) for n in names) and "<" not in _literal(line):
                continue  # a line made only of empty placeholders and decoration
            out.append(line.format_map({n: values.get(n, "") for n in names}).rstrip())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def parse_template(source: str, *, setting: str) -> Template:
    """Check the placeholders of ``source``; ``setting`` names the variable in error messages."""
    source = source.replace("\\n", "\n").replace("\r\n", "\n")
    lines = []
    for line in source.split("\n"):
        try:
            parsed = list(Formatter().parse(line))
        except ValueError as exc:
            raise ComposeError(f"{setting}: {exc} (write {{{{ and }}}} for literal braces)") from None
        names = set()
        for _literal_text, name, spec, conversion in parsed:
            if name is None:
                continue
            if name not in FIELDS:
                raise ComposeError(f"{setting}: unknown placeholder {{{name}}}; use {', '.join(FIELDS)}")
            if spec or conversion:
                raise ComposeError(f"{setting}: placeholder {{{name}}} takes no format spec or conversion")
            names.add(name)
        lines.append((line, frozenset(names)))
    template = Template(source, tuple(lines))
    if "headline" not in template.fields:
        raise ComposeError(f"{setting}: the template must contain {{headline}}")
    return template


def telegram_template(ctx: ComposeContext) -> Template:
    return parse_template(ctx.telegram_template or DEFAULT_TELEGRAM, setting="TELEGRAM_TEMPLATE")


def x_template(ctx: ComposeContext) -> Template:
    return parse_template(ctx.x_template or DEFAULT_X, setting="X_TEMPLATE")


def validate_templates(ctx: ComposeContext) -> None:
    """Refuse, at start-up, a template that could not make a valid post."""
    tg = telegram_template(ctx)
    _check_placement(tg, "TELEGRAM_TEMPLATE")
    probe = {n: "ع" for n in FIELDS} | {"url": "https://example.com/a?b=1&amp;c=2"}
    try:
        parse_telegram_html(tg.render(probe))
    except ValueError as exc:
        raise ComposeError(f"TELEGRAM_TEMPLATE: {exc}") from None
    site = html.escape(ctx.site_name)
    date = "الأربعاء 15 أكتوبر 2025 - 15:59"
    fixed = len(parse_telegram_html(tg.render({"site": site, "date": date}, keep_empty=True)))
    if fixed + MIN_ROOM_TELEGRAM > CAPTION_LIMIT:
        raise ComposeError(
            f"TELEGRAM_TEMPLATE: its fixed text takes {fixed} of the {CAPTION_LIMIT} characters of a caption; "
            f"leave at least {MIN_ROOM_TELEGRAM} for the article"
        )
    xt = x_template(ctx)
    url = "https://example.com/" if ctx.x_include_link else ""
    fixed_x = x_weight(xt.render({"site": ctx.site_name, "url": url, "date": date}, keep_empty=True))
    if fixed_x + MIN_ROOM_X > X_LIMIT:
        raise ComposeError(
            f"X_TEMPLATE: its fixed text weighs {fixed_x} of {X_LIMIT}; leave at least {MIN_ROOM_X} for the headline"
        )


def _literal(line: str) -> str:
    return "".join(text for text, *_ in Formatter().parse(line))


def _check_placement(template: Template, setting: str) -> None:
    """Placeholders stand in text, except {url}, which may also be a quoted attribute value."""
    for line, _names in template.lines:
        inside = False
        for literal_text, name, _spec, _conv in Formatter().parse(line):
            for ch in literal_text:
                inside = True if ch == "<" else False if ch == ">" else inside
            if name is None or not inside:
                continue
            if name != "url" or not literal_text.rstrip().endswith(('="', "='")):
                raise ComposeError(f"{setting}: placeholder {{{name}}} cannot stand inside a tag")
