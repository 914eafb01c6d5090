"""The demo's stand-in for Telegram and X: prints each post as readers would see it.

ConsolePublisher satisfies :class:`bot.publish.base.Publisher` and ConsoleXPoster
:class:`bot.publish.base.XPoster`, so the delivery
worker runs unchanged without a token.  Message ids count up per chat, like Telegram's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from bot.models import Button, TelegramPost, XPost
from bot.publish.base import SendResult
from bot.publish.telegram import plain_text

_RULE = "─" * 60


class ConsolePublisher:
    def __init__(self, stream: TextIO) -> None:
        self._out = stream
        self._ids: dict[str, int] = {}

    @property
    def busy(self) -> bool:
        return False

    def _print(self, *lines: str) -> None:
        self._out.write("\n".join(lines) + "\n")
        self._out.flush()

    def _render(self, header: str, post: TelegramPost) -> None:
        lines = [_RULE, header]
        if post.photo is not None:
            lines.append(f"[photo {max(1, round(len(post.photo) / 1024))} KB]")
        lines.append(post.plain or plain_text(post.html))
        buttons = [button for row in post.buttons for button in row]
        if buttons:
            lines.append(f"[{buttons[0].text}] → {buttons[0].url}")
        if len(buttons) > 1:
            lines.append("  ".join(f"[{b.text}]" for b in buttons[1:]))
        self._print(*lines)

    async def send(self, chat: str, post: TelegramPost) -> SendResult:
        self._ids[chat] = self._ids.get(chat, 0) + 1
        self._render(f"Telegram {chat} · message {self._ids[chat]}", post)
        return SendResult(self._ids[chat], chat, post.photo is not None)

    async def send_text(self, chat: str, html: str, buttons: Sequence[Sequence[Button]] = ()) -> SendResult:
        return await self.send(chat, TelegramPost(html=html, buttons=tuple(tuple(row) for row in buttons)))

    async def edit(self, chat: str, message_id: int, post: TelegramPost, *, as_photo: bool) -> bool:
        self._render(f"Telegram {chat} · message {message_id} edited", post)
        return True

    async def delete(self, chat: str, message_id: int) -> bool:
        self._print(_RULE, f"Telegram {chat} · message {message_id} deleted")
        return True


class ConsoleXPoster:
    """The demo's stand-in for X: prints each post (satisfies :class:`bot.publish.base.XPoster`)."""

    def __init__(self, printer: ConsolePublisher) -> None:
        self._printer = printer
        self._tweets = 0

    async def post(self, post: XPost) -> str:
        self._tweets += 1
        lines = [_RULE, f"X · post {self._tweets}"]
        if post.photo is not None:
            lines.append(f"[photo {max(1, round(len(post.photo) / 1024))} KB]")
        self._printer._print(*lines, post.text)
        return str(self._tweets)

    async def delete(self, tweet_id: str) -> bool:
        self._printer._print(_RULE, f"X · post {tweet_id} deleted")
        return True
