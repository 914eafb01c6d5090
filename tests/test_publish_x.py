"""XPublisher through the fake X server over real HTTP: tweepy's requests redirected, v2 media upload,
OAuth 1.0a signatures checked by the fake against the URL actually requested."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from PIL import Image

from bot.config import XSettings
from bot.exceptions import DestinationGone, RateLimited, Rejected, TransientError
from bot.models import XPost
from bot.publish.base import XPoster
from bot.publish.x import XPublisher
from tests.fakes.x import FakeX, XFault

SECRETS = {
    "X_CONSUMER_KEY": "ck-key",
    "X_CONSUMER_SECRET": "cs-secret-value",
    "X_ACCESS_TOKEN": "42-at-token",
    "X_ACCESS_TOKEN_SECRET": "ts-secret-value",
}
TEXT = "القمة العربية تختتم أعمالها ببيان يدعو إلى وقف فوري لإطلاق النار #القمة_العربية"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 675), (20, 60, 160)).save(out, "JPEG")
    return out.getvalue()


def settings(url: str, **overrides: str) -> XSettings:
    return XSettings(_env_file=None, X_API_URL=url, **{**SECRETS, **overrides})  # type: ignore[call-arg]


@pytest.fixture
async def fake() -> AsyncIterator[FakeX]:
    async with FakeX(consumer_secret="cs-secret-value", token_secret="ts-secret-value") as server:
        yield server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def x(fake: FakeX, session: aiohttp.ClientSession) -> XPublisher:
    return XPublisher(settings(fake.url), session, timeout=0.5)


async def test_post_with_image_uses_the_v2_upload(fake: FakeX, x: XPublisher) -> None:
    image = jpeg()
    tweet_id = await x.post(XPost(TEXT, image))
    [tweet] = fake.tweets
    assert (tweet["id"], tweet["text"]) == (tweet_id, TEXT)
    assert tweet["media_sha256"] == [hashlib.sha256(image).hexdigest()]
    assert fake.media[tweet["media_ids"][0]]["category"] == "tweet_image"
    assert [(m, p, s) for m, p, s in fake.requests] == [("POST", "/2/media/upload", 200), ("POST", "/2/tweets", 201)]
    assert isinstance(x, XPoster)


async def test_text_only_post(fake: FakeX, x: XPublisher) -> None:
    await x.post(XPost(TEXT))
    assert fake.tweets[0]["media_ids"] == []


async def test_wrong_credentials_are_a_gone_destination(fake: FakeX, session: aiohttp.ClientSession) -> None:
    wrong = XPublisher(settings(fake.url, X_CONSUMER_SECRET="not-it"), session)
    with pytest.raises(DestinationGone, match="signature"):
        await wrong.post(XPost(TEXT))
    assert fake.tweets == []


async def test_429_waits_until_the_reset(fake: FakeX, x: XPublisher) -> None:
    fake.add_fault(XFault.too_many(reset_in=30), path="/2/tweets")
    with pytest.raises(RateLimited) as caught:
        await x.post(XPost(TEXT))
    assert 28 <= caught.value.retry_after <= 31
    fake.add_fault(XFault.too_many(reset_in=-100), path="/2/tweets")
    with pytest.raises(RateLimited) as caught:
        await x.post(XPost(TEXT))
    assert caught.value.retry_after == 1.0


async def test_the_fakes_own_window_answers_429(session: aiohttp.ClientSession) -> None:
    async with FakeX(tweet_limit=2, tweet_window=60) as strict:
        publisher = XPublisher(settings(strict.url), session)
        await publisher.post(XPost("واحد"))
        await publisher.post(XPost("اثنان"))
        with pytest.raises(RateLimited) as caught:
            await publisher.post(XPost("ثلاثة"))
        assert 55 <= caught.value.retry_after <= 61


async def test_upload_429_is_rate_limited_too(fake: FakeX, x: XPublisher) -> None:
    fake.add_fault(XFault.too_many(reset_in=10), path="/2/media/upload")
    with pytest.raises(RateLimited):
        await x.post(XPost(TEXT, jpeg()))
    assert fake.tweets == []


async def test_duplicate_content_is_rejected_not_gone(fake: FakeX, x: XPublisher) -> None:
    await x.post(XPost(TEXT))
    with pytest.raises(Rejected, match="duplicate"):
        await x.post(XPost(TEXT))
    fake.add_fault(XFault.duplicate(), path="/2/tweets")
    with pytest.raises(Rejected, match="duplicate"):
        await x.post(XPost("نص آخر"))


async def test_forbidden_means_the_account_is_unusable(fake: FakeX, x: XPublisher) -> None:
    fake.add_fault(XFault.forbidden(), path="/2/tweets")
    with pytest.raises(DestinationGone, match="not permitted"):
        await x.post(XPost(TEXT))


@pytest.mark.parametrize("fault", [XFault.server_error(503), XFault.server_error(500), XFault.hang(), XFault.reset()])
async def test_transient_failures(fake: FakeX, x: XPublisher, fault: XFault) -> None:
    fake.add_fault(fault, path="/2/tweets")
    started = time.monotonic()
    with pytest.raises(TransientError):
        await x.post(XPost(TEXT))
    assert time.monotonic() - started < 2
    await x.post(XPost(TEXT))  # the retry
    assert len(fake.tweets) == 1


async def test_refused_image_still_posts_the_text(fake: FakeX, x: XPublisher) -> None:
    await x.post(XPost(TEXT, b"GIF89a-not-really"))
    assert fake.tweets[0]["media_ids"] == [] and fake.tweets[0]["text"] == TEXT


async def test_too_long_is_rejected(fake: FakeX, x: XPublisher) -> None:
    with pytest.raises(Rejected, match="too long"):
        await x.post(XPost("ب" * 281))
    await x.post(XPost("ب" * 280))  # Arabic weighs 1: 280 letters fit


async def test_delete(fake: FakeX, x: XPublisher) -> None:
    tweet_id = await x.post(XPost(TEXT))
    assert await x.delete(tweet_id) is True
    assert await x.delete(tweet_id) is False


def test_no_secret_in_reprs(x: XPublisher) -> None:
    shown = repr(x) + repr(x._client.session) + repr(x._signer)
    assert not any(secret in shown for secret in ("cs-secret-value", "ts-secret-value"))
