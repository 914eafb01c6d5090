"""Deliveries get a priority: channel and X posts are read before a subscriber fan-out's backlog.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("priority", sa.SmallInteger, nullable=False, server_default=sa.text("0")))
    op.execute("UPDATE deliveries SET priority = 1 WHERE destination LIKE 'subscriber:%'")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.create_index("ix_deliveries_due", "deliveries", ["status", "priority", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("priority")
