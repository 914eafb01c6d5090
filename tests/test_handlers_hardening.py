"""Holes found in review of the readers/editors layer, each shown closed through real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from bot.exceptions import SourceError
from bot.models import Section
from bot.search import forms
from bot.searcher import Searcher
from handlers.common import parts
from tests.test_handlers_rig import READER, running

PAGE = """<html><head><title>{t}</title><meta property="og:title" content="{t}">
<meta property="og:image" content="{img}"></head><body><article><h1>{t}</h1>
<p>{p}</p><p>{p}</p></article></body></html>"""
TITLE = "وزير الخارجية يزور القاهرة لبحث الأوضاع في المنطقة"
BODY = "قال مصدر رسمي إن الزيارة تأتي في إطار التشاور المستمر بين البلدين حول القضايا الإقليمية. " * 3


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def victim() -> AsyncIterator[tuple[str, list[str]]]:
    """An 'internal' server: any request reaching it is a successful SSRF."""
    hits: list[str] = []

    async def secret(request: web.Request) -> web.Response:
        hits.append(str(request.url))
        return web.Response(text="<html><h1>internal</h1></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", secret)
    async with serve(app) as url:
        yield url, hits


@pytest.mark.parametrize("header", ["Location", "URI"])
async def test_push_never_follows_a_redirect_inside(tmp_path: Path, header: str) -> None:
    async with victim() as (inside, hits):

        async def redirect(_request: web.Request) -> web.Response:
            return web.Response(status=302, headers={header: f"{inside}/admin"})

        front = web.Application()
        front.router.add_get("/{tail:.*}", redirect)
        async with serve(front) as site, running(tmp_path, SITE_URL=site) as rig:
            with pytest.raises(SourceError):
                await parts(rig.app).editor.push(f"{site}/news/1")
    assert hits == []


async def test_preview_image_redirect_inside_is_not_fetched(tmp_path: Path) -> None:
    async with victim() as (inside, hits):
        where: dict[str, str] = {}

        async def page(_request: web.Request) -> web.Response:
            return web.Response(
                text=PAGE.format(t=TITLE, p=BODY, img=where["site"] + "/img.jpg"), content_type="text/html"
            )

        async def img(_request: web.Request) -> web.Response:
            raise web.HTTPFound(f"{inside}/latest/meta-data/")

        front = web.Application()
        front.router.add_get("/img.jpg", img)
        front.router.add_get("/{tail:.*}", page)
        async with serve(front) as site:
            where["site"] = site
            async with running(tmp_path, SITE_URL=site) as rig:
                shown = await parts(rig.app).editor.preview(f"{site}/news/1")
    assert hits == []
    assert shown.post.photo_key is not None and shown.post.photo_key.startswith("card:")


async def test_group_commands_for_other_bots_are_not_answered(tmp_path: Path) -> None:
    async with running(tmp_path) as rig:
        rig.fake.add_chat(-100555, "supergroup", title="g")
        rig.fake.user_message("/start@SomeOtherBot", user_id=READER, chat_id=-100555)
        rig.fake.user_message("/ban@group_help_bot @spammer", user_id=READER, chat_id=-100555)
        rig.fake.user_message("/start", user_id=READER, chat_id=-100555)  # ours: one pointer to the private chat
        await rig.fake.wait_sent(1, chat=-100555, within=5)
        await asyncio.sleep(0.5)
        assert len(rig.fake.sent(-100555)) == 1


async def raw_post(port: int, path: str, secret: bytes, body: bytes) -> bytes:
    """POST over a bare socket (aiohttp's client would refuse a non-UTF-8 header); returns the status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\nContent-Length: " + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n" + body
    )  # fmt: skip
    await writer.drain()
    status = (await reader.read()).split(b"\r\n")[0]
    writer.close()
    return status


async def test_webhook_answers_403_to_a_non_utf8_secret(tmp_path: Path) -> None:
    async with running(tmp_path, webhook=True) as rig:
        for header in (b"wrong", b"\xff\xfe"):
            status = await raw_post(rig.server.port, rig.server._path, header, b'{"update_id": 1}')
            assert status == b"HTTP/1.1 403 Forbidden"


async def test_help_with_many_long_sections_fits_one_message(tmp_path: Path) -> None:
    async with running(tmp_path) as rig:
        for n in range(60):
            name = f"قسم أخبار المحافظات والمدن والقرى الشمالية رقم {n}"
            await rig.add(n + 1, f"خبر {n}", section=Section(name, f"s_mhafzat_almdn_walqra_{n:02d}"))
        await rig.say("/help")
        await rig.say("/subscribe nosuchsection")
        await asyncio.sleep(0.3)
        assert rig.fake.errors() == []


def test_search_forms_keep_words_that_start_with_waw_or_fa() -> None:
    for word, written in [("وزير", "الوزير"), ("فلسطين", "بفلسطين"), ("فرنسا", "لفرنسا"), ("واشنطن", "وواشنطن")]:
        assert written in forms(word)
    assert "غزه" in forms("وغزه")  # the conjunction is still understood


async def test_search_index_stays_bounded(tmp_path: Path) -> None:
    async with running(tmp_path) as rig:
        for n in range(1, 11):
            await rig.add(n, f"خبر رقم {n} عن غزة")
        searcher = Searcher(rig.services.store, max_docs=10, fresh_every=0.0, recheck_every=0.0)
        await searcher.warm()
        for n in range(11, 61):
            await rig.add(n, f"خبر رقم {n} عن غزة")
        searcher.stale()
        await searcher.ready()
        assert searcher._index.slots <= 20
        await searcher.close()


async def test_webhook_answers_400_to_an_update_ptb_cannot_read(tmp_path: Path) -> None:
    async with running(tmp_path, webhook=True) as rig:
        body = b'{"update_id": 7, "message": "not an object"}'
        status = await raw_post(rig.server.port, rig.server._path, rig.server._secret, body)
        assert status == b"HTTP/1.1 400 Bad Request"
