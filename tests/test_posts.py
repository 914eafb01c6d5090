"""The post factory: images fetched only from where they may be, cards otherwise, one compose per version."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.compose import ComposeContext
from bot.models import Article, Section
from bot.posts import PostFactory
from bot.store import StoredArticle
from bot.urlguard import may_fetch

TRUSTED = [("127.0.0.1", 8080), ("huna.example", 443)]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cdn.example.com/a.jpg", True),  # a name: the connection-time resolver decides
        ("http://127.0.0.1:8080/img.jpg", True),  # the configured site
        ("http://127.0.0.1:9999/img.jpg", False),  # loopback, another port
        ("http://169.254.169.254/latest/meta-data", False),  # cloud metadata
        ("http://10.0.0.7/a.jpg", False),
        ("http://[::1]/a.jpg", False),
        ("http://93.184.216.34/a.jpg", True),  # public literal
        ("ftp://huna.example/a.jpg", False),
        ("file:///etc/passwd", False),
        ("not a url", False),
    ],
)
def test_may_fetch(url: str, ok: bool) -> None:
    assert may_fetch(url, TRUSTED) is ok


def _stored(image: str | None) -> StoredArticle:
    article = Article(
        url="https://huna.example/news/1",
        title="الناتو يبحث تعزيز الدعم العسكري لأوكرانيا",
        paragraphs=("توقّع الأمين العام لحلف شمال الأطلسي أن تعلن دول جديدة انضمامها.",),
        image=image,
        section=Section("العالم", "world"),
    )
    return StoredArticle(1, article, 1, datetime.now(UTC), False)


async def test_private_image_is_never_fetched_and_a_card_stands_in() -> None:
    fetched: list[str] = []

    async def fetch(url: str, referer: str | None) -> bytes:
        fetched.append(url)
        return b""

    posts = PostFactory(ComposeContext(), fetch, may_fetch=lambda u: may_fetch(u, TRUSTED))
    photo, key = await posts.image(_stored("http://169.254.169.254/latest/meta-data"))
    assert fetched == []
    assert key.startswith("card:") and photo[:3] == b"\xff\xd8\xff"


async def test_posts_are_composed_once_per_version() -> None:
    posts = PostFactory(ComposeContext(), None)
    stored = _stored(None)
    first = await posts.telegram(stored)
    assert await posts.telegram(stored) is first
    assert first.photo is not None and first.photo_key is not None
    x = await posts.x(stored)
    assert x.photo == first.photo


async def test_lanes_asking_together_share_one_post() -> None:
    """A fan-out starts hundreds of lanes at once: they wait for the one card and get the one post."""
    posts = PostFactory(ComposeContext(), None)
    stored = _stored(None)
    made = await asyncio.gather(*(posts.telegram(stored) for _ in range(64)))
    assert all(p is made[0] for p in made)
    xs = await asyncio.gather(*(posts.x(_stored(None)) for _ in range(8)))
    assert all(x is xs[0] for x in xs)
