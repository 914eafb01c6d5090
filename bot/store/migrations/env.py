"""Alembic environment.  Akhbar runs migrations itself at start (bot.store.db.migrate), handing the
open connection over in ``config.attributes["connection"]``; there is no alembic.ini to keep in sync."""

from __future__ import annotations

from alembic import context

from bot.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
