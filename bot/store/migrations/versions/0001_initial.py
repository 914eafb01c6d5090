"""The first schema: articles, aliases, the deliveries outbox, destinations, subscribers, feeds, state.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.tables import BigId, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(2048), nullable=False, unique=True),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("guid", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kicker", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("image", sa.Text),
        sa.Column("dateline", sa.Text),
        sa.Column("section_slug", sa.String(64)),
        sa.Column("section_name", sa.Text),
        sa.Column("published_at", UTCDateTime()),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("source", sa.Text),
    )
    op.create_index("ix_articles_seen_at", "articles", ["seen_at"])
    op.create_index("ix_articles_section_seen", "articles", ["section_slug", "seen_at"])
    op.create_table(
        "article_aliases",
        sa.Column("alias", sa.String(2048), primary_key=True),
        sa.Column("article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_article_aliases_article", "article_aliases", ["article_id"])
    op.create_table(
        "deliveries",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("article_id", BigId, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("destination", sa.String(256), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("message_id", sa.String(64)),
        sa.Column("chat_id", sa.String(64)),
        sa.Column("as_photo", sa.Boolean, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_hash", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "destination", name="uq_deliveries_article_destination"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "destinations",
        sa.Column("key", sa.String(256), primary_key=True),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("moved_to", sa.String(64)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "subscribers",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("section_slug", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("chat_id", "section_slug", name="uq_subscribers_chat_section"),
    )
    op.create_index("ix_subscribers_section_active", "subscribers", ["section_slug", "active"])
    op.create_table(
        "feeds",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("health", sa.String(16), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("next_poll_at", UTCDateTime()),
        sa.Column("last_error", sa.Text),
        sa.Column("last_ok_at", UTCDateTime()),
        sa.Column("baselined", sa.Boolean, nullable=False),
        sa.Column("extra", sa.Text, nullable=False),
    )
    op.create_table(
        "bot_state",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("bot_state", "feeds", "subscribers", "destinations", "deliveries", "article_aliases", "articles"):
        op.drop_table(table)
