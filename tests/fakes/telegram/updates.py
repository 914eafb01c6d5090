"""Incoming side of the fake: injected updates, getUpdates long polling, webhooks, and the answers to
callback and inline queries."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import aiohttp

from tests.fakes.telegram.methods import Methods
from tests.fakes.telegram.records import Chat, Message
from tests.fakes.telegram.validate import ApiError, bad, inline_results

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post", "callback_query", "inline_query")


class Updates(Methods):
    def _init_updates(self) -> None:
        self.pending: list[dict[str, Any]] = []
        self._update_id = 500000
        self._new_update = asyncio.Event()
        self.webhook: dict[str, Any] | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status; 0: unreachable)
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self._open_queries: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- injecting updates ------------------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (an ``update_id`` is assigned when missing); with a webhook set it is
        POSTed there in the background instead."""
        if "update_id" not in update:
            self._update_id += 1
            update = {"update_id": self._update_id, **update}
        if self.webhook is not None:
            task = asyncio.get_running_loop().create_task(self._deliver_with_retries(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self.pending.append(update)
            self._new_update.set()
        return update

    def _user(self, user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def user_message(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        first_name: str = "قارئ",
        language_code: str | None = "ar",
        chat_type: str | None = None,
        edited_id: int | None = None,
    ) -> dict[str, Any]:
        """A reader's message (a command when ``text`` starts with "/"); ``edited_id`` makes it an
        edited_message of that message id.  Returns the update."""
        chat = self.chats.get(chat_id or user_id) or self.add_chat(
            chat_id or user_id, chat_type, first_name=first_name if (chat_id or user_id) > 0 else None
        )
        message: dict[str, Any] = {
            "message_id": edited_id or self.next_message_id(chat.id),
            "date": int(self.now()),
            "chat": chat.as_dict(),
            "text": text,
        }
        if chat.type == "channel":
            message["sender_chat"] = chat.as_dict()
        else:
            message["from"] = self._user(user_id, first_name, language_code)
        if text.startswith("/"):
            token = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(token.encode("utf-16-le")) // 2}]
        if edited_id is not None:
            message["edit_date"] = int(self.now())
        kind = "channel_post" if chat.type == "channel" else "message"
        return self.push_update({f"edited_{kind}" if edited_id is not None else kind: message})

    def edited_message(self, text: str, *, message_id: int, **kwargs: Any) -> dict[str, Any]:
        return self.user_message(text, edited_id=message_id, **kwargs)

    def callback_query(
        self,
        data: str,
        *,
        message: Message | None = None,
        user_id: int = 1001,
        first_name: str = "قارئ",
        language_code: str | None = "ar",
    ) -> dict[str, Any]:
        """A press on an inline button with ``data`` (under the bot's ``message``, when given)."""
        query_id = f"cbq{len(self.callback_answers) + len(self._open_queries) + 1}-{time.monotonic_ns()}"
        self._open_queries.add(query_id)
        query: dict[str, Any] = {
            "id": query_id,
            "from": self._user(user_id, first_name, language_code),
            "chat_instance": "ci1",
            "data": data,
        }
        if message is not None:
            query["message"] = self.message_dict(message)
        return self.push_update({"callback_query": query})

    def inline_query(
        self,
        query: str,
        *,
        user_id: int = 1001,
        offset: str = "",
        first_name: str = "قارئ",
        language_code: str | None = "ar",
    ) -> dict[str, Any]:
        query_id = f"iq{len(self.inline_answers) + len(self._open_queries) + 1}-{time.monotonic_ns()}"
        self._open_queries.add(query_id)
        return self.push_update(
            {
                "inline_query": {
                    "id": query_id,
                    "query": query,
                    "offset": offset,
                    "from": self._user(user_id, first_name, language_code),
                }
            }
        )

    # -- webhooks ---------------------------------------------------------------------------------
    async def deliver_webhook(self, update: dict[str, Any]) -> int:
        """POST one update to the webhook now, as Telegram would; the HTTP status (0: unreachable)."""
        assert self.webhook is not None, "no webhook set"
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    self.webhook["url"], json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
                ) as response,
            ):
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.webhook_deliveries.append((update["update_id"], status))
        self._changed.set()
        return status

    async def _deliver_with_retries(self, update: dict[str, Any]) -> None:
        for attempt in range(5):
            if self.webhook is None or 200 <= await self.deliver_webhook(update) < 300:
                return
            await asyncio.sleep(0.1 * (attempt + 1))

    async def api_setwebhook(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        url = params.get("url") or ""
        secret = params.get("secret_token")
        if secret and not _SECRET.fullmatch(secret):
            raise bad("secret token contains unallowed characters")
        if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.pending.clear()
        self.webhook = (
            {
                "url": url,
                "secret_token": secret,
                "allowed_updates": params.get("allowed_updates"),
                "max_connections": int(params.get("max_connections") or 40),
            }
            if url
            else None
        )
        return True

    async def api_deletewebhook(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.pending.clear()
        self.webhook = None
        return True

    async def api_getwebhookinfo(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self.pending)}
        if self.webhook:
            info.update(url=self.webhook["url"], max_connections=self.webhook["max_connections"])
            if self.webhook["allowed_updates"]:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    # -- long polling -----------------------------------------------------------------------------
    async def api_getupdates(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]
        limit = max(1, min(100, int(params.get("limit") or 100)))
        allowed = params.get("allowed_updates") or list(_KINDS)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            ready = [u for u in self.pending if any(k in u for k in allowed)][:limit]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._closing.is_set():
                return ready
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout=min(remaining, 0.25))
            except TimeoutError:
                continue

    # -- answers ----------------------------------------------------------------------------------
    def _close_query(self, params: dict[str, Any], name: str) -> str:
        query_id = str(params.get(name) or "")
        if query_id not in self._open_queries:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        return query_id

    async def api_answercallbackquery(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        if len(params.get("text") or "") > 200:
            raise bad("MESSAGE_TOO_LONG")
        self.callback_answers[self._close_query(params, "callback_query_id")] = params
        self._changed.set()
        return True

    async def api_answerinlinequery(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        inline_results(params.get("results"), params.get("next_offset"))
        self.inline_answers[self._close_query(params, "inline_query_id")] = params
        self._changed.set()
        return True
