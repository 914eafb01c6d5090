"""FakeBotAPI: a Telegram Bot API server on 127.0.0.1 that validates and rate-limits like Telegram.

Use it with or without pytest::

    from tests.fakes.telegram import Fault, FakeBotAPI, Limits

    async with FakeBotAPI(limits=Limits(group=5, group_window=1.0)) as fake:
        bot = telegram.Bot("123:ABC", base_url=fake.base_url)       # or ApplicationBuilder().base_url(...)
        ...
        fake.add_fault(Fault.server_error(502), method="sendMessage", chat="@news", times=2)
        fake.add_fault(Fault.blocked(), chat=42, times=None)         # 42 blocked the bot for good
        ...
        msgs = fake.sent("@news")              # list[Message]: .text (entities parsed out), .markup (as sent),
                                               # .entities, .buttons, .button_urls, .is_photo, .photo_sha256,
                                               # .history (earlier versions), .deleted, .received_at
        fake.calls("sendPhoto")                # every request, failed ones too (Call: status, description)
        fake.count_429, fake.parse_errors()    # flood answers; "can't parse entities" refusals
        await fake.wait_sent(3, chat=42)       # wait until 3 messages reached chat 42

Incoming updates (for handler tests): ``fake.user_message("/latest 3", user_id=7)``,
``fake.callback_query("more:2", message=fake.last(7))``, ``fake.inline_query("غزة")``,
``fake.edited_message("...", message_id=5)``, ``fake.push_update(raw)``.  They are served by getUpdates
(long polling with ``timeout``) or, once setWebhook was called, POSTed to the webhook with the
X-Telegram-Bot-Api-Secret-Token header (``fake.webhook_deliveries``; ``await fake.deliver_webhook(u)``
posts one directly).  Answers are in ``fake.callback_answers`` / ``fake.inline_answers`` (by query id)
and commands in ``fake.commands[(scope, language_code)]``.

Methods: getMe, getChat, sendMessage, sendPhoto (multipart upload, file_id reuse, URLs registered in
``fake.remote_files``), editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage (48 h;
``fake.advance(seconds)`` moves the fake's clock), getUpdates, setWebhook, deleteWebhook, getWebhookInfo,
setMyCommands, getMyCommands, deleteMyCommands, answerCallbackQuery, answerInlineQuery; anything else
answers 404 "Not Found" like Telegram.  Validation: HTML parse mode (``tghtml``), text 1–4096 and caption
≤ 1024 code points after parsing, inline keyboards (one action, http(s)/tg URLs, callback_data 1–64
bytes), ≤ 50 inline results, "message is not modified".  Flood control (``Limits``; ``Limits.off()``):
30/s overall, 20/min per group or channel, 3 then 1/s per private chat, answered with 429 and
``parameters.retry_after``.  Faults (``Fault``): 5xx, HTML 502, hang, slow, connection reset, 403
blocked/kicked, migration, photo refused, 429 with a given retry_after, any 400.  ``GET /_fake/stats``
gives counts to another process (the benchmark).
"""

from __future__ import annotations

from types import TracebackType

from tests.fakes.telegram.faults import Fault
from tests.fakes.telegram.limits import Limits
from tests.fakes.telegram.records import Call, Chat, Message
from tests.fakes.telegram.tghtml import HtmlError, parse_html
from tests.fakes.telegram.updates import Updates

__all__ = ["Call", "Chat", "FakeBotAPI", "Fault", "HtmlError", "Limits", "Message", "parse_html"]


class FakeBotAPI(Updates):
    """See the module docstring.  ``token``: when set, other tokens get 401; ``auto_chats=False``: unknown
    chats get "chat not found" (register them with :meth:`add_chat`)."""

    def __init__(
        self,
        *,
        token: str | None = None,
        limits: Limits | None = None,
        bot_username: str = "akhbar_test_bot",
        auto_chats: bool = True,
        port: int = 0,
    ) -> None:
        super().__init__(token=token, limits=limits, bot_username=bot_username, auto_chats=auto_chats)
        self.port = port
        self._init_updates()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.close()
