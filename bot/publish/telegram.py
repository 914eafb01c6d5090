"""Telegram publisher: posts, edits and deletes through python-telegram-bot, paced by the limiter.

``send`` tries the richest form first and gives up one thing at a time when Telegram refuses it:
photo → text message (the photo was refused), HTML → plain text (the markup was refused), keyboard →
none (a button was refused).  The photo is uploaded once per ``photo_key``; later sends reuse the
file_id Telegram returned (concurrent sends of the same image wait for the first upload).

Link previews: off for text posts — the post links the article with a button, and a preview would
repeat the headline or show the site's logo.  One exception: when the photo was refused, the preview
of the article (the first URL button) is shown above the text, so readers still see a picture.

Sends go through ``Bot.do_api_request`` with the keyboard already serialised and the answer kept as
the JSON dict: a fan-out needs only the message id (and a photo's file_id), and building a
``telegram.Message`` for every answer and re-serialising the same keyboard for every request was
half of the bot's CPU per message.  Errors are mapped by python-telegram-bot exactly as for
``send_message`` (the same request path).
"""

from __future__ import annotations

import asyncio
import html as htmllib
import re
import warnings
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.exceptions import ChatMoved, RateLimited, Rejected
from bot.models import Button, TelegramPost
from bot.publish.base import SendResult
from bot.publish.ratelimit import RateLimiter
from bot.publish.tgerrors import (
    is_already_deleted,
    is_button_error,
    is_html_error,
    is_not_modified,
    is_photo_error,
    map_error,
    retry_seconds,
)

T = TypeVar("T")
_TAG = re.compile(r"<[^>]*>")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_NO_PREVIEW_JSON: dict[str, Any] = {"is_disabled": True}
JSONDict = dict[str, Any]


@dataclass(slots=True)
class PublishStats:
    sent: int = 0
    edited: int = 0
    deleted: int = 0
    rate_limited: int = 0  # 429s received
    uploads: int = 0  # photos uploaded as bytes
    reused: int = 0  # photos sent by file_id
    fallbacks: Counter[str] = field(default_factory=Counter)


def plain_text(html: str) -> str:
    """The text of Telegram HTML without its markup (the last-resort fallback)."""
    return htmllib.unescape(_TAG.sub("", html)).strip()


@lru_cache(maxsize=256)
def keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """The inline keyboard of url buttons (cached: a fan-out sends the same one thousands of times)."""
    rows = [[InlineKeyboardButton(b.text, url=b.url) for b in row] for row in buttons if row]
    return InlineKeyboardMarkup(rows) if rows else None


@lru_cache(maxsize=256)
def _keyboard_json(buttons: tuple[tuple[Button, ...], ...]) -> JSONDict | None:
    markup = keyboard(buttons)
    return markup.to_dict() if markup is not None else None


def _params(**values: Any) -> JSONDict:
    return {k: v for k, v in values.items() if v is not None}


class TelegramPublisher:
    """Satisfies :class:`bot.publish.base.Publisher`.  ``bot`` must be initialised by the caller
    (see :func:`bot.publish.tgrequest.build_bot`); ``limiter`` is shared by everything sending with
    the same token.  A 429 pauses the limiter; when ``retry_after`` ≤ ``max_inline_wait`` the same
    message is sent again here (once), otherwise :class:`RateLimited` goes to the caller."""

    def __init__(
        self, bot: Bot, limiter: RateLimiter, *, max_inline_wait: float = 5.0, file_id_cache: int = 1024
    ) -> None:
        self._bot = bot
        self._limiter = limiter
        self._max_inline_wait = max_inline_wait
        self._cache_size = file_id_cache
        self._file_ids: OrderedDict[str, str] = OrderedDict()
        self._uploads: dict[str, asyncio.Future[str | None]] = {}
        self._moved: dict[str, str] = {}
        self.stats = PublishStats()
        # do_api_request nudges towards Bot.send_message; here the raw answer is the point (module docstring)
        warnings.filterwarnings("ignore", r"Please use 'Bot\.(send_message|send_photo)'", PTBUserWarning)

    # -- public API -------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._limiter.busy

    async def send(self, chat: str, post: TelegramPost) -> SendResult:
        target = self._moved.get(chat, chat)
        try:
            return await self._send(target, post, preview=True)
        except ChatMoved as exc:
            target = self._moved[chat] = str(exc.new_chat_id)
            return await self._send(target, post, preview=True)

    async def send_text(self, chat: str, html: str, buttons: Sequence[Sequence[Button]] = ()) -> SendResult:
        post = TelegramPost(html=html, buttons=tuple(tuple(row) for row in buttons))
        target = self._moved.get(chat, chat)
        try:
            return await self._send(target, post, preview=False)
        except ChatMoved as exc:
            target = self._moved[chat] = str(exc.new_chat_id)
            return await self._send(target, post, preview=False)

    async def edit(self, chat: str, message_id: int, post: TelegramPost, *, as_photo: bool) -> bool:
        target = self._moved.get(chat, chat)
        use_html, buttons = True, post.buttons
        while True:
            text = post.html if use_html else (post.plain or plain_text(post.html))
            mode = ParseMode.HTML if use_html else None
            markup = keyboard(buttons)
            try:
                if as_photo:
                    await self._call(
                        target,
                        partial(
                            self._bot.edit_message_caption,
                            chat_id=target,
                            message_id=message_id,
                            caption=text,
                            parse_mode=mode,
                            reply_markup=markup,
                        ),
                    )
                else:
                    await self._call(
                        target,
                        partial(
                            self._bot.edit_message_text,
                            text,
                            chat_id=target,
                            message_id=message_id,
                            parse_mode=mode,
                            reply_markup=markup,
                            link_preview_options=_NO_PREVIEW,
                        ),
                    )
            except Rejected as exc:
                if is_not_modified(exc.message):
                    return False
                if use_html and is_html_error(exc.message):
                    use_html = False
                elif buttons and is_button_error(exc.message):
                    buttons = ()
                else:
                    raise
                continue
            self.stats.edited += 1
            return True

    async def delete(self, chat: str, message_id: int) -> bool:
        target = self._moved.get(chat, chat)
        try:
            await self._call(target, partial(self._bot.delete_message, chat_id=target, message_id=message_id))
        except Rejected as exc:
            if is_already_deleted(exc.message):
                return False
            raise
        self.stats.deleted += 1
        return True

    # -- sending with fallbacks -------------------------------------------------------------------
    async def _send(self, chat: str, post: TelegramPost, *, preview: bool) -> SendResult:
        as_photo, use_html, buttons = post.photo is not None, True, post.buttons
        fallbacks: list[str] = []
        while True:
            text = post.html if use_html else (post.plain or plain_text(post.html))
            mode = ParseMode.HTML.value if use_html else None
            try:
                if as_photo:
                    message = await self._send_photo(chat, post, text, mode, _keyboard_json(buttons))
                else:
                    params = _params(
                        chat_id=chat,
                        text=text,
                        parse_mode=mode,
                        reply_markup=_keyboard_json(buttons),
                        link_preview_options=self._preview(post, fallbacks, preview),
                    )
                    message = await self._api(chat, "send_message", params)
            except Rejected as exc:
                if as_photo and is_photo_error(exc.message):
                    as_photo, step = False, "photo"
                elif use_html and is_html_error(exc.message):
                    use_html, step = False, "html"
                elif buttons and is_button_error(exc.message):
                    buttons, step = (), "buttons"
                else:
                    raise
                fallbacks.append(step)
                self.stats.fallbacks[step] += 1
                continue
            self.stats.sent += 1
            return SendResult(int(message["message_id"]), chat, as_photo, tuple(fallbacks))

    @staticmethod
    def _preview(post: TelegramPost, fallbacks: list[str], allowed: bool) -> JSONDict:
        if allowed and "photo" in fallbacks and post.buttons and post.buttons[0]:
            url = post.buttons[0][0].url
            return {"url": url, "prefer_large_media": True, "show_above_text": True}
        return _NO_PREVIEW_JSON

    async def _send_photo(
        self, chat: str, post: TelegramPost, caption: str, mode: str | None, markup: JSONDict | None
    ) -> JSONDict:
        key = post.photo_key
        if key is not None and key in self._uploads:  # the same image is being uploaded: wait for it
            await asyncio.shield(self._uploads[key])
        file_id = self._file_ids.get(key) if key is not None else None
        params = _params(chat_id=chat, caption=caption, parse_mode=mode, reply_markup=markup)
        if file_id is not None:
            try:
                message = await self._api(chat, "send_photo", {**params, "photo": file_id})
            except Rejected as exc:
                if not is_photo_error(exc.message):
                    raise
                self._file_ids.pop(key or "", None)  # a stale file_id: upload the bytes again
            else:
                self.stats.reused += 1
                return message
        done: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._uploads[key] = done
        try:
            upload = InputFile(post.photo or b"")  # as send_photo would wrap the bytes
            message = await self._api(chat, "send_photo", {**params, "photo": upload})
            self.stats.uploads += 1
            sizes = message.get("photo") or []
            new_id = sizes[-1].get("file_id") if sizes else None
            if key is not None and new_id is not None:
                self._file_ids[key] = new_id
                while len(self._file_ids) > self._cache_size:
                    self._file_ids.popitem(last=False)
            done.set_result(new_id)
            return message
        finally:
            if not done.done():
                done.set_result(None)
            if key is not None and self._uploads.get(key) is done:
                del self._uploads[key]

    async def _api(self, chat: str, method: str, params: JSONDict) -> JSONDict:
        """One send through :meth:`_call`, answered with the raw message dict (see the module docstring)."""
        result = await self._call(chat, partial(self._bot.do_api_request, method, api_kwargs=params))
        if not isinstance(result, dict):
            raise Rejected(f"unexpected answer to {method}: {type(result).__name__}")
        return result

    async def _call(self, chat: str, request: Callable[[], Awaitable[T]]) -> T:
        """One API call through the limiter, with the 429 policy and the error mapping."""
        retried = False
        while True:
            try:
                async with self._limiter.turn(chat):
                    return await request()
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                self.stats.rate_limited += 1
                self._limiter.pause(seconds)
                if retried or seconds > self._max_inline_wait:
                    raise RateLimited(f"Too Many Requests: retry after {seconds:g}", seconds) from exc
                retried = True
            except TelegramError as exc:
                raise map_error(exc) from exc
