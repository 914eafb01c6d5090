"""The Alembic migrations and bot/store/tables.py describe the same schema, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.store import Store
from bot.store.tables import metadata


def _diff(conn: Connection) -> list[Any]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(ctx, metadata))


async def test_migrated_schema_matches_the_tables(store: Store) -> None:
    async with store.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []
