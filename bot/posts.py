"""Posts for stored articles, built once per article version and platform.

Composing is pure (bot.compose); this service adds the one piece of I/O a post needs — the article's
image, fetched from the site and prepared, or a generated card when there is none or it is broken — and
caches the results so a fan-out to 10,000 subscribers composes once, not 10,000 times.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Generic, TypeVar

from bot.compose import (
    ComposeContext,
    compose_breaking,
    compose_breaking_x,
    compose_telegram,
    compose_x,
    prepare_image,
    render_card,
)
from bot.exceptions import SourceError
from bot.models import Article, TelegramPost, XPost
from bot.store import StoredArticle

log = logging.getLogger(__name__)

ImageFetcher = Callable[[str, str | None], Awaitable[bytes]]
K = TypeVar("K")
V = TypeVar("V")


class _LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self._size:
            self._data.popitem(last=False)


def _alert_text(article: Article) -> str:
    return "\n".join([article.title, *article.paragraphs])


class PostFactory:
    def __init__(
        self,
        ctx: ComposeContext,
        fetch_image: ImageFetcher | None,
        *,
        may_fetch: Callable[[str], bool] = lambda _url: True,
        cache_size: int = 256,
    ) -> None:
        self._ctx = ctx
        self._fetch_image = fetch_image
        self._may_fetch = may_fetch
        self._images: _LRU[tuple[int, int], tuple[bytes, str]] = _LRU(cache_size)
        self._telegram: _LRU[tuple[int, int], TelegramPost] = _LRU(cache_size)
        self._x: _LRU[tuple[int, int], XPost] = _LRU(cache_size)
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    @property
    def context(self) -> ComposeContext:
        return self._ctx

    async def image(self, stored: StoredArticle) -> tuple[bytes, str]:
        """(JPEG bytes, key) for the article: its own image when it is usable, else a branded card."""
        key = (stored.id, stored.version)
        cached = self._images.get(key)
        if cached is not None:
            return cached
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._images.get(key)
            if cached is None:
                cached = await self._make_image(stored.article)
                self._images.put(key, cached)
        self._locks.pop(key, None)
        return cached

    async def _make_image(self, article: Article) -> tuple[bytes, str]:
        if article.image and not self._may_fetch(article.image):
            log.warning("image of %s points at a private address; using a card", article.href)
        elif article.image and self._fetch_image is not None:
            try:
                raw = await self._fetch_image(article.image, article.href)
            except SourceError as exc:
                log.info("image of %s unusable (%s); using a card", article.href, exc.reason)
            else:
                prepared = await asyncio.to_thread(prepare_image, raw)
                if prepared is not None:
                    return prepared, "img:" + hashlib.sha256(prepared).hexdigest()[:24]
                log.info("image of %s is broken or unsupported; using a card", article.href)
        section = article.section.name if article.section else None
        card = await asyncio.to_thread(
            render_card, article.title, self._ctx.site_name, section, font_path=self._ctx.card_font
        )
        return card, "card:" + hashlib.sha256(card).hexdigest()[:24]

    async def telegram(self, stored: StoredArticle) -> TelegramPost:
        key = (stored.id, stored.version)
        post = self._telegram.get(key)
        if post is None and stored.article.is_breaking:  # an alert: text only, no card, no buttons
            post = compose_breaking(_alert_text(stored.article), self._ctx)
            self._telegram.put(key, post)
        if post is None:
            photo, photo_key = await self.image(stored)
            post = self._telegram.get(key)  # lanes that waited for the same image: composed once
            if post is None:
                post = replace(compose_telegram(stored.article, self._ctx, photo=photo), photo_key=photo_key)
                self._telegram.put(key, post)
        return post

    async def x(self, stored: StoredArticle) -> XPost:
        key = (stored.id, stored.version)
        post = self._x.get(key)
        if post is None and stored.article.is_breaking:
            post = compose_breaking_x(_alert_text(stored.article), self._ctx)
            self._x.put(key, post)
        if post is None:
            photo, _ = await self.image(stored)
            post = self._x.get(key)
            if post is None:
                post = compose_x(stored.article, self._ctx, photo=photo)
                self._x.put(key, post)
        return post
