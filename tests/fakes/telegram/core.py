"""The fake's server core: lifecycle, routing, request parsing as PTB sends it, faults, flood control,
the envelope, and the query API tests assert on.  Methods live in ``methods.py`` and ``updates.py``."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp import web

from tests.fakes.telegram.faults import Fault, FaultBook, answer_fault
from tests.fakes.telegram.limits import FloodControl, Limits
from tests.fakes.telegram.records import Call, Chat, Message
from tests.fakes.telegram.validate import ApiError, bad

COUNTED = frozenset({"sendmessage", "sendphoto", "editmessagetext", "editmessagecaption", "editmessagereplymarkup"})
_JSON_FIELDS = (
    "reply_markup",
    "link_preview_options",
    "entities",
    "caption_entities",
    "results",
    "commands",
    "scope",
    "allowed_updates",
    "reply_parameters",
    "button",
)
_INT = re.compile(r"-?\d+")
_CHANNEL_BASE = -1001000000000


def _envelope(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


class Core:
    def __init__(
        self,
        *,
        token: str | None = None,
        limits: Limits | None = None,
        bot_username: str = "akhbar_test_bot",
        bot_id: int = 7000001,
        auto_chats: bool = True,
    ) -> None:
        self.token = token
        self.flood = FloodControl(limits or Limits())
        self.faults = FaultBook()
        self.bot = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Akhbar",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.auto_chats = auto_chats
        self.chats: dict[int, Chat] = {}
        self.usernames: dict[str, int] = {}
        self.store: dict[tuple[int, int], Message] = {}
        self.sent_log: list[Message] = []
        self.call_log: list[Call] = []
        self.files: dict[str, dict[str, Any]] = {}  # file_id → {sha256, width, height, file_size}
        self.remote_files: dict[str, bytes] = {}  # photo URLs the fake can "download"
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}  # (scope, language) → commands
        self._ids: dict[int, int] = {}
        self._clock_offset = 0.0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._closing = asyncio.Event()
        self._changed = asyncio.Event()
        self._methods = {n[4:]: getattr(self, n) for n in dir(self) if n.startswith("api_")}

    # -- lifecycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/_fake/stats", self._stats)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` should be: ``Bot(token, base_url=fake.base_url)``."""
        return f"{self.url}/bot"

    # -- clock and chats --------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's wall clock (message dates, the 48 h delete limit) forward."""
        self._clock_offset += seconds

    def add_chat(
        self,
        chat_id: int,
        type: str | None = None,
        *,
        username: str | None = None,
        title: str | None = None,
        first_name: str | None = None,
    ) -> Chat:
        kind = type or ("private" if chat_id > 0 else "channel" if str(chat_id).startswith("-100") else "group")
        chat = Chat(chat_id, kind, username, title, first_name)
        self.chats[chat_id] = chat
        if username:
            self.usernames[username.lower()] = chat_id
        return chat

    def resolve(self, ref: Any) -> Chat:
        """A chat by id (int or digits) or @username; unknown ones are created when ``auto_chats``."""
        text = str(ref).strip()
        if text.startswith("@"):
            chat_id = self.usernames.get(text[1:].lower())
            if chat_id is None:
                if not self.auto_chats:
                    raise bad("chat not found")
                return self.add_chat(_CHANNEL_BASE - len(self.chats) - 1, "channel", username=text[1:])
            return self.chats[chat_id]
        if not _INT.fullmatch(text) or text in ("0", "-0"):
            raise bad("chat not found")
        chat_id = int(text)
        if chat_id in self.chats:
            return self.chats[chat_id]
        if not self.auto_chats:
            raise bad("chat not found")
        return self.add_chat(chat_id)

    def next_message_id(self, chat_id: int) -> int:
        self._ids[chat_id] = self._ids.get(chat_id, 0) + 1
        return self._ids[chat_id]

    def add_fault(self, fault: Fault, *, method: str | None = None, chat: Any = None, times: int | None = 1) -> None:
        """Answer the next ``times`` matching calls with ``fault`` (``times=None``: every one)."""
        key = str(self.resolve(chat).id) if chat is not None else None
        self.faults.add(fault, method=method, chat=key, times=times)

    # -- query API --------------------------------------------------------------------------------
    def sent(self, chat: Any = None) -> list[Message]:
        """Messages the bot sent, in order (``chat``: id or @username), edits applied."""
        if chat is None:
            return list(self.sent_log)
        chat_id = self.resolve(chat).id
        return [m for m in self.sent_log if m.chat_id == chat_id]

    def last(self, chat: Any) -> Message:
        return self.sent(chat)[-1]

    def calls(self, method: str | None = None, chat: Any = None) -> list[Call]:
        chat_key = str(self.resolve(chat).id) if chat is not None else None
        return [
            c
            for c in self.call_log
            if (method is None or c.method.lower() == method.lower()) and (chat is None or c.chat == chat_key)
        ]

    def errors(self, method: str | None = None, chat: Any = None) -> list[Call]:
        return [c for c in self.calls(method, chat) if not c.ok]

    @property
    def count_429(self) -> int:
        return sum(1 for c in self.call_log if c.status == 429)

    def parse_errors(self) -> list[Call]:
        return [c for c in self.call_log if c.description and "can't parse entities" in c.description]

    async def wait_sent(self, count: int, chat: Any = None, within: float = 5.0) -> list[Message]:
        """Wait until at least ``count`` messages were sent (to ``chat``); raise TimeoutError otherwise."""
        async with asyncio.timeout(within):
            while len(found := self.sent(chat)) < count:
                self._changed.clear()
                await self._changed.wait()
        return found

    # -- HTTP -------------------------------------------------------------------------------------
    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "sent": len(self.sent_log),
                "calls": len(self.call_log),
                "count_429": self.count_429,
                "received_at": [m.received_at for m in self.sent_log],
            }
        )

    async def _not_found(self, request: web.Request) -> web.Response:
        return _envelope(404, "Not Found")

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise bad("can't parse JSON object")
                params.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                for name, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        files[name] = value.file.read()
                    else:
                        params[name] = value
        for name in _JSON_FIELDS:
            if isinstance(params.get(name), str):
                try:
                    params[name] = json.loads(params[name])
                except ValueError:
                    what = "reply keyboard markup" if name == "reply_markup" else name
                    raise bad(f"can't parse {what} JSON object") from None
        return params, files

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.token is not None and request.match_info["token"] != self.token:
            return _envelope(401, "Unauthorized")
        name = request.match_info["method"]
        method = name.lower()
        handler = self._methods.get(method)
        if handler is None:
            return _envelope(404, "Not Found")
        params: dict[str, Any] = {}
        chat: Chat | None = None
        try:
            params, files = await self._read(request)
            if params.get("chat_id") not in (None, ""):
                chat = self.resolve(params["chat_id"])
            fault = self.faults.take(method, str(chat.id) if chat else None)
            if fault is not None and fault.kind != "slow":
                self._log(name, chat, params, fault.logged_status, fault.logged_description, fault.parameters)
                return await answer_fault(request, fault, self._closing)
            if fault is not None and fault.seconds:
                await asyncio.sleep(fault.seconds)
            counted = method in COUNTED and chat is not None
            if counted and chat is not None:
                retry = self.flood.check(str(chat.id), chat.is_group)
                if retry is not None:
                    shown = int(retry) if retry.is_integer() else retry
                    raise ApiError(429, f"Too Many Requests: retry after {shown}", {"retry_after": shown})
            result = await handler(params, files, chat)
            if counted and chat is not None:
                self.flood.record(str(chat.id), chat.is_group)
        except ApiError as exc:
            self._log(name, chat, params, exc.status, exc.description, exc.parameters)
            return _envelope(exc.status, exc.description, exc.parameters)
        self._log(name, chat, params, 200, None, None)
        return web.json_response({"ok": True, "result": result})

    def _log(
        self,
        name: str,
        chat: Chat | None,
        params: dict[str, Any],
        status: int,
        description: str | None,
        parameters: dict[str, Any] | None,
    ) -> None:
        retry = (parameters or {}).get("retry_after")
        self.call_log.append(
            Call(name, str(chat.id) if chat else None, params, status, description, time.monotonic(), retry)
        )
        self._changed.set()
