"""python-telegram-bot errors → :mod:`bot.exceptions`, and what a 400's description is about.

PTB quirks handled here: ``BadRequest`` and ``TimedOut`` both subclass ``NetworkError`` (so the order of
the checks matters); ``RetryAfter.retry_after`` is an int or a ``timedelta`` depending on
``PTB_TIMEDELTA`` and warns when read; ``TelegramError.message`` drops ``"Bad Request: "`` and
capitalises the rest, so descriptions are matched case-insensitively.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.exceptions import ChatMoved, DestinationGone, PublishError, RateLimited, Rejected, TransientError

# 400s that are about the photo itself: fall back to a text message.
_PHOTO = (
    "wrong type of the web page content",
    "image_process_failed",
    "photo_invalid",
    "photo_ext_invalid",
    "photo_save_file_invalid",
    "failed to get http url content",
    "wrong file identifier",
    "wrong remote file identifier",
    "file must be non-empty",
    "there is no photo in the request",
    "type of file mismatch",
    "media_empty",
    "file is too big",
)
# 400s about the HTML markup: fall back to plain text.
_HTML = ("can't parse entities", "can't parse message text", "entity_bounds_invalid", "entities_too_long")
# 400s about the inline keyboard: send without it.
_BUTTONS = ("button", "reply markup", "inline keyboard", "reply_markup")
# 400s that mean the bot can no longer post there: pause the destination, like a 403.
_GONE = (
    "chat not found",
    "not enough rights",
    "need administrator rights",
    "chat_write_forbidden",
    "chat_admin_required",
    "have no rights to send",
    "peer_id_invalid",
)


def _has(description: str, needles: tuple[str, ...]) -> bool:
    low = description.lower()
    return any(n in low for n in needles)


def is_photo_error(description: str) -> bool:
    return _has(description, _PHOTO)


def is_html_error(description: str) -> bool:
    return _has(description, _HTML)


def is_button_error(description: str) -> bool:
    return _has(description, _BUTTONS) and not is_html_error(description)


def is_not_modified(description: str) -> bool:
    return "message is not modified" in description.lower()


def is_already_deleted(description: str) -> bool:
    return "message to delete not found" in description.lower()


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whatever PTB's int/timedelta setting."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: object = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if isinstance(value, (int, float)) else 1.0


def map_error(exc: TelegramError) -> PublishError:
    """Translate a PTB error; the original stays as ``__cause__`` when the caller raises ``from``."""
    if isinstance(exc, RetryAfter):
        seconds = retry_seconds(exc)
        return RateLimited(f"Too Many Requests: retry after {seconds:g}", seconds)
    if isinstance(exc, ChatMigrated):
        return ChatMoved(f"chat migrated to {exc.new_chat_id}", int(exc.new_chat_id))
    if isinstance(exc, Forbidden):
        return DestinationGone(exc.message)
    if isinstance(exc, BadRequest):  # before NetworkError: BadRequest subclasses it
        if _has(exc.message, _GONE):
            return DestinationGone(exc.message)
        return Rejected(exc.message)
    if isinstance(exc, NetworkError):  # TimedOut, resets, 5xx
        return TransientError(exc.message)
    # InvalidToken, Conflict, an unreadable answer: nothing to drop, retry with back-off.
    return TransientError(f"{type(exc).__name__}: {exc.message}")
