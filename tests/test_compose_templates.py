"""Templates are checked at start-up: bad ones raise ComposeError naming the setting."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.compose import ComposeContext, validate_templates
from bot.compose.templates import DEFAULT_TELEGRAM, parse_template
from bot.exceptions import ComposeError

CTX = ComposeContext()


def test_defaults_are_valid() -> None:
    validate_templates(CTX)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("<b>{headline}</b> {author}", "TELEGRAM_TEMPLATE: unknown placeholder {author}"),
        ("<b>{headline:>10}</b>", "takes no format spec"),
        ("<b>{headline!r}</b>", "takes no format spec"),
        ("<b>{headline</b>", "TELEGRAM_TEMPLATE: "),
        ("<b>{headline}", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>{headline}</i>", "Unmatched end tag"),
        ("<br>{headline}", 'Unsupported start tag "br"'),
        ("<b title={headline}>x</b>", "placeholder {headline} cannot stand inside a tag"),
        ("{summary}", "must contain {headline}"),
        ("{headline}" + "ع" * 900, "fixed text takes"),
    ],
)
def test_bad_telegram_templates(template: str, message: str) -> None:
    with pytest.raises(ComposeError, match="TELEGRAM_TEMPLATE") as err:
        validate_templates(replace(CTX, telegram_template=template))
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{headline} {link}", "X_TEMPLATE: unknown placeholder {link}"),
        ("{headline}\\n" + "ع" * 220 + "\\n{url}", "X_TEMPLATE: its fixed text weighs"),
    ],
)
def test_bad_x_templates(template: str, message: str) -> None:
    with pytest.raises(ComposeError, match="X_TEMPLATE") as err:
        validate_templates(replace(CTX, x_template=template))
    assert message in str(err.value)


def test_x_fixed_text_counts_the_link_only_when_links_are_on() -> None:
    template = "{headline}\\n" + "ع" * 200 + "\\n{url}"
    with pytest.raises(ComposeError):
        validate_templates(replace(CTX, x_template=template))
    validate_templates(replace(CTX, x_template=template, x_include_link=False))


def test_url_may_stand_in_a_quoted_href_and_literal_braces_are_escaped() -> None:
    validate_templates(replace(CTX, telegram_template='<a href="{url}">{headline}</a> {{ok}}'))


def test_render_drops_lines_of_empty_placeholders_and_collapses_blank_lines() -> None:
    template = parse_template(DEFAULT_TELEGRAM, setting="T")
    out = template.render({"headline": "ع", "url": "u", "site": "s"})
    assert out == '<b>ع</b>\n\n🔗 <a href="u">s</a>'
