"""Storage: SQLAlchemy 2 async over SQLite (default) or PostgreSQL.  :class:`Store` holds one engine and
the repositories built on it; open it with :meth:`Store.open` (migrates) and close it with :meth:`close`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.articles import ArticleRepo, Saved, SaveOutcome, StoredArticle
from bot.store.db import create_engine, migrate
from bot.store.outbox import DestinationState, OutboxRepo
from bot.store.state import FeedRepo, StateRepo
from bot.store.subscribers import SubscriberRepo

__all__ = ["DestinationState", "SaveOutcome", "Saved", "Store", "StoredArticle"]


@dataclass(frozen=True, slots=True)
class Store:
    engine: AsyncEngine
    articles: ArticleRepo
    outbox: OutboxRepo
    subscribers: SubscriberRepo
    feeds: FeedRepo
    state: StateRepo

    @classmethod
    async def open(cls, url: str, *, run_migrations: bool = True) -> Store:
        engine = create_engine(url)
        if run_migrations:
            try:
                await migrate(engine)
            except BaseException:
                await engine.dispose()
                raise
        return cls(
            engine=engine,
            articles=ArticleRepo(engine),
            outbox=OutboxRepo(engine),
            subscribers=SubscriberRepo(engine),
            feeds=FeedRepo(engine),
            state=StateRepo(engine),
        )

    async def close(self) -> None:
        await self.engine.dispose()
