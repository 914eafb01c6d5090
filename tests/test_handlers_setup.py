"""The application as ``akhbar run`` builds it: command menus, the error handler, webhook mode."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from handlers import build_application, setup
from handlers.common import parts
from tests.fakes.telegram import Fault
from tests.test_handlers_rig import EDITOR, READER, TOKEN, running


async def test_command_menus_arabic_english_and_editors(tmp_path: Path) -> None:
    async with running(tmp_path) as rig:
        commands = rig.fake.commands
        arabic = commands[("[('type', 'default')]", "ar")]
        english = commands[("[('type', 'default')]", "")]
        names = [c["command"] for c in arabic]
        assert names == [c["command"] for c in english]
        assert {"latest", "search", "subscribe", "unsubscribe", "subscriptions", "help", "start"} <= set(names)
        assert {"world", "sports", "economy"} <= set(names)
        assert not {"push", "pause", "status"} & set(names)
        assert all(re.fullmatch(r"[a-z0-9_]{1,32}", n) for n in names)
        by_name = {c["command"]: c["description"] for c in arabic}
        assert by_name["latest"] == "آخر الأخبار" and by_name["world"] == "أخبار العالم"
        assert {c["command"]: c["description"] for c in english}["latest"] == "Latest news"
        scope = str(sorted({"type": "chat", "chat_id": EDITOR}.items()))
        editor_menu = [c["command"] for c in commands[(scope, "ar")]]
        assert {"push", "preview", "breaking", "pause", "resume", "status", "latest"} <= set(editor_menu)
        rig.no_errors()


async def test_the_application_is_built_for_each_mode(tmp_path: Path) -> None:
    async with running(tmp_path) as rig:
        webhook_app = build_application(rig.services, rig.app.bot, webhook=True)
        assert webhook_app.updater is None and rig.app.updater is not None
        assert webhook_app.bot_data["services"] is rig.services
        assert rig.app.concurrent_updates > 1


async def test_a_failing_handler_logs_one_line_and_apologises(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with running(tmp_path) as rig:
        async with rig.services.store.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE articles RENAME TO articles_gone"))
        with caplog.at_level(logging.ERROR, logger="handlers"):
            reply = await rig.say("/latest")
        assert "حدث خطأ مؤقت" in reply.text
        lines = [r.getMessage() for r in caplog.records if r.name == "handlers"]
        assert len(lines) == 1 and "OperationalError" in lines[0]
        assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
        assert parts(rig.app).metrics.errors == 1
        assert rig.fake.errors() == []


async def test_webhook_mode_serves_updates_health_and_metrics(tmp_path: Path) -> None:
    async with running(tmp_path, webhook=True) as rig:
        await rig.add(1, "خبر أول")
        assert "خبر أول" in (await rig.say("/latest")).text
        rig.fake.inline_query("خبر")
        assert rig.fake.webhook is not None
        url = rig.fake.webhook["url"]
        assert url.startswith(rig.services.settings.telegram.webhook_url + "/") and len(url.rsplit("/", 1)[1]) == 32
        assert rig.server is not None
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{rig.server.port}"
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            async with http.get(f"{base}/metrics") as response:
                metrics = await response.text()
            async with http.post(url, json={"update_id": 1}) as response:
                assert response.status == 403  # no secret header
        assert "akhbar_updates_received_total" in metrics and "akhbar_replies_total" in metrics
        assert re.search(r"akhbar_reply_latency_seconds_count [1-9]", metrics)
        assert READER in {m.chat_id for m in rig.fake.sent()}
        rig.no_errors()


async def test_menus_failing_does_not_stop_the_bot(tmp_path: Path) -> None:
    async with running(tmp_path) as rig:
        rig.fake.add_fault(Fault.server_error(502), method="setMyCommands", times=None)
        await setup(rig.app)  # logged, not raised
        assert "/latest" in (await rig.say("/help")).text
