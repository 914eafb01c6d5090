"""Engine creation and migrations.  SQLite (aiosqlite) is the embedded default; PostgreSQL (asyncpg)
when DATABASE_URL says so.  Migrations are applied at start by :func:`migrate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.exceptions import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def create_engine(url: str) -> AsyncEngine:
    """An engine for ``url``; for a SQLite file its folder is created, WAL and foreign keys are on."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Every SQLAlchemy 2 Connection ends its transaction before it goes back to the pool (commit, or
        # the rollback close() does), so the pool's own reset rollback is one more thread hop per
        # transaction for nothing; the delivery worker's group commits feel it.
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_reset_on_return=None)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection) -> None:
    command.upgrade(_alembic_config(connection), "head")


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


async def migrate(engine: AsyncEngine) -> str | None:
    """Bring the database to the newest schema; returns the revision it is at."""
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade)
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot migrate the database: {_describe(exc)}") from exc


async def current_revision(engine: AsyncEngine) -> str | None:
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot reach the database: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return text[:300]
