"""Faults the fake Bot API answers with on demand: ``fake.add_fault(Fault.server_error(), chat=..., times=2)``.

A fault rule matches a method (case-insensitive; ``None``: any, or the fault's natural method, e.g.
sendPhoto for a refused photo) and a chat (``None``: any).  ``times=None`` keeps it forever (a user who
blocked the bot stays blocked).  Faults are checked before flood control and validation.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str  # "error" (JSON error envelope), "raw" (non-JSON body), "hang", "slow", "reset"
    status: int = 500
    description: str = "Internal Server Error"
    parameters: dict[str, Any] | None = None
    seconds: float | None = None
    method: str | None = None  # the method this fault naturally applies to

    @property
    def logged_status(self) -> int:
        return 0 if self.kind in ("hang", "reset") else self.status

    @property
    def logged_description(self) -> str:
        return f"fault: {self.kind}" if self.kind in ("hang", "reset") else self.description

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        text = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        return cls("error", status, text.get(status, "Internal Server Error"))

    @classmethod
    def bad_gateway_html(cls) -> Fault:
        """A proxy's 502 with an HTML body (not JSON)."""
        return cls("raw", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>")

    @classmethod
    def hang(cls) -> Fault:
        """Never answer (until the fake closes): the client times out; nothing is sent."""
        return cls("hang")

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer normally after ``seconds``: a client that gives up earlier does not know the
        message *was* sent (the duplicate window)."""
        return cls("slow", seconds=seconds)

    @classmethod
    def reset(cls) -> Fault:
        """Reset the TCP connection (RST) without an answer; nothing is sent."""
        return cls("reset")

    @classmethod
    def blocked(cls) -> Fault:
        return cls("error", 403, "Forbidden: bot was blocked by the user")

    @classmethod
    def kicked(cls) -> Fault:
        return cls("error", 403, "Forbidden: bot was kicked from the channel chat")

    @classmethod
    def migrated(cls, to_chat_id: int) -> Fault:
        return cls(
            "error",
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": to_chat_id},
        )

    @classmethod
    def photo_refused(cls, description: str = "Bad Request: wrong type of the web page content") -> Fault:
        return cls("error", 400, description, method="sendphoto")

    @classmethod
    def image_process_failed(cls) -> Fault:
        return cls.photo_refused("Bad Request: IMAGE_PROCESS_FAILED")

    @classmethod
    def flood(cls, retry_after: float) -> Fault:
        shown = int(retry_after) if float(retry_after).is_integer() else retry_after
        return cls("error", 429, f"Too Many Requests: retry after {shown}", {"retry_after": shown})

    @classmethod
    def bad_request(cls, description: str, method: str | None = None) -> Fault:
        return cls("error", 400, description, method=method and method.lower())


@dataclass(slots=True)
class _Rule:
    fault: Fault
    method: str | None
    chat: str | None
    times: int | None


@dataclass(slots=True)
class FaultBook:
    rules: list[_Rule] = field(default_factory=list)

    def add(self, fault: Fault, *, method: str | None = None, chat: str | None = None, times: int | None = 1) -> None:
        wanted = method.lower() if method else fault.method
        self.rules.append(_Rule(fault, wanted, chat, times))

    def clear(self, chat: str | None = None) -> None:
        self.rules = [r for r in self.rules if chat is not None and r.chat != chat]

    def take(self, method: str, chat: str | None) -> Fault | None:
        for rule in self.rules:
            if rule.method not in (None, method) or (rule.chat is not None and rule.chat != chat):
                continue
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.rules.remove(rule)
            return rule.fault
        return None


async def answer_fault(request: web.Request, fault: Fault, closing: asyncio.Event) -> web.StreamResponse:
    """Answer (or refuse to answer) ``request`` as ``fault`` says."""
    if fault.kind == "hang":
        with contextlib.suppress(asyncio.CancelledError):
            await closing.wait()
        raise asyncio.CancelledError
    if fault.kind == "reset":
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:  # SO_LINGER 0: close with a TCP RST
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        raise asyncio.CancelledError
    if fault.kind == "raw":
        return web.Response(status=fault.status, text=fault.description, content_type="text/html")
    body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": fault.description}
    if fault.parameters:
        body["parameters"] = fault.parameters
    return web.json_response(body, status=fault.status)
