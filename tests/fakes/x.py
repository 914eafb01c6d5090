"""FakeX: the slice of the X API v2 the bot uses, on 127.0.0.1, answering like X (JSON errors, rate-limit
headers, v2 media upload).

    async with FakeX(consumer_secret="cs", token_secret="ts") as fake:     # secrets: verify signatures
        settings = XSettings(X_API_URL=fake.url, ...)
        fake.add_fault(XFault.too_many(reset_in=30), path="/2/tweets")
        fake.add_fault(XFault.duplicate(), path="/2/tweets")
        ...
        fake.tweets        # [{"id", "text", "media_ids", "media_sha256"}] in order
        fake.media         # media id → {"sha256", "category", "width", "height"}
        fake.requests      # [(method, path, status)]

Endpoints: POST /2/tweets (JSON {text, media:{media_ids}}; ≤ 280 weighted characters by twitter-text;
known, unexpired media ids), DELETE /2/tweets/{id}, GET /2/users/me, POST /2/media/upload (multipart
``media`` + ``media_category``; an image Pillow can read, ≤ 5 MB).  Every request needs an OAuth 1.0a
``Authorization`` header; when the secrets are given the HMAC-SHA1 signature is checked against the URL
actually requested.  POST /2/tweets carries x-rate-limit-limit/remaining/reset (``tweet_limit`` per
``tweet_window`` seconds; exceeded → 429).  Faults: ``XFault`` (status with JSON body, hang, reset).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import socket
import struct
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web
from oauthlib.oauth1.rfc5849 import signature as oauth_sig
from PIL import Image, UnidentifiedImageError
from twitter_text import parse_tweet


@dataclass(frozen=True, slots=True)
class XFault:
    status: int = 503
    body: dict[str, Any] | None = None
    kind: str = "error"  # error | hang | reset
    reset_in: float | None = None

    @classmethod
    def server_error(cls, status: int = 503) -> XFault:
        return cls(
            status,
            {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": status},
        )

    @classmethod
    def too_many(cls, reset_in: float) -> XFault:
        return cls(
            429,
            {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
            reset_in=reset_in,
        )

    @classmethod
    def forbidden(cls, detail: str = "You are not permitted to perform this action.") -> XFault:
        return cls(403, {"title": "Forbidden", "detail": detail, "type": "about:blank", "status": 403})

    @classmethod
    def duplicate(cls) -> XFault:
        return cls.forbidden("You are not allowed to create a Tweet with duplicate content.")

    @classmethod
    def hang(cls) -> XFault:
        return cls(kind="hang")

    @classmethod
    def reset(cls) -> XFault:
        return cls(kind="reset")


def _problem(status: int, detail: str, title: str = "Invalid Request") -> web.Response:
    body = {"errors": [{"message": detail}], "title": title, "detail": detail, "type": "about:blank"}
    return web.json_response(body, status=status)


class FakeX:
    def __init__(
        self,
        *,
        consumer_secret: str | None = None,
        token_secret: str | None = None,
        tweet_limit: int = 100,
        tweet_window: float = 900.0,
    ) -> None:
        self._secrets = (consumer_secret, token_secret)
        self.tweet_limit, self.tweet_window = tweet_limit, tweet_window
        self.tweets: list[dict[str, Any]] = []
        self.media: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, int]] = []
        self._faults: list[list[Any]] = []  # [fault, path, times]
        self._tweet_times: list[float] = []
        self._next_id = 1790000000000000000
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> FakeX:
        app = web.Application(client_max_size=16 * 1024 * 1024, middlewares=[self._middleware])
        app.router.add_post("/2/tweets", self._create)
        app.router.add_delete("/2/tweets/{id}", self._delete)
        app.router.add_get("/2/users/me", self._me)
        app.router.add_post("/2/media/upload", self._upload)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_fault(self, fault: XFault, *, path: str | None = None, times: int | None = 1) -> None:
        self._faults.append([fault, path, times])

    def _take_fault(self, path: str) -> XFault | None:
        for rule in self._faults:
            if rule[1] is None or path.startswith(rule[1]):
                if rule[2] is not None:
                    rule[2] -= 1
                    if rule[2] <= 0:
                        self._faults.remove(rule)
                return rule[0]  # type: ignore[no-any-return]
        return None

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await self._guarded(request, handler)
        self.requests.append((request.method, request.path, response.status))
        return response

    async def _guarded(self, request: web.Request, handler: Any) -> web.StreamResponse:
        problem = self._check_auth(request)
        if problem is not None:
            return web.json_response(
                {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": problem}, status=401
            )
        fault = self._take_fault(request.path)
        if fault is not None:
            if fault.kind == "hang":
                await self._closing.wait()
                raise asyncio.CancelledError
            if fault.kind == "reset":
                transport = request.transport
                if transport is not None:
                    sock = transport.get_extra_info("socket")
                    if sock is not None:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    transport.abort()
                raise asyncio.CancelledError
            headers = {}
            if fault.reset_in is not None:
                headers = {
                    "x-rate-limit-limit": str(self.tweet_limit),
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(int(time.time() + fault.reset_in)),
                }
            return web.json_response(fault.body, status=fault.status, headers=headers)
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPException as exc:
            return _problem(exc.status, exc.reason or "error", exc.reason or "error")
        return response

    def _check_auth(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return "Unauthorized"
        params = dict(oauth_sig.collect_parameters(headers={"Authorization": header}, exclude_oauth_signature=False))
        needed = ("oauth_consumer_key", "oauth_token", "oauth_signature", "oauth_nonce", "oauth_timestamp")
        if any(not params.get(k) for k in needed) or params.get("oauth_signature_method") != "HMAC-SHA1":
            return "Unauthorized"
        consumer_secret, token_secret = self._secrets
        if consumer_secret is None or token_secret is None:
            return None
        collected = oauth_sig.collect_parameters(
            uri_query=request.query_string, headers={"Authorization": header}, exclude_oauth_signature=True
        )
        base = oauth_sig.signature_base_string(
            request.method, oauth_sig.base_string_uri(str(request.url)), oauth_sig.normalize_parameters(collected)
        )
        expected = oauth_sig.sign_hmac_sha1(base, consumer_secret, token_secret)
        return None if expected == params["oauth_signature"] else "Unauthorized: bad signature"

    def _rate_headers(self, now: float) -> dict[str, str]:
        self._tweet_times = [t for t in self._tweet_times if t > now - self.tweet_window]
        reset = int((self._tweet_times[0] if self._tweet_times else now) + self.tweet_window)
        return {
            "x-rate-limit-limit": str(self.tweet_limit),
            "x-rate-limit-reset": str(reset),
            "x-rate-limit-remaining": str(max(0, self.tweet_limit - len(self._tweet_times))),
        }

    async def _create(self, request: web.Request) -> web.Response:
        now = time.time()
        headers = self._rate_headers(now)
        if len(self._tweet_times) >= self.tweet_limit:
            return web.json_response(
                {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
                status=429,
                headers=headers,
            )
        try:
            body = await request.json()
        except ValueError:
            return _problem(400, "Request body is not valid JSON")
        text = body.get("text") if isinstance(body, dict) else None
        media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids", [])] if isinstance(body, dict) else []
        if not text and not media_ids:
            return _problem(400, "Tweet needs text or media")
        if text and not parse_tweet(text.replace("\r\n", "\n")).valid:
            return _problem(400, "Tweet text is too long")
        if any(m not in self.media for m in media_ids) or len(media_ids) > 4:
            return _problem(400, "Your media IDs are invalid.")
        if text and any(t["text"] == text for t in self.tweets):
            return web.json_response(
                {
                    "title": "Forbidden",
                    "type": "about:blank",
                    "status": 403,
                    "detail": "You are not allowed to create a Tweet with duplicate content.",
                },
                status=403,
            )
        self._next_id += 1
        tweet = {
            "id": str(self._next_id),
            "text": text or "",
            "media_ids": media_ids,
            "media_sha256": [self.media[m]["sha256"] for m in media_ids],
        }
        self.tweets.append(tweet)
        self._tweet_times.append(now)
        data = {"id": tweet["id"], "text": tweet["text"], "edit_history_tweet_ids": [tweet["id"]]}
        return web.json_response({"data": data}, status=201, headers=self._rate_headers(now))

    async def _delete(self, request: web.Request) -> web.Response:
        for tweet in self.tweets:
            if tweet["id"] == request.match_info["id"] and not tweet.get("deleted"):
                tweet["deleted"] = True
                return web.json_response({"data": {"deleted": True}})
        return _problem(404, "Could not find tweet with id.", "Not Found Error")

    async def _me(self, request: web.Request) -> web.Response:
        return web.json_response({"data": {"id": "4200", "name": "أخبار", "username": "akhbar_test"}})

    async def _upload(self, request: web.Request) -> web.Response:
        if request.content_type != "multipart/form-data":
            return _problem(400, "media upload expects multipart/form-data")
        form = await request.post()
        media = form.get("media")
        data = media.file.read() if isinstance(media, web.FileField) else None
        if not data:
            return _problem(400, "media is required")
        if len(data) > 5 * 1024 * 1024:
            return _problem(400, "File size exceeds 5242880 bytes.")
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                width, height, kind = image.width, image.height, (image.format or "").lower()
        except (UnidentifiedImageError, OSError, ValueError):
            return _problem(400, "Unsupported media type or invalid media.")
        self._next_id += 1
        media_id = str(self._next_id)
        self.media[media_id] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "width": width,
            "height": height,
            "category": str(form.get("media_category", "")),
        }
        return web.json_response(
            {
                "data": {
                    "id": media_id,
                    "media_key": f"3_{media_id}",
                    "size": len(data),
                    "expires_after_secs": 86400,
                    "image": {"image_type": f"image/{kind}", "w": width, "h": height},
                }
            }
        )
