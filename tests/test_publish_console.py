"""ConsolePublisher: the demo's printout stands in for Telegram and X behind the same protocols."""

from __future__ import annotations

import io

from bot.models import Button, TelegramPost, XPost
from bot.publish.base import Publisher, XPoster
from bot.publish.console import ConsolePublisher, ConsoleXPoster


async def test_prints_posts_as_readers_see_them() -> None:
    out = io.StringIO()
    console = ConsolePublisher(out)
    xconsole = ConsoleXPoster(console)
    assert isinstance(console, Publisher) and isinstance(xconsole, XPoster)
    post = TelegramPost(
        html="<b>عاجل</b> &amp; خبر", buttons=((Button("اقرأ", "https://example.com/a"),),), photo=b"x" * 30_000
    )
    first = await console.send("@news", post)
    second = await console.send_text("@news", "<i>تنبيه</i>")
    assert (first.message_id, first.as_photo, second.message_id, second.as_photo) == (1, True, 2, False)
    assert await console.edit("@news", 1, post, as_photo=True) is True
    assert await console.delete("@news", 2) is True
    assert await xconsole.post(XPost("نص", b"y" * 2048)) == "1"
    text = out.getvalue()
    assert "[photo 29 KB]" in text and "عاجل & خبر" in text and "[اقرأ] → https://example.com/a" in text
    assert "تنبيه" in text and "<i>" not in text
    assert "message 1 edited" in text and "message 2 deleted" in text
    assert "X · post 1" in text and "[photo 2 KB]" in text
