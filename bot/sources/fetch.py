"""HTTP for the sources: feeds, article pages and images over one shared aiohttp session.

:class:`Fetcher` adds what a polite, robust news poller needs to a session the caller owns (or, through
:meth:`Fetcher.open`, one it creates and closes itself):

* connect and read timeouts and an overall deadline (``FETCH_TIMEOUT``), at most 5 redirects;
* a response size cap (``MAX_RESPONSE_BYTES``): a declared Content-Length over it is refused before
  reading, and reading stops the moment the (decompressed) body passes it — gzip bombs included;
* gzip/deflate (aiohttp decompresses), a clear ``User-Agent`` (``USER_AGENT``), ``Accept`` headers;
* conditional GET: pass the last ``etag``/``last_modified`` and a 304 comes back as
  ``Fetched.not_modified`` with an empty body — nothing to parse.

Every failure becomes one exception with the facts: :class:`~bot.exceptions.FetchError` (``status`` set
for HTTP errors), :class:`~bot.exceptions.TooLarge`, or :class:`~bot.exceptions.BlockedURL` for a URL
that is not http(s).  Nothing here logs; the caller decides what a failure means.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from bot.config import SourceSettings
from bot.exceptions import BlockedURL, FetchError, TooLarge
from bot.sources.urls import percent_encode_url

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
IMAGE_ACCEPT = "image/jpeg, image/png, image/webp, image/gif;q=0.8, image/*;q=0.5"
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF", b"\x00\x00\x00")


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: ``status`` 200 (or another 2xx) with its body, or 304 with an empty body."""

    url: str  # after redirects
    status: int
    body: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """Fetches over ``session`` (the caller's: one per process, closed by whoever opened it)."""

    def __init__(
        self, session: aiohttp.ClientSession, settings: SourceSettings, *, max_redirects: int = MAX_REDIRECTS
    ) -> None:
        self._session = session
        self.user_agent = settings.user_agent
        self.max_bytes = settings.max_response_bytes
        self.max_redirects = max_redirects
        deadline = settings.fetch_timeout
        self.timeout = aiohttp.ClientTimeout(
            total=deadline, connect=min(deadline, 10.0), sock_connect=min(deadline, 10.0), sock_read=deadline
        )

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: SourceSettings) -> AsyncIterator[Fetcher]:
        """A Fetcher with a session of its own, closed on exit (for one-off commands such as ``extract``)."""
        async with aiohttp.ClientSession() as session:
            yield cls(session, settings)

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        referer: str | None = None,
    ) -> Fetched:
        """GET ``url``; 304 only when ``etag``/``last_modified`` made the request conditional."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BlockedURL(url, "only http(s) URLs are fetched")
        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Language": "ar, en;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if referer:
            headers["Referer"] = percent_encode_url(referer)
        try:
            async with self._session.get(
                percent_encode_url(url),
                headers=headers,
                timeout=self.timeout,
                max_redirects=self.max_redirects + 1,  # aiohttp counts the responses, not the hops
            ) as resp:
                if resp.status == 304:
                    return Fetched(str(resp.url), 304, b"", None, resp.headers.get("ETag") or etag, last_modified)
                if resp.status >= 300:
                    raise FetchError(url, f"HTTP {resp.status} {resp.reason or ''}".rstrip(), status=resp.status)
                body = await self._read(url, resp)
                return Fetched(
                    str(resp.url),
                    resp.status,
                    body,
                    resp.headers.get("Content-Type"),
                    resp.headers.get("ETag"),
                    resp.headers.get("Last-Modified"),
                )
        except aiohttp.TooManyRedirects:
            raise FetchError(url, f"more than {self.max_redirects} redirects") from None
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlRedirectClientError) as exc:
            raise BlockedURL(url, f"refused URL: {exc}") from None
        except (aiohttp.ServerTimeoutError, aiohttp.ConnectionTimeoutError, TimeoutError):
            raise FetchError(url, f"timed out after {self.timeout.total:g} s") from None
        except aiohttp.ClientConnectorError as exc:
            raise FetchError(url, f"cannot connect: {exc.os_error or exc}") from None
        except aiohttp.ServerDisconnectedError:
            raise FetchError(url, "the server closed the connection") from None
        except aiohttp.ClientPayloadError as exc:
            raise FetchError(url, f"broken response body: {exc}") from None
        except (aiohttp.ClientOSError, ConnectionResetError) as exc:
            raise FetchError(url, f"connection reset: {exc}") from None
        except aiohttp.ClientError as exc:
            raise FetchError(url, f"request failed: {exc}") from None
        except UnicodeError as exc:  # an unencodable host name
            raise BlockedURL(url, f"refused URL: {exc}") from None

    async def _read(self, url: str, resp: aiohttp.ClientResponse) -> bytes:
        declared = resp.content_length
        if declared is not None and declared > self.max_bytes and not resp.headers.get("Content-Encoding"):
            raise TooLarge(url, f"body of {declared} bytes is over the {self.max_bytes}-byte cap", resp.status)
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                resp.close()
                raise TooLarge(url, f"body passed the {self.max_bytes}-byte cap", resp.status)
            chunks.append(chunk)
        return b"".join(chunks)

    async def fetch_page(self, url: str) -> Fetched:
        return await self.fetch(url, accept=PAGE_ACCEPT)

    async def fetch_image(self, url: str, referer: str | None = None) -> bytes:
        """An image's bytes (size-capped); ``referer`` is the article page, which some CDNs require."""
        got = await self.fetch(url, accept=IMAGE_ACCEPT, referer=referer)
        kind = (got.content_type or "").split(";")[0].strip().lower()
        if not got.body:
            raise FetchError(url, "empty image", got.status)
        sniffed = kind in ("", "application/octet-stream") and got.body.startswith(_IMAGE_MAGIC)
        if kind.startswith("image/") or sniffed:
            return got.body
        raise FetchError(url, f"not an image: {kind or 'no content type'}", got.status)
