"""The fake Bot API itself: it must refuse what Telegram refuses, so tests built on it mean something.
Driven by PTB with its default transport (httpx, form-encoded), as the handlers' Application uses it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest, Conflict, EndPointNotFound, RetryAfter

from tests.fakes.telegram import FakeBotAPI, Limits, parse_html
from tests.fakes.telegram.tghtml import HtmlError


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(limits=Limits.off()) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    client = Bot("123456:TEST-token", base_url=fake.base_url)
    async with client:
        yield client


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<x>a</x>", 'Unsupported start tag "x" at byte offset 0'),
        ("<b>a<i>b</b></i>", 'Unmatched end tag at byte offset 8, expected "</i>", found "</b>"'),
        ("a</b>", "Unexpected end tag at byte offset 1"),
        ("ع<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">a</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("سعر < 100", 'Unsupported start tag "" at byte offset 7'),
    ],
)
def test_html_errors_like_tdlib(markup: str, error: str) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(markup)
    assert str(caught.value) == error


def test_html_entities_offsets_and_trimming() -> None:
    text, entities = parse_html('  😀 <b>عاجل</b> &amp; <a href="https://e.com/x">رابط</a> &#1575;&#x628; &nope; ')
    assert text == "😀 عاجل & رابط اب &nope;"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "url": "https://e.com/x", "offset": 10, "length": 4},
    ]
    assert parse_html('<pre><code class="language-python">x</code></pre>')[1] == [
        {"type": "pre", "language": "python", "offset": 0, "length": 1}
    ]
    assert parse_html("<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler>")[1] == [
        {"type": "expandable_blockquote", "offset": 0, "length": 1},
        {"type": "spoiler", "offset": 1, "length": 1},
    ]


async def test_lengths_count_code_points_after_parsing(fake: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(1, "😀" * 4096)  # 8192 UTF-16 units, 4096 code points: accepted
    await bot.send_message(1, "<b>" + "ب" * 4096 + "</b>", parse_mode="HTML")  # tags don't count
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(1, "ب" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(1, "  <b> </b> ", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(1, "<p>x</p>", parse_mode="HTML")
    assert len(fake.sent(1)) == 2 and len(fake.parse_errors()) == 1


async def test_keyboards_are_validated(bot: Bot) -> None:
    def markup(**button: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("زر", **button)]])  # type: ignore[arg-type]

    await bot.send_message(1, "x", reply_markup=markup(url="tg://resolve?domain=news"))
    await bot.send_message(1, "x", reply_markup=markup(callback_data="ا" * 32))  # 64 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(1, "x", reply_markup=markup(callback_data="ا" * 33))
    with pytest.raises(BadRequest, match=r"(?i)unsupported url protocol"):
        await bot.send_message(1, "x", reply_markup=markup(url="javascript:alert(1)"))
    with pytest.raises(BadRequest, match="exactly one"):
        await bot.send_message(1, "x", reply_markup=markup(url="https://e.com", callback_data="a"))


async def test_flood_control_answers_429_with_retry_after() -> None:
    async with FakeBotAPI(limits=Limits(private_burst=3, private_rate=1)) as fake:
        async with Bot("1:A", base_url=fake.base_url) as bot:
            for _ in range(3):
                await bot.send_message(5, "x")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(5, "x")
            assert caught.value._retry_after.total_seconds() == 1
            assert fake.count_429 == 1 and len(fake.sent(5)) == 3


async def test_edits_photos_and_deletes(fake: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message("@news", "<b>أ</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("<b>أ</b>", chat_id="@news", message_id=sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="no caption"):
        await bot.edit_message_caption(chat_id="@news", message_id=sent.message_id, caption="c")
    await bot.edit_message_reply_markup(
        "@news", sent.message_id, reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("z", url="https://e.com")]])
    )
    assert fake.last("@news").button_urls == ["https://e.com"] and len(fake.last("@news").history) == 1
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo("@news", "no-such-file-id")
    fake.advance(47 * 3600)
    assert await bot.delete_message("@news", sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message("@news", sent.message_id)


async def test_unknown_method_is_404(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})


async def test_updates_by_long_polling(fake: FakeBotAPI, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.2)
        fake.user_message("/latest 3", user_id=7)

    task = asyncio.create_task(later())
    [update] = await bot.get_updates(timeout=3)
    await task
    assert update.message is not None and update.message.text == "/latest 3"
    assert update.message.entities[0].type == "bot_command" and update.message.from_user.id == 7  # type: ignore[union-attr]
    sent = await bot.send_message(
        7, "آخر الأخبار", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("المزيد", callback_data="more:2")]])
    )
    fake.callback_query("more:2", message=fake.last(7), user_id=7)
    fake.inline_query("غزة", user_id=7)
    updates = await bot.get_updates(offset=update.update_id + 1, timeout=1)
    query, inline = updates[0].callback_query, updates[1].inline_query
    assert query is not None and query.data == "more:2" and query.message.message_id == sent.message_id  # type: ignore[union-attr]
    assert await bot.answer_callback_query(query.id, text="تم")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)
    assert inline is not None
    results = [
        InlineQueryResultArticle(str(i), "عنوان", InputTextMessageContent("<b>x</b>", parse_mode="HTML"))
        for i in range(51)
    ]
    with pytest.raises(BadRequest, match="Results_too_much"):
        await bot.answer_inline_query(inline.id, results)
    assert await bot.answer_inline_query(inline.id, results[:50])
    assert len(fake.inline_answers[inline.id]["results"]) == 50


async def test_webhook_delivery_with_secret(fake: FakeBotAPI, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret_token")
        with pytest.raises(Conflict):
            await bot.get_updates()
        update = fake.user_message("/start world", user_id=9)
        for _ in range(50):
            if received:
                break
            await asyncio.sleep(0.02)
        assert received == [("s3cret_token", update)]
        assert fake.webhook_deliveries == [(update["update_id"], 200)]
        assert (await bot.get_webhook_info()).url.endswith("/hook")
    finally:
        await runner.cleanup()


async def test_commands_per_language(bot: Bot) -> None:
    await bot.set_my_commands([("latest", "آخر الأخبار")], language_code="ar")
    await bot.set_my_commands([("latest", "Latest news")])
    assert (await bot.get_my_commands(language_code="ar"))[0].description == "آخر الأخبار"
    assert (await bot.get_my_commands())[0].description == "Latest news"
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("أخبار", "x")])
