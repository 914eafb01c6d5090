"""The webhook server: secret header, immediate 200, duplicates, bad bodies, /healthz and /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.metrics import Metrics, quantile
from bot.publish.tgrequest import build_bot
from bot.webhook import HEADER, RecentIds, WebhookServer, derived, webhook_address
from tests.fakes.telegram import FakeBotAPI

TOKEN = "123456:TEST-token_abc"
SECRET = "s3cret-_token"


@dataclass
class Rig:
    fake: FakeBotAPI
    app: Application[Any, Any, Any, Any, Any, Any]
    server: WebhookServer
    metrics: Metrics
    http: aiohttp.ClientSession
    release: asyncio.Event
    replied: asyncio.Event

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    async def post(self, body: Any, secret: str | None = SECRET) -> int:
        headers = {HEADER: secret} if secret is not None else {}
        kwargs: dict[str, Any] = {"data": body} if isinstance(body, (bytes, str)) else {"json": body}
        async with self.http.post(f"{self.url}/hook/abc", headers=headers, **kwargs) as response:
            return response.status


async def _counts() -> Mapping[str, int]:
    return {"pending": 3, "sent": 7}


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    release = asyncio.Event()
    release.set()
    replied = asyncio.Event()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await release.wait()
        assert update.effective_message is not None and update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, f"echo {update.effective_message.text}")
        metrics.replied(update.update_id)
        replied.set()

    async with FakeBotAPI(token=TOKEN) as fake:
        bot = build_bot(TOKEN, fake.url)
        app = Application.builder().bot(bot).updater(None).concurrent_updates(True).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        metrics = Metrics()
        server = WebhookServer(app, path="/hook/abc", secret=SECRET, metrics=metrics, counts=_counts)
        async with app, aiohttp.ClientSession() as http:
            await app.start()
            await server.start("127.0.0.1", 0)
            try:
                yield Rig(fake, app, server, metrics, http, release, replied)
            finally:
                release.set()
                await server.cleanup()
                await app.stop()


def message(update_id: int, text: str = "hi", chat: int = 42) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1700000000,
            "chat": {"id": chat, "type": "private", "first_name": "u"},
            "from": {"id": chat, "is_bot": False, "first_name": "u"},
            "text": text,
        },
    }


async def test_update_is_accepted_and_handled(rig: Rig) -> None:
    assert await rig.post(message(1)) == 200
    sent = await rig.fake.wait_sent(1, chat=42)
    assert sent[0].text == "echo hi"
    await asyncio.wait_for(rig.replied.wait(), 2)
    assert rig.metrics.updates == 1 and 0 < rig.metrics.latencies[0] < 2


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1], "سر"])
async def test_wrong_or_missing_secret_is_refused(rig: Rig, secret: str | None) -> None:
    headers = {HEADER: secret.encode().decode("latin-1")} if secret is not None else {}
    async with rig.http.post(f"{rig.url}/hook/abc", json=message(5), headers=headers) as response:
        assert response.status == 403
    await asyncio.sleep(0.05)
    assert rig.fake.sent() == [] and rig.app.update_queue.qsize() == 0
    assert rig.metrics.rejected == 1


async def test_answers_200_before_the_handler_finishes(rig: Rig) -> None:
    rig.release.clear()
    async with asyncio.timeout(1):
        assert await rig.post(message(2, "slow")) == 200
    assert rig.fake.sent() == []
    rig.release.set()
    assert (await rig.fake.wait_sent(1))[0].text == "echo slow"


async def test_duplicate_update_ids_are_dropped(rig: Rig) -> None:
    for _ in range(3):
        assert await rig.post(message(7, "once")) == 200
    await rig.fake.wait_sent(1)
    await asyncio.sleep(0.1)
    assert [m.text for m in rig.fake.sent()] == ["echo once"]
    assert rig.metrics.duplicates == 2


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"update_id": "7"}',
        b'{"update_id": true}',
        b"{}",
        "\udcff".encode("utf-8", "surrogatepass"),
    ],
)
async def test_bad_bodies_get_400(rig: Rig, body: bytes) -> None:
    assert await rig.post(body) == 400
    assert rig.app.update_queue.qsize() == 0


async def test_unknown_paths_and_methods(rig: Rig) -> None:
    async with rig.http.post(f"{rig.url}/hook/other", json=message(1), headers={HEADER: SECRET}) as response:
        assert response.status == 404
    async with rig.http.get(f"{rig.url}/hook/abc") as response:
        assert response.status == 405


async def test_health_and_metrics(rig: Rig) -> None:
    await rig.post(message(11))
    await rig.post(message(11))
    await rig.post(b"junk")
    await asyncio.wait_for(rig.replied.wait(), 2)
    async with rig.http.get(f"{rig.url}/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"
    async with rig.http.get(f"{rig.url}/metrics") as response:
        assert response.content_type == "text/plain"
        text = await response.text()
    assert "akhbar_updates_received_total 1\n" in text
    assert "akhbar_updates_duplicate_total 1\n" in text
    assert "akhbar_updates_rejected_total 1\n" in text
    assert "akhbar_replies_total 1\n" in text
    assert 'akhbar_deliveries{status="pending"} 3\n' in text
    assert "akhbar_update_queue_depth 0\n" in text
    assert "akhbar_reply_latency_seconds_count 1\n" in text
    assert "# TYPE akhbar_reply_latency_seconds summary" in text


def test_recent_ids_are_bounded() -> None:
    recent = RecentIds(size=3)
    assert all(recent.add(i) for i in range(5))
    assert not recent.add(4) and not recent.add(2)
    assert recent.add(0)  # forgotten: only the last three are kept


def test_quantile_and_arrivals_are_bounded() -> None:
    assert quantile([], 0.5) == 0.0
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert quantile([float(i) for i in range(1, 101)], 0.99) == 99.0
    m = Metrics()
    for i in range(30_000):
        m.arrived(i)
    m.replied(0)  # long forgotten: no latency, still a reply
    m.replied(29_999)
    assert m.replies == 2 and len(m.latencies) == 1


def test_secret_path_and_token_are_stable_and_valid() -> None:
    public, path = webhook_address("https://bot.example/tg/", TOKEN)
    assert public == "https://bot.example" + path and path.startswith("/tg/")
    assert webhook_address("https://bot.example", TOKEN)[1].count("/") == 1
    assert derived(TOKEN, "secret") == derived(TOKEN, "secret") != derived("1:other", "secret")
    assert derived(TOKEN, "secret").isalnum()
