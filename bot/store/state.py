"""Feed state (conditional GET, back-off, baseline) and small bot-wide facts (posting paused …)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import FeedHealth, FeedState
from bot.store.tables import bot_state, feeds


class FeedRepo:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, url: str) -> FeedState:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(feeds).where(feeds.c.url == url))).first()
        if row is None:
            return FeedState(url=url)
        m = row._mapping
        return FeedState(
            url=m["url"],
            etag=m["etag"],
            last_modified=m["last_modified"],
            health=FeedHealth(m["health"]),
            failures=m["failures"],
            next_poll_at=m["next_poll_at"],
            last_error=m["last_error"],
            last_ok_at=m["last_ok_at"],
            baselined=m["baselined"],
            extra=json.loads(m["extra"] or "{}"),
        )

    async def save(self, state: FeedState) -> None:
        values = {
            "etag": state.etag,
            "last_modified": state.last_modified,
            "health": state.health.value,
            "failures": state.failures,
            "next_poll_at": state.next_poll_at,
            "last_error": state.last_error,
            "last_ok_at": state.last_ok_at,
            "baselined": state.baselined,
            "extra": json.dumps(state.extra, ensure_ascii=False),
        }
        async with self._engine.begin() as conn:
            res = await conn.execute(update(feeds).where(feeds.c.url == state.url).values(**values))
            if res.rowcount == 0:
                await conn.execute(insert(feeds).values(url=state.url, **values))

    async def all(self) -> list[FeedState]:
        async with self._engine.connect() as conn:
            urls = list((await conn.execute(select(feeds.c.url).order_by(feeds.c.url))).scalars())
        return [await self.get(u) for u in urls]


class StateRepo:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, key: str, default: str | None = None) -> str | None:
        async with self._engine.connect() as conn:
            value = (await conn.execute(select(bot_state.c.value).where(bot_state.c.key == key))).scalar_one_or_none()
        return default if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        now = datetime.now(UTC)
        async with self._engine.begin() as conn:
            res = await conn.execute(
                update(bot_state).where(bot_state.c.key == key).values(value=value, updated_at=now)
            )
            if res.rowcount == 0:
                await conn.execute(insert(bot_state).values(key=key, value=value, updated_at=now))

    async def paused(self) -> bool:
        return await self.get("posting_paused", "0") == "1"

    async def set_paused(self, paused: bool) -> None:
        await self.set("posting_paused", "1" if paused else "0")
