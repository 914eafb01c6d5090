"""What the delivery worker needs from a publisher, and what a send returns.

The worker depends only on :class:`Publisher` (Telegram) and :class:`XPoster` (X); the real publishers
(:mod:`bot.publish.telegram`, :mod:`bot.publish.x`) and the demo's :mod:`bot.publish.console` satisfy
them.  Every failure is a :class:`bot.exceptions.PublishError` subclass:

- ``RateLimited(retry_after)``: send the same thing again after ``retry_after`` seconds (never drop it);
- ``TransientError``: 5xx, timeout, connection reset — retry with back-off and jitter.  A timeout or a
  reset can happen *after* Telegram accepted the message: the one duplicate window;
- ``Rejected``: the content was refused even after the fallbacks — dead-letter with ``message``;
- ``DestinationGone``: kicked, blocked, deactivated — pause the destination and alert editors;
- ``ChatMoved(new_chat_id)``: only from ``edit``/``delete`` (``send`` follows a migration itself and
  reports it in :attr:`SendResult.chat_id`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.models import Button, TelegramPost, XPost


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of a successful send.

    ``chat_id`` is the chat the message actually went to: it differs from the requested one when the
    group had become a supergroup (remember it for the destination).  ``as_photo`` says which edit
    method applies later (``editMessageCaption`` vs ``editMessageText``).  ``fallbacks`` names what was
    given up on the way, in order: ``"photo"`` (the photo was refused, sent as text), ``"html"`` (the
    markup was refused, sent as plain text), ``"buttons"`` (the keyboard was refused).
    """

    message_id: int
    chat_id: str
    as_photo: bool
    fallbacks: tuple[str, ...] = ()


@runtime_checkable
class Publisher(Protocol):
    """A Telegram-like destination: channels, groups and private chats, addressed by id or @username."""

    async def send(self, chat: str, post: TelegramPost) -> SendResult: ...

    async def edit(self, chat: str, message_id: int, post: TelegramPost, *, as_photo: bool) -> bool:
        """Make the posted message show ``post``; ``False`` when it already did (not modified)."""
        ...

    async def delete(self, chat: str, message_id: int) -> bool:
        """Delete the message; ``False`` when it was already gone."""
        ...

    async def send_text(self, chat: str, html: str, buttons: Sequence[Sequence[Button]] = ()) -> SendResult: ...

    @property
    def busy(self) -> bool:
        """Sends are in flight or about to be released (answers will come within milliseconds); False
        for a publisher that does not know.  The worker holds a record commit for them."""
        ...


@runtime_checkable
class XPoster(Protocol):
    """X (Twitter): one account."""

    async def post(self, post: XPost) -> str:
        """Publish and return the post (tweet) id."""
        ...

    async def delete(self, tweet_id: str) -> bool: ...
