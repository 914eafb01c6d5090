"""The harness the handler tests share: the bot as ``akhbar run`` builds it (handlers.build_application
over the real services) talking to the fake Bot API over HTTP, updates injected through getUpdates
(long polling) or through the webhook; assertions read what the fake received."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.compose.arabic import normalize
from bot.config import load_settings
from bot.models import Article, Section
from bot.publish.ratelimit import RateLimiter
from bot.publish.telegram import TelegramPublisher
from bot.publish.tgrequest import build_bot
from bot.services import Services
from bot.webhook import WebhookServer, start_webhook
from handlers import build_application, setup
from handlers.common import parts
from tests.fakes.telegram import FakeBotAPI, Limits, Message

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
EDITOR = 777
READER = 1001
T0 = datetime(2025, 10, 15, 9, 0, tzinfo=UTC)
WORLD = Section("العالم", "world")
SPORTS = Section("رياضة", "sports")
BIDI = dict.fromkeys(map(ord, "\u2068\u2069\u200f\u200e"))


def plain(text: str) -> str:
    """The message as read, without the invisible direction marks."""
    return text.translate(BIDI)


async def until(check: Callable[[], bool], within: float = 5.0) -> None:
    """Wait (polling every 10 ms) until ``check()`` holds; fail after ``within`` seconds."""
    for _ in range(int(within * 100)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached in time")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Rig:
    fake: FakeBotAPI
    services: Services
    app: Application  # type: ignore[type-arg]
    server: WebhookServer | None = None
    _counter: dict[int, int] = field(default_factory=dict)

    async def add(
        self, n: int, title: str, section: Section | None = WORLD, body: str = "", image: str | None = None
    ) -> int:
        article = Article(
            url=f"https://news.example/a/{n}",
            title=title,
            link=f"https://news.example/news/{n}/خبر",
            paragraphs=(body,) if body else (),
            section=section,
            image=image,
            published=T0 + timedelta(minutes=n),
        )
        saved = await self.services.store.articles.save(
            article, fingerprint=f"f{n}", search_text=normalize(f"{title} {body}"), now=T0 + timedelta(minutes=n)
        )
        parts(self.app).reader.stale()
        return saved.article_id

    async def say(self, text: str, *, user: int = READER, within: float = 5.0, **kwargs: Any) -> Message:
        """Send ``text`` as ``user`` and return the bot's next message in that chat."""
        before = len(self.fake.sent(user))
        self.fake.user_message(text, user_id=user, **kwargs)
        return (await self.fake.wait_sent(before + 1, chat=user, within=within))[before]

    async def quiet(self, chat: int, seconds: float = 0.3) -> list[Message]:
        """Messages that reach ``chat`` within ``seconds`` (for checking silence)."""
        before = len(self.fake.sent(chat))
        await asyncio.sleep(seconds)
        return self.fake.sent(chat)[before:]

    async def press(self, data: str, message: Message | None, *, user: int = READER) -> dict[str, Any]:
        """Press a button with ``data`` under ``message``; returns the callback answer."""
        update = self.fake.callback_query(data, message=message, user_id=user)
        query_id = update["callback_query"]["id"]
        await until(lambda: query_id in self.fake.callback_answers)
        return self.fake.callback_answers[query_id]

    def no_errors(self) -> None:
        """Telegram refused nothing the bot sent (no 400, no parse error)."""
        failed = [(c.method, c.status, c.description) for c in self.fake.errors()]
        assert failed == [], failed
        assert parts(self.app).metrics.errors == 0


def settings_for(tmp_path: Path, fake: FakeBotAPI, **env: Any) -> Any:
    overrides = {
        "SITE_URL": "https://news.example",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/akhbar.db",
        "TELEGRAM_CHANNELS": "@huna_news",
        "TELEGRAM_API_URL": fake.url,
        "BOT_TOKEN": TOKEN,
        "EDITOR_IDS": str(EDITOR),
        "SECTION_MAP": "العالم=world,رياضة=sports,اقتصاد=economy",
    } | env
    return load_settings(env_file=None, **overrides)


@asynccontextmanager
async def running(
    tmp_path: Path, *, webhook: bool = False, limits: Limits | None = None, **env: Any
) -> AsyncIterator[Rig]:
    """The bot, started as in production, against a fresh fake Bot API (flood limits off by default)."""
    async with FakeBotAPI(token=TOKEN, limits=limits or Limits.off()) as fake:
        if webhook:
            env = {"WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/tg", "WEBHOOK_SECRET": "hook-secret_1"} | env
            env.setdefault("PORT", env["WEBHOOK_URL"].split(":")[2].split("/")[0])
        settings = settings_for(tmp_path, fake, **env)
        bot = build_bot(TOKEN, fake.url)
        await bot.initialize()
        services = await Services.open(settings, telegram=TelegramPublisher(bot, RateLimiter()))
        services.closers.append(bot.shutdown)
        app = build_application(services, bot, webhook=webhook)
        rig = Rig(fake, services, app)
        try:
            async with app:
                await app.start()
                await setup(app)
                if webhook:
                    rig.server = await start_webhook(app, services, host="127.0.0.1")
                else:
                    assert app.updater is not None
                    await app.updater.start_polling(poll_interval=0.0, timeout=1)
                try:
                    yield rig
                finally:
                    if rig.server is not None:
                        await rig.server.cleanup()
                    if app.updater is not None and app.updater.running:
                        await app.updater.stop()
                    await app.stop()
        finally:
            await services.close()


async def test_the_rig_answers_through_polling_and_webhook(tmp_path: Path) -> None:
    for webhook in (False, True):
        async with running(tmp_path / str(webhook), webhook=webhook) as r:
            reply = await r.say("/help")
            assert "/latest" in reply.text
            if webhook:
                assert r.fake.webhook is not None and r.fake.webhook["secret_token"] == "hook-secret_1"
                assert r.fake.webhook_deliveries and all(s == 200 for _, s in r.fake.webhook_deliveries)
            r.no_errors()
