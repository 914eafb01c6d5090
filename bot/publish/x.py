"""X publisher: the image through the v2 media upload, then tweepy's ``AsyncClient.create_tweet``.

tweepy 4.17 only has the retired v1.1 upload, so ``POST {X_API_URL}/2/media/upload`` is done here with
aiohttp (multipart ``media`` + ``media_category=tweet_image``, OAuth 1.0a).  Every call is bounded by
``asyncio.timeout``.  Errors map to :mod:`bot.exceptions`: 429 → ``RateLimited`` (until
x-rate-limit-reset, at least 1 s), 5xx/timeouts/resets → ``TransientError``, 400 → ``Rejected``,
401/403 → ``DestinationGone`` except a 403 for duplicate content, which is ``Rejected``.  A refused
image does not stop the post: it goes out as text.  The daily cap is the caller's (it needs the store).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import aiohttp
import tweepy
from tweepy.asynchronous import AsyncClient

from bot.config import XSettings
from bot.exceptions import DestinationGone, PublishError, RateLimited, Rejected, TransientError
from bot.models import XPost
from bot.publish.xauth import OAuth1Signer, RedirectSession

T = TypeVar("T")


def _secret(value: Any) -> str:
    return str(value.get_secret_value()) if value is not None else ""


def from_status(status: int, messages: list[str], headers: Mapping[str, str], now: float) -> PublishError:
    """The exception for an X error answer (``messages``: its error texts)."""
    text = "; ".join(m for m in messages if m) or f"HTTP {status}"
    if status == 429:
        reset = headers.get("x-rate-limit-reset", "")
        wait = float(reset) - now if reset.isdigit() else 60.0
        return RateLimited(f"X: {text}", max(1.0, wait))
    if status >= 500:
        return TransientError(f"X: {text}")
    if status == 403 and "duplicate" in text.lower():
        return Rejected(f"X: {text}")
    if status in (401, 403):
        return DestinationGone(f"X: {text}")
    return Rejected(f"X: {text}")


class XPublisher:
    """Satisfies :class:`bot.publish.base.XPoster`.  ``session`` is shared and closed by the caller."""

    def __init__(
        self,
        settings: XSettings,
        session: aiohttp.ClientSession,
        *,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        creds = [
            _secret(settings.x_consumer_key),
            _secret(settings.x_consumer_secret),
            _secret(settings.x_access_token),
            _secret(settings.x_access_token_secret),
        ]
        self._signer = OAuth1Signer(*creds)
        self._base = settings.x_api_url.rstrip("/")
        self._session = session
        self._timeout = timeout
        self._clock = clock
        self._client = AsyncClient(
            consumer_key=creds[0], consumer_secret=creds[1], access_token=creds[2], access_token_secret=creds[3]
        )
        self._client.session = RedirectSession(self._base, session, self._signer)

    def __repr__(self) -> str:
        return f"XPublisher(api={self._base!r})"

    async def post(self, post: XPost) -> str:
        media_ids: list[str] | None = None
        if post.photo:
            try:
                media_ids = [await self.upload(post.photo)]
            except Rejected:
                media_ids = None  # the image was refused: the text still goes out
        response = await self._guard(lambda: self._client.create_tweet(text=post.text, media_ids=media_ids))
        return str(response.data["id"])

    async def delete(self, tweet_id: str) -> bool:
        try:
            await self._guard(lambda: self._client.delete_tweet(tweet_id))
        except Rejected as exc:
            if isinstance(exc.__cause__, tweepy.NotFound):  # already deleted
                return False
            raise
        return True

    async def upload(self, photo: bytes) -> str:
        """``POST /2/media/upload``; the media id for ``create_tweet``."""
        url = f"{self._base}/2/media/upload"
        form = aiohttp.FormData()
        form.add_field("media", photo, filename="card.jpg", content_type="image/jpeg")
        form.add_field("media_category", "tweet_image")
        headers = {"Authorization": self._signer.header("POST", url)}

        async def call() -> tuple[int, Any, Mapping[str, str]]:
            async with self._session.post(url, data=form, headers=headers) as response:
                body = await response.json(content_type=None) if response.content_length != 0 else None
                return response.status, body, response.headers

        status, body, answer_headers = await self._guard(call)
        if 200 <= status < 300 and isinstance(body, dict) and "id" in body.get("data", {}):
            return str(body["data"]["id"])
        raise from_status(status if status >= 300 else 502, _messages(body), answer_headers, self._clock())

    async def _guard(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            async with asyncio.timeout(self._timeout):
                return await call()
        except TimeoutError:
            raise TransientError(f"X: no answer within {self._timeout:g} s") from None
        except tweepy.HTTPException as exc:
            status = exc.response.status
            headers = exc.response.headers
            raise from_status(status, [str(m) for m in exc.api_messages], headers, self._clock()) from exc
        except (aiohttp.ClientError, ValueError) as exc:  # resets, refused connections, non-JSON answers
            raise TransientError(f"X: {type(exc).__name__}: {exc}") from exc


def _messages(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    out = [str(e.get("message", "")) for e in body.get("errors", []) if isinstance(e, dict)]
    if body.get("detail"):
        out.append(str(body["detail"]))
    return out
