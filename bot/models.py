"""Plain typed data that flows through the pipeline.

news site → sources → :class:`Article` → compose → :class:`TelegramPost` / :class:`XPost` → outbox
(:class:`Delivery`) → publishers.  Nothing here does I/O; everything is immutable so a stage can't
change what another stage sees.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime

BREAKING_SOURCE = "akhbar:breaking"  # Article.source of an editor's «عاجل» alert stored as an article


@dataclass(frozen=True, slots=True)
class Section:
    """A site category: its Arabic name as the site writes it and the command slug (``world``)."""

    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as the bot understands it.

    ``url`` is the identity: the normalised canonical URL (see ``bot.sources.urls``).  ``link`` is the
    URL readers are sent to (the canonical URL as the site writes it).  Text fields hold plain text:
    entities decoded, markup removed, whitespace and tatweel cleaned.
    """

    url: str
    title: str
    link: str = ""
    guid: str | None = None
    kicker: str | None = None
    description: str | None = None
    paragraphs: tuple[str, ...] = ()
    image: str | None = None
    published: datetime | None = None
    section: Section | None = None
    dateline: str | None = None
    source: str | None = None  # the feed URL it was first seen in

    @property
    def href(self) -> str:
        return self.link or self.url

    def filled_from(self, other: Article) -> Article:
        """This article, with every field it lacks (empty or None) taken from ``other``."""
        return replace(
            self,
            **{f: getattr(other, f) for f in _CONTENT_FIELDS if not getattr(self, f) and getattr(other, f)},
        )

    @property
    def is_breaking(self) -> bool:
        """An editor's breaking alert: composed as an alert, not as an article post."""
        return self.source == BREAKING_SOURCE

    def content_hash(self) -> str:
        """A digest of what readers see; a change means the article was updated."""
        payload = json.dumps(
            [self.title, self.kicker, self.image, list(self.paragraphs) or self.description],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


_CONTENT_FIELDS = (
    "title", "link", "guid", "kicker", "description", "paragraphs", "image", "published", "section",
    "dateline", "source",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class TelegramPost:
    """A ready-to-send Telegram message.

    ``html`` is a caption (≤ 1024 code points after entity parsing) when ``photo`` is set, otherwise a
    text message (≤ 4096).  ``photo`` is prepared JPEG bytes; ``photo_key`` identifies them so a
    publisher can reuse Telegram's file_id for the same image.
    """

    html: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: bytes | None = None
    photo_key: str | None = None
    plain: str = ""  # the same content without markup: the last-resort fallback


@dataclass(frozen=True, slots=True)
class XPost:
    text: str  # ≤ 280 weighted characters (twitter-text v3)
    photo: bytes | None = None


class DestinationKind(enum.StrEnum):
    CHANNEL = "channel"  # a TELEGRAM_CHANNELS entry or a section route
    SUBSCRIBER = "subscriber"  # a reader's private chat
    X = "x"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a delivery goes.  ``key`` is stored in the outbox: ``channel:@news``, ``subscriber:42``, ``x``."""

    kind: DestinationKind
    target: str = ""

    @property
    def key(self) -> str:
        return self.kind.value if self.kind is DestinationKind.X else f"{self.kind.value}:{self.target}"

    @classmethod
    def parse(cls, key: str) -> Destination:
        kind, _, target = key.partition(":")
        return cls(DestinationKind(kind), target)


class Priority(enum.IntEnum):
    """Which due deliveries go first (lower first).  A channel, group or X post reaches its whole
    audience at once and must not wait behind a fan-out of the previous article to 100,000
    subscribers; a subscriber's private copy can wait a moment."""

    BROADCAST = 0  # channels, groups, X
    BULK = 1  # subscribers' private chats

    @classmethod
    def of(cls, kind: DestinationKind) -> Priority:
        return cls.BULK if kind is DestinationKind.SUBSCRIBER else cls.BROADCAST


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    SENDING = "sending"  # claimed by a worker; the one window where a crash can double-post
    SENT = "sent"
    DEAD = "dead"  # dead letter: will not be retried, reason in last_error
    PAUSED = "paused"  # destination unreachable (kicked, blocked); editors were alerted
    SKIPPED = "skipped"  # not sent by policy (baseline, daily cap, paused posting)


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    article_id: int
    destination: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    message_id: str | None = None
    last_error: str | None = None
    sent_hash: str | None = None
    chat_id: str | None = None  # where the message really went (after a chat migration)
    as_photo: bool = False  # sent as a photo with a caption (edits use editMessageCaption)
    route: str | None = None  # the chat a new send goes to when the destination migrated (read with the row)


class FeedHealth(enum.StrEnum):
    NEW = "new"
    OK = "ok"
    FAILING = "failing"


@dataclass(slots=True)
class FeedState:
    """What the bot remembers of one source between polls (conditional GET, back-off, baseline)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    health: FeedHealth = FeedHealth.NEW
    failures: int = 0
    next_poll_at: datetime | None = None
    last_error: str | None = None
    last_ok_at: datetime | None = None
    baselined: bool = False
    extra: dict[str, str] = field(default_factory=dict)
