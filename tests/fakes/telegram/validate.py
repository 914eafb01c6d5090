"""Checks the fake applies like Telegram does; each failure is an :class:`ApiError` with Telegram's text."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.telegram.tghtml import HtmlError, parse_html

MAX_TEXT = 4096
MAX_CAPTION = 1024
_ACTIONS = (
    "url",
    "callback_data",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "login_url",
    "web_app",
    "callback_game",
    "pay",
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def formatted(
    text: str | None, parse_mode: str | None, *, caption: bool, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Parse a text or caption: (plain text, entities).  Lengths count code points after parsing."""
    raw = text or ""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, found = parse_html(raw)
        except HtmlError as exc:
            raise bad(f"can't parse entities: {exc}") from None
    elif mode in ("", "none"):
        plain, found = raw.strip(), list(entities or [])
    else:  # MarkdownV2 / Markdown: the fake keeps the text as is
        plain, found = raw.strip(), []
    if caption:
        if len(plain) > MAX_CAPTION:
            raise bad("message caption is too long")
    else:
        if not plain:
            raise bad("message text is empty")
        if len(plain) > MAX_TEXT:
            raise bad("message is too long")
    return plain, found


def _button_url(url: str) -> None:
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https", "tg"):
        raise bad(f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol")
    if scheme in ("http", "https") and not re.match(r"^https?://[^/\s?#]+\.[^/\s?#]+", url, re.I):
        raise bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate an inline keyboard (other keyboards pass as they are)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    if sum(len(r) for r in rows) > 100:
        raise bad("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise bad("BUTTON_TEXT_INVALID" if isinstance(button, dict) else "can't parse inline keyboard button")
            actions = [a for a in _ACTIONS if a in button]
            if not actions:
                raise bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise bad("can't parse inline keyboard button: exactly one of the optional fields must be used")
            if "url" in button:
                _button_url(str(button["url"]))
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= 64:
                    raise bad("BUTTON_DATA_INVALID")
            if "copy_text" in button:
                copy = button["copy_text"].get("text", "") if isinstance(button["copy_text"], dict) else ""
                if not 1 <= len(copy) <= 256:
                    raise bad("COPY_TEXT_INVALID")
    return markup


def commands(items: Any) -> list[dict[str, str]]:
    if not isinstance(items, list) or len(items) > 100:
        raise bad("commands must be an Array of at most 100 BotCommand")
    for item in items:
        if not isinstance(item, dict) or not _COMMAND.fullmatch(str(item.get("command", ""))):
            raise bad("BOT_COMMAND_INVALID")
        if not 1 <= len(str(item.get("description", "")).strip()) <= 256:
            raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
    return [{"command": i["command"], "description": i["description"]} for i in items]


def inline_results(results: Any, next_offset: str | None) -> list[dict[str, Any]]:
    if not isinstance(results, list):
        raise bad("can't parse results JSON object")
    if len(results) > 50:
        raise bad("RESULTS_TOO_MUCH")
    if next_offset and len(next_offset.encode("utf-8")) > 64:
        raise bad("NEXT_OFFSET_INVALID")
    seen: set[str] = set()
    for result in results:
        rid = str(result.get("id", "")) if isinstance(result, dict) else ""
        if not 1 <= len(rid.encode("utf-8")) <= 64:
            raise bad("RESULT_ID_INVALID")
        if rid in seen:
            raise bad("RESULT_ID_DUPLICATE")
        seen.add(rid)
        kind = result.get("type")
        if kind == "article" and not result.get("title"):
            raise bad("RESULT_TITLE_EMPTY")
        if kind == "photo" and not (result.get("photo_url") and result.get("thumbnail_url")):
            raise bad("PHOTO_INVALID")
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            formatted(content["message_text"], content.get("parse_mode"), caption=False)
        if "caption" in result:
            formatted(result["caption"], result.get("parse_mode"), caption=True)
        reply_markup(result.get("reply_markup"))
    return results
