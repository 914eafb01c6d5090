"""The schema, as SQLAlchemy Core tables.  Alembic migrations (bot/store/migrations) create it;
``tests/test_store_migrations.py`` checks the two never drift apart.

- articles          one row per article (identity: ``key``, the normalised canonical URL)
- article_aliases   every other key the same article was seen under (URL variants, GUIDs)
- deliveries        the outbox: one row per article × destination
- destinations      per-destination state (paused after a 403, migrated chat id)
- subscribers       a reader's private chat × section
- feeds             conditional-GET and back-off state of each source
- bot_state         small key/value facts (posting paused, update offset …)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect

metadata = MetaData()

# SQLite has no 64-bit autoincrement: BIGINT primary keys would not auto-increment there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


articles = Table(
    "articles",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key", String(2048), nullable=False, unique=True),
    Column("link", Text, nullable=False),
    Column("guid", Text),
    Column("title", Text, nullable=False),
    Column("kicker", Text),
    Column("description", Text),
    Column("body", Text, nullable=False, default="[]"),  # JSON list of paragraphs
    Column("image", Text),
    Column("dateline", Text),
    Column("section_slug", String(64)),
    Column("section_name", Text),
    Column("published_at", UTCDateTime()),
    Column("seen_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("search_text", Text, nullable=False, default=""),
    Column("source", Text),
    Index("ix_articles_seen_at", "seen_at"),
    Index("ix_articles_section_seen", "section_slug", "seen_at"),
)

article_aliases = Table(
    "article_aliases",
    metadata,
    Column("alias", String(2048), primary_key=True),
    Column("article_id", BigId, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Index("ix_article_aliases_article", "article_id"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("article_id", BigId, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("destination", String(256), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("message_id", String(64)),
    Column("chat_id", String(64)),  # the chat the message really went to (after a migration)
    Column("as_photo", Boolean, nullable=False, default=False),
    Column("last_error", Text),
    Column("sent_hash", String(64)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("priority", SmallInteger, nullable=False, server_default=text("0")),  # bot.models.Priority
    UniqueConstraint("article_id", "destination", name="uq_deliveries_article_destination"),
    Index("ix_deliveries_due", "status", "priority", "next_attempt_at"),
)

destinations = Table(
    "destinations",
    metadata,
    Column("key", String(256), primary_key=True),
    Column("paused", Boolean, nullable=False, default=False),
    Column("reason", Text),
    Column("moved_to", String(64)),
    Column("updated_at", UTCDateTime(), nullable=False),
)

subscribers = Table(
    "subscribers",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("section_slug", String(64), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("language", String(8)),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("chat_id", "section_slug", name="uq_subscribers_chat_section"),
    Index("ix_subscribers_section_active", "section_slug", "active"),
)

feeds = Table(
    "feeds",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("health", String(16), nullable=False, default="new"),
    Column("failures", Integer, nullable=False, default=0),
    Column("next_poll_at", UTCDateTime()),
    Column("last_error", Text),
    Column("last_ok_at", UTCDateTime()),
    Column("baselined", Boolean, nullable=False, default=False),
    Column("extra", Text, nullable=False, default="{}"),
)

bot_state = Table(
    "bot_state",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)
