"""What the fake keeps: chats, the messages the bot sent (with their edits), and every call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Chat:
    id: int
    type: str  # private | group | supergroup | channel
    username: str | None = None
    title: str | None = None
    first_name: str | None = None

    @property
    def is_group(self) -> bool:
        return self.type != "private"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            out["first_name"] = self.first_name or f"user{self.id}"
        else:
            out["title"] = self.title or (self.username or f"chat{self.id}")
        if self.username:
            out["username"] = self.username
        return out


@dataclass(slots=True)
class Message:
    """A message the bot sent, as it stands now (``history`` holds the earlier versions)."""

    chat_id: int
    message_id: int
    method: str  # sendMessage | sendPhoto
    markup: str  # the text or caption exactly as sent (HTML when parse_mode is HTML)
    text: str  # what readers see: entities parsed out, trimmed (the caption for photos)
    entities: list[dict[str, Any]]
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    date: int
    received_at: float  # time.monotonic() when the fake accepted it
    photo_sha256: str | None = None
    photo_file_id: str | None = None
    photo_sizes: list[dict[str, Any]] = field(default_factory=list)
    link_preview: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    edit_date: int | None = None

    @property
    def is_photo(self) -> bool:
        return self.photo_sha256 is not None

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def button_urls(self) -> list[str]:
        return [b["url"] for row in self.buttons for b in row if "url" in b]


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake answered (successful or not)."""

    method: str  # as requested (case kept)
    chat: str | None
    params: dict[str, Any]
    status: int
    description: str | None
    at: float
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200
