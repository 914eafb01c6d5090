"""Editor commands through the fake Bot API: who may use them, what they do, and the SSRF guard."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from handlers import callbacks
from tests.fakes.site import FakeSite
from tests.test_handlers_rig import EDITOR, READER, Rig, plain, running


@dataclass
class Desk:
    rig: Rig
    site: FakeSite

    def url(self, index: int = 0) -> str:
        return self.site.article_url(self.site.articles[index])


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with FakeSite() as site:
        async with running(tmp_path, SITE_URL=site.base_url, FEED_URLS=site.feed_url("rss")) as rig:
            yield Desk(rig, site)


def buttons(message: object) -> list[dict[str, str]]:
    return [b for row in message.buttons for b in row]  # type: ignore[attr-defined]


COMMANDS = ["/push {url}", "/preview {url}", "/breaking نص عاجل", "/pause", "/resume", "/status"]


@pytest.mark.parametrize("command", COMMANDS)
async def test_editor_commands_refuse_everyone_else_and_log_it(
    desk: Desk, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="handlers.editors"):
        reply = await desk.rig.say(command.format(url=desk.url()), user=READER)
    assert reply.text == "هذا الأمر للمحررين فقط."
    assert any(str(READER) in r.getMessage() and "refused" in r.getMessage() for r in caplog.records)
    store = desk.rig.services.store
    assert await store.articles.count() == 0 and not await store.state.paused()
    assert desk.site.requests == []  # nothing was fetched for them
    assert desk.rig.fake.sent("@huna_news") == []
    desk.rig.no_errors()


@pytest.mark.parametrize("command", COMMANDS)
async def test_editor_commands_are_not_run_in_groups(desk: Desk, command: str) -> None:
    desk.rig.fake.add_chat(-100321, "supergroup", title="غرفة الأخبار")
    desk.rig.fake.user_message(command.format(url=desk.url()), user_id=EDITOR, chat_id=-100321)
    reply = (await desk.rig.fake.wait_sent(1, chat=-100321))[0]
    assert "محادثة خاصة" in reply.text
    assert await desk.rig.services.store.articles.count() == 0 and desk.site.requests == []


async def test_push_posts_to_the_channel(desk: Desk) -> None:
    reply = await desk.rig.say(f"/push {desk.url()}", user=EDITOR)
    title = desk.site.articles[0].title
    assert "أُرسل" in reply.text and title[:30] in plain(reply.text)
    await desk.rig.services.worker.drain()
    assert title in plain(desk.rig.fake.sent("@huna_news")[-1].text)
    again = await desk.rig.say(f"/push {desk.url()}", user=EDITOR)
    assert "منشور من قبل" in again.text
    desk.rig.no_errors()


@pytest.mark.parametrize("command", ["/push", "/preview"])
@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://{host}/news/1",
        "file:///etc/passwd",
        "http://localhost:{port}/news/1",
        "http://127.0.0.1:22/",
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/news/1",
        "http://{host}@evil.example/",
        "<b>not a url</b>",
    ],
)
async def test_url_commands_refuse_other_hosts_and_private_addresses(desk: Desk, command: str, url: str) -> None:
    host = desk.site.base_url.removeprefix("http://")
    reply = await desk.rig.say(f"{command} {url.format(host=host, port=host.split(':')[1])}".strip(), user=EDITOR)
    assert ("لا أستطيع جلب هذا الرابط" in reply.text) if url else ("اكتب رابط الخبر" in reply.text)
    assert desk.site.requests == [] and await desk.rig.services.store.articles.count() == 0
    desk.rig.no_errors()


async def test_unreadable_pages_are_reported(desk: Desk) -> None:
    reply = await desk.rig.say(f"/push {desk.site.url('/news/424242/none')}", user=EDITOR)
    assert "تعذّر جلب الخبر" in reply.text and "404" in reply.text
    feed = await desk.rig.say(f"/preview {desk.site.feed_url('rss')}", user=EDITOR)
    assert "تعذّر" in feed.text
    desk.rig.no_errors()


async def test_preview_then_publish(desk: Desk) -> None:
    preview = await desk.rig.say(f"/preview {desk.url(1)}", user=EDITOR)
    title = desk.site.articles[1].title
    assert preview.is_photo and title in plain(preview.text)
    labels = [b["text"] for b in buttons(preview)]
    assert labels[0] == "اقرأ المزيد" and labels[-2:] == ["✅ نشر", "✖️ إلغاء"]
    assert desk.rig.fake.sent("@huna_news") == []
    publish = buttons(preview)[-2]["callback_data"]
    stranger = await desk.rig.press(publish, preview, user=READER)
    assert "للمحررين فقط" in stranger["text"] and await desk.rig.services.store.articles.count() == 0
    await desk.rig.press(publish, preview, user=EDITOR)
    done = (await desk.rig.fake.wait_sent(2, chat=EDITOR))[-1]
    assert "أُرسل" in done.text
    shown = desk.rig.fake.sent(EDITOR)[0]
    assert all("callback_data" not in b for b in buttons(shown))  # the actions are gone
    await desk.rig.services.worker.drain()
    assert title in plain(desk.rig.fake.sent("@huna_news")[-1].text)
    late = await desk.rig.press(publish, preview, user=EDITOR)
    assert "انتهت صلاحية" in late["text"]
    desk.rig.no_errors()


async def test_preview_cancel(desk: Desk) -> None:
    preview = await desk.rig.say(f"/preview {desk.url()}", user=EDITOR)
    answer = await desk.rig.press(buttons(preview)[-1]["callback_data"], preview, user=EDITOR)
    assert answer["text"] == "أُلغيت المعاينة."
    assert await desk.rig.services.store.articles.count() == 0
    forged = await desk.rig.press(callbacks.publish("AAAAAAAAAAAA"), preview, user=EDITOR)
    assert "انتهت صلاحية" in forged["text"]
    desk.rig.no_errors()


async def test_breaking(desk: Desk) -> None:
    await desk.rig.services.store.subscribers.subscribe(READER, "world")
    assert "نص الخبر العاجل" in (await desk.rig.say("/breaking", user=EDITOR)).text
    reply = await desk.rig.say("/breaking انفجار <b>كبير</b> & حريق\nتفاصيل لاحقًا", user=EDITOR)
    assert "2 وجهة" in reply.text
    await desk.rig.services.worker.drain()
    alert = desk.rig.fake.sent("@huna_news")[-1]
    channel = plain(alert.text)
    assert "عاجل | انفجار <b>كبير</b> & حريق" in channel  # composed as an alert, user markup escaped
    assert not alert.is_photo and not alert.buttons
    assert "انفجار" in plain(desk.rig.fake.sent(READER)[-1].text)
    assert "نص الخبر العاجل" in (await desk.rig.say("/breaking " + "ن" * 3500, user=EDITOR)).text
    desk.rig.no_errors()


async def test_pause_resume_status(desk: Desk) -> None:
    assert "أوقفت النشر" in (await desk.rig.say("/pause", user=EDITOR)).text
    assert "متوقف من قبل" in (await desk.rig.say("/pause", user=EDITOR)).text
    status = plain((await desk.rig.say("/status", user=EDITOR)).text)
    assert "النشر التلقائي: متوقف" in status and desk.site.feed_url("rss") in status
    assert "pending: 0" in status and "لم تُقرأ بعد" in status
    assert "استُؤنف" in (await desk.rig.say("/resume", user=EDITOR)).text
    assert "يعمل من قبل" in (await desk.rig.say("/resume", user=EDITOR)).text
    await desk.rig.say(f"/push {desk.url()}", user=EDITOR)
    await desk.rig.services.worker.drain()
    status = plain((await desk.rig.say("/status", user=EDITOR, language_code="en")).text)
    assert "Automatic posting: running" in status and "sent: 1" in status
    assert desk.site.articles[0].title[:20] in status and "channel:@huna_news" in status
    desk.rig.no_errors()
