"""The Bot API methods the fake implements for sending, editing and deleting, and bot metadata."""

from __future__ import annotations

import hashlib
import io
import time
from typing import Any

from PIL import Image, UnidentifiedImageError

from tests.fakes.telegram.core import Core
from tests.fakes.telegram.records import Chat, Message
from tests.fakes.telegram.validate import bad, commands, formatted, reply_markup

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_DELETE_LIMIT = 48 * 3600


def _int(params: dict[str, Any], name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise bad(f"{name} is invalid" if name in params else f"{name} is empty") from None


class Methods(Core):
    def message_dict(self, m: Message) -> dict[str, Any]:
        chat = self.chats[m.chat_id]
        out: dict[str, Any] = {"message_id": m.message_id, "date": m.date, "chat": chat.as_dict()}
        if chat.type == "channel":
            out["sender_chat"] = chat.as_dict()
        else:
            out["from"] = {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")}
        if m.is_photo:
            out["photo"] = m.photo_sizes
            if m.text:
                out["caption"] = m.text
            if m.entities:
                out["caption_entities"] = m.entities
        else:
            out["text"] = m.text
            if m.entities:
                out["entities"] = m.entities
        if m.reply_markup and "inline_keyboard" in m.reply_markup:
            out["reply_markup"] = m.reply_markup
        if m.edit_date:
            out["edit_date"] = m.edit_date
        return out

    def _need_chat(self, chat: Chat | None) -> Chat:
        if chat is None:
            raise bad("chat_id is empty")
        return chat

    def _new(
        self,
        chat: Chat,
        method: str,
        params: dict[str, Any],
        markup: str,
        text: str,
        entities: list[dict[str, Any]],
        **extra: Any,
    ) -> Message:
        message = Message(
            chat.id,
            self.next_message_id(chat.id),
            method,
            markup,
            text,
            entities,
            params.get("parse_mode"),
            reply_markup(params.get("reply_markup")),
            int(self.now()),
            time.monotonic(),
            **extra,
        )
        self.store[(chat.id, message.message_id)] = message
        self.sent_log.append(message)
        return message

    async def api_getme(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        return self.bot

    async def api_getchat(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        return self._need_chat(chat).as_dict()

    async def api_sendmessage(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        chat = self._need_chat(chat)
        markup = params.get("text")
        text, entities = formatted(markup, params.get("parse_mode"), caption=False, entities=params.get("entities"))
        message = self._new(
            chat, "sendMessage", params, markup or "", text, entities, link_preview=params.get("link_preview_options")
        )
        return self.message_dict(message)

    def _photo(self, params: dict[str, Any], files: dict[str, bytes]) -> tuple[str, list[dict[str, Any]]]:
        """(sha256, sizes) of the photo: an upload, a known file_id, or a registered URL."""
        value = params.get("photo")
        data = files.get("photo")
        if data is None and isinstance(value, str) and value.startswith("attach://"):
            data = files.get(value[len("attach://") :])
        if data is None:
            if not value:
                raise bad("there is no photo in the request")
            if value in self.files:
                return self.files[value]["sha256"], self._sizes(value)
            if value.startswith(("http://", "https://")):
                if value not in self.remote_files:
                    raise bad("failed to get HTTP URL content")
                data = self.remote_files[value]
            else:
                raise bad("wrong file identifier/HTTP URL specified")
        if not data:
            raise bad("file must be non-empty")
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                width, height = image.size
        except (UnidentifiedImageError, OSError, ValueError):
            raise bad("IMAGE_PROCESS_FAILED") from None
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise bad("PHOTO_INVALID_DIMENSIONS")
        sha = hashlib.sha256(data).hexdigest()
        file_id = f"AgACAgQAAx{sha[:40]}"
        self.files[file_id] = {"sha256": sha, "width": width, "height": height, "file_size": len(data)}
        return sha, self._sizes(file_id)

    def _sizes(self, file_id: str) -> list[dict[str, Any]]:
        info = self.files[file_id]
        width, height, sizes = info["width"], info["height"], []
        for edge, suffix in ((90, "s"), (320, "m")):
            if max(width, height) > edge:
                scale = edge / max(width, height)
                small = f"{file_id}-{suffix}"
                self.files.setdefault(small, info)
                sizes.append(
                    {
                        "file_id": small,
                        "file_unique_id": small[-16:],
                        "width": round(width * scale),
                        "height": round(height * scale),
                    }
                )
        sizes.append(
            {
                "file_id": file_id,
                "file_unique_id": info["sha256"][:16],
                "width": width,
                "height": height,
                "file_size": info["file_size"],
            }
        )
        return sizes

    async def api_sendphoto(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        chat = self._need_chat(chat)
        sha, sizes = self._photo(params, files)
        markup = params.get("caption") or ""
        text, entities = formatted(
            markup, params.get("parse_mode"), caption=True, entities=params.get("caption_entities")
        )
        message = self._new(
            chat,
            "sendPhoto",
            params,
            markup,
            text,
            entities,
            photo_sha256=sha,
            photo_file_id=sizes[-1]["file_id"],
            photo_sizes=sizes,
        )
        return self.message_dict(message)

    def _target(self, params: dict[str, Any], chat: Chat | None) -> Message:
        if params.get("inline_message_id"):
            raise bad("MESSAGE_ID_INVALID")
        message = self.store.get((self._need_chat(chat).id, _int(params, "message_id")))
        if message is None or message.deleted:
            raise bad("message to edit not found")
        return message

    def _apply(
        self,
        message: Message,
        markup: str,
        text: str,
        entities: list[dict[str, Any]],
        params: dict[str, Any],
        keyboard: dict[str, Any] | None,
    ) -> dict[str, Any]:
        if (text, entities, keyboard) == (message.text, message.entities, message.reply_markup):
            raise bad(NOT_MODIFIED)
        message.history.append(
            {
                "markup": message.markup,
                "text": message.text,
                "entities": message.entities,
                "reply_markup": message.reply_markup,
                "at": time.monotonic(),
            }
        )
        message.markup, message.text, message.entities = markup, text, entities
        message.reply_markup, message.parse_mode = keyboard, params.get("parse_mode")
        message.edit_date = int(self.now())
        self._changed.set()
        return self.message_dict(message)

    async def api_editmessagetext(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        message = self._target(params, chat)
        if message.is_photo:
            raise bad("there is no text in the message to edit")
        markup = params.get("text")
        text, entities = formatted(markup, params.get("parse_mode"), caption=False, entities=params.get("entities"))
        return self._apply(message, markup or "", text, entities, params, reply_markup(params.get("reply_markup")))

    async def api_editmessagecaption(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        message = self._target(params, chat)
        if not message.is_photo:
            raise bad("there is no caption in the message to edit")
        markup = params.get("caption") or ""
        text, entities = formatted(
            markup, params.get("parse_mode"), caption=True, entities=params.get("caption_entities")
        )
        return self._apply(message, markup, text, entities, params, reply_markup(params.get("reply_markup")))

    async def api_editmessagereplymarkup(
        self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None
    ) -> Any:
        message = self._target(params, chat)
        return self._apply(
            message, message.markup, message.text, message.entities, params, reply_markup(params.get("reply_markup"))
        )

    async def api_deletemessage(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        message = self.store.get((self._need_chat(chat).id, _int(params, "message_id")))
        if message is None or message.deleted:
            raise bad("message to delete not found")
        if self.now() - message.date > _DELETE_LIMIT:
            raise bad("message can't be deleted for everyone")
        message.deleted = True
        self._changed.set()
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return str(sorted(scope.items()) if isinstance(scope, dict) else scope), params.get("language_code") or ""

    async def api_setmycommands(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        self.commands[self._commands_key(params)] = commands(params.get("commands"))
        return True

    async def api_getmycommands(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def api_deletemycommands(self, params: dict[str, Any], files: dict[str, bytes], chat: Chat | None) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True
