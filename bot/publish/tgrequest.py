"""An aiohttp transport for python-telegram-bot, and the one place that builds the bot's ``telegram.Bot``.

PTB's default HTTPXRequest costs about 0.8–1.0 ms of CPU per message on this machine kind (httpx and
httpcore; without ``sniffio`` installed, httpcore even retries a failed import on every request).  The
same sends through aiohttp cost about 0.3 ms, which is what lets a 10,000-message fan-out stay within
the CPU budget.  PTB supports custom transports through :class:`telegram.request.BaseRequest`.
Requests without files go as JSON bodies; uploads as multipart with PTB's JSON-string fields.
"""

from __future__ import annotations

import json

import aiohttp
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A :class:`telegram.request.BaseRequest` over one shared ``aiohttp.ClientSession``.

    Timeouts are in seconds; ``read_timeout`` is the default wait for an answer (PTB adds the long-poll
    timeout itself for getUpdates).  ``media_write_timeout`` applies to uploads.
    """

    def __init__(
        self,
        *,
        connection_limit: int = 64,
        read_timeout: float | None = 10.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 30.0,
    ) -> None:
        self._limit = connection_limit
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._media_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, limit_per_host=self._limit)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        read = self._pick(read_timeout, self._read_timeout)
        if files:
            write = self._pick(write_timeout, self._media_timeout)
            read = None if read is None or write is None else read + write
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=self._pick(connect_timeout, self._connect_timeout),
            sock_read=read,
        )
        data: aiohttp.FormData | bytes
        headers: dict[str, str] = {}
        if files:
            data = aiohttp.FormData(quote_fields=False)
            for name, value in (request_data.json_parameters if request_data else {}).items():
                data.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                data.add_field(name, content, filename=filename, content_type=mimetype)
        else:
            # A JSON body (the Bot API accepts it): percent-encoding Arabic text for a form costs
            # ~6 bytes and a quote() call per letter, JSON keeps it as UTF-8.
            data = json.dumps(request_data.parameters if request_data else {}, ensure_ascii=False).encode()
            headers = _JSON
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _pick(value: float | object | None, default: float | None) -> float | None:
        if isinstance(value, (int, float)) or value is None:
            return value
        return default


def build_bot(
    token: str,
    api_url: str,
    *,
    read_timeout: float | None = 10.0,
    media_timeout: float | None = 30.0,
    connections: int = 64,
) -> Bot:
    """A ``telegram.Bot`` for ``token`` that talks to ``api_url`` (``Settings.telegram.telegram_api_url``,
    e.g. ``https://api.telegram.org`` or a fake on 127.0.0.1) through :class:`AiohttpRequest`.
    Use it as ``async with bot: ...`` (or ``await bot.initialize()`` / ``bot.shutdown()``)."""
    base = api_url.rstrip("/")
    return Bot(
        token,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=AiohttpRequest(
            connection_limit=connections, read_timeout=read_timeout, media_write_timeout=media_timeout
        ),
        get_updates_request=AiohttpRequest(connection_limit=1, read_timeout=read_timeout),
    )
