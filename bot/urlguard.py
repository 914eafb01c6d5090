"""The SSRF guard for URLs that editors give the bot (/push, /preview).

A URL passes only when:

- its scheme is http or https, it has no user info, no backslash, no whitespace or control character;
- its host is one of the configured site's hosts — SITE_URL's host and the hosts of FEED_URLS (with or
  without ``www.``) — and its port is a port configured for that host or the scheme's default;
- every address the host resolves to is public.  A private, loopback, link-local, multicast, reserved
  or unspecified address is refused unless the host is exactly SITE_URL's host (a site on an intranet or,
  in tests, on 127.0.0.1) — and then only on SITE_URL's own port.

:meth:`UrlGuard.check` does all of it (DNS included) and raises :class:`~bot.exceptions.BlockedURL`
with a reason readers can be shown.  Redirects must be checked hop by hop with the same guard; for
connections the bot makes anyway, :class:`GuardedResolver` refuses private addresses at connect time
(which also defeats DNS rebinding between the check and the fetch).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from bot.config import Settings
from bot.exceptions import BlockedURL

Resolve = Callable[[str, int], Awaitable[list[str]]]
DEFAULT_PORTS = {"http": 80, "https": 443}
_BAD_CHARS = re.compile(r"[\s\\\x00-\x1f\x7f]")
MAX_URL = 2048


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), as text."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    """A globally routable unicast address (an IPv4-mapped IPv6 address is judged by its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _variants(host: str) -> set[str]:
    """``host`` with and without ``www.`` (an IP address has no variants)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        bare = host.removeprefix("www.")
        return {host, bare, "www." + bare}
    return {host}


def _port(scheme: str, port: int | None) -> int:
    return port if port is not None else DEFAULT_PORTS[scheme]


@dataclass(frozen=True, slots=True)
class Allowed:
    url: str  # the URL to fetch
    host: str
    port: int
    addresses: tuple[str, ...]


class UrlGuard:
    def __init__(self, site_url: str, feed_urls: Iterable[str] = (), *, resolve: Resolve | None = None) -> None:
        self._resolve = resolve or system_resolve
        self._ports: dict[str, set[int]] = {}
        self._trusted: tuple[str, int] | None = None
        for index, url in enumerate([site_url, *feed_urls]):
            if not url:
                continue
            parts = urlsplit(url)
            if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
                continue
            host, port = _host(parts.hostname), _port(parts.scheme, parts.port)
            for name in _variants(host):
                self._ports.setdefault(name, set()).add(port)
            if index == 0:
                self._trusted = (host, port)

    @classmethod
    def from_settings(cls, settings: Settings, *, resolve: Resolve | None = None) -> UrlGuard:
        return cls(settings.sources.site_url, settings.sources.feed_urls, resolve=resolve)

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(self._ports)

    def check_syntax(self, url: str) -> tuple[str, int]:
        """The (host, port) of an acceptable URL, before any DNS; raises :class:`BlockedURL`."""
        if not url or len(url) > MAX_URL:
            raise BlockedURL(url[:80], "not a URL")
        if _BAD_CHARS.search(url):
            raise BlockedURL(url[:80], "the URL contains spaces, backslashes or control characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise BlockedURL(url[:80], "not a valid URL") from None
        if parts.scheme.lower() not in DEFAULT_PORTS:
            raise BlockedURL(url[:80], "only http and https links are allowed")
        if "@" in parts.netloc or not parts.hostname:
            raise BlockedURL(url[:80], "not a plain web address")
        host = _host(parts.hostname)
        if host not in self._ports:
            raise BlockedURL(url[:80], "not a link to the site")
        port = _port(parts.scheme.lower(), port)
        if port not in self._ports[host] and port not in DEFAULT_PORTS.values():
            raise BlockedURL(url[:80], "not a link to the site (port)")
        return host, port

    async def check(self, url: str) -> Allowed:
        """Check ``url`` completely (DNS included); raises :class:`BlockedURL`."""
        host, port = self.check_syntax(url)
        try:
            addresses = await self._resolve(host, port)
        except OSError:
            raise BlockedURL(url[:80], "the site's address could not be resolved") from None
        if not addresses:
            raise BlockedURL(url[:80], "the site's address could not be resolved")
        trusted = self._trusted == (host, port)
        if not trusted and not all(is_public(a) for a in addresses):
            raise BlockedURL(url[:80], "the address is private or reserved")
        return Allowed(url, host, port, tuple(addresses))


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that refuses non-public addresses, except for ``trusted`` (host, port) pairs:
    ``aiohttp.TCPConnector(resolver=GuardedResolver(...))`` guards every connection of a session to a
    host *name* (and so DNS rebinding).  aiohttp does not consult the resolver for an IP-literal host
    (``http://10.0.0.1/``): check such URLs — every redirect hop included — with :meth:`UrlGuard.check`."""

    def __init__(self, trusted: Iterable[tuple[str, int]] = (), inner: AbstractResolver | None = None) -> None:
        self._trusted = {(_host(h), p) for h, p in trusted}
        self._inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if (_host(host), port) in self._trusted:
            return results
        safe = [r for r in results if is_public(r["host"])]
        if not safe:
            raise OSError(f"{host}: refusing a private or reserved address")
        return safe

    async def close(self) -> None:
        await self._inner.close()


def redirect_guard(check: Callable[[str], Awaitable[object]]) -> aiohttp.TraceConfig:
    """A trace config for a ClientSession: every redirect hop's target (``Location``, or ``URI``, which
    aiohttp follows too) goes through ``check`` before it is followed; ``check`` raises to stop it.  An
    IP-literal target never reaches the resolver, so the resolver alone would not catch it."""

    async def on_redirect(_session: object, _ctx: object, params: aiohttp.TraceRequestRedirectParams) -> None:
        headers = params.response.headers
        await check(str(params.response.url.join(URL(headers.get("Location") or headers.get("URI") or ""))))

    trace = aiohttp.TraceConfig()
    trace.on_request_redirect.append(on_redirect)
    return trace


def configured_hosts(settings: Settings) -> list[tuple[str, int]]:
    """The (host, port) pairs the newsroom configured — SITE_URL and every FEED_URLS entry — which may be
    private (an internal CMS, or 127.0.0.1 in tests); everything else the bot fetches must be public."""
    out: list[tuple[str, int]] = []
    for url in [settings.sources.site_url, *settings.sources.feed_urls]:
        parts = urlsplit(url) if url else None
        if parts is not None and parts.hostname and parts.scheme in DEFAULT_PORTS:
            out.append((_host(parts.hostname), _port(parts.scheme, parts.port)))
    return out


def may_fetch(url: str, trusted: Iterable[tuple[str, int]]) -> bool:
    """Whether a URL found in content (an article's image, say) may be fetched: http(s), and not an
    IP-literal private or reserved address unless configured.  Host *names* are checked at connection
    time by :class:`GuardedResolver` (aiohttp does not ask a resolver about IP literals)."""
    try:
        parts = urlsplit(url)
        port = _port(parts.scheme, parts.port) if parts.scheme in DEFAULT_PORTS else None
    except ValueError:
        return False
    if port is None or not parts.hostname:
        return False
    host = _host(parts.hostname)
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True  # a name: the resolver decides
    return (host, port) in set(trusted) or is_public(host.strip("[]"))


def trusted_site(settings: Settings) -> list[tuple[str, int]]:
    """The (host, port) allowed to be private: SITE_URL's, when set."""
    parts = urlsplit(settings.sources.site_url) if settings.sources.site_url else None
    if parts is None or not parts.hostname or parts.scheme not in DEFAULT_PORTS:
        return []
    return [(_host(parts.hostname), _port(parts.scheme, parts.port))]
