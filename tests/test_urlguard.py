"""The SSRF guard: schemes, hosts, ports, user info, odd characters and what the host resolves to."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.exceptions import BlockedURL
from bot.urlguard import GuardedResolver, UrlGuard, is_public

DNS = {
    "news.example": ["93.184.216.34"],
    "www.news.example": ["93.184.216.34"],
    "feeds.example": ["2606:2800:220:1::1"],
    "xn--mgbh0fb.example": ["93.184.216.35"],
    "rebind.example": ["93.184.216.36", "10.0.0.5"],
}


async def fake_dns(host: str, port: int) -> list[str]:
    if host in DNS:
        return DNS[host]
    if host.replace(".", "").isdigit():
        return [host]
    raise socket.gaierror("no such host")


def guard(site: str = "https://news.example", feeds: tuple[str, ...] = ("https://feeds.example/rss",)) -> UrlGuard:
    return UrlGuard(site, feeds, resolve=fake_dns)


async def test_site_and_feed_hosts_are_allowed() -> None:
    g = guard(feeds=("https://feeds.example/rss", "https://مثال.example/feed"))
    assert (await g.check("https://news.example/world/1")).addresses == ("93.184.216.34",)
    assert (await g.check("http://www.news.example/a?b=1")).host == "www.news.example"
    assert (await g.check("https://feeds.example/x")).port == 443
    assert (await g.check("https://مثال.example/خبر")).host == "xn--mgbh0fb.example"
    assert (await g.check("HTTPS://NEWS.EXAMPLE./x")).host == "news.example"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://news.example/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "gopher://news.example/",
        "news.example/world/1",
        "//news.example/x",
        "",
        "https://",
    ],
)
async def test_only_http_and_https(url: str) -> None:
    with pytest.raises(BlockedURL):
        await guard().check(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "https://news.example.evil.example/",
        "https://sub.news.example/",
        "https://2130706433/",  # 127.0.0.1 as a number
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://169.254.169.254/latest/meta-data/",
        "https://evil.example/?u=https://news.example/",
    ],
)
async def test_other_hosts_are_refused(url: str) -> None:
    with pytest.raises(BlockedURL, match="not a link to the site"):
        await guard().check(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example@evil.example/",
        "https://evil.example@news.example/",
        "https://user:pass@news.example/",
        "https://evil.example\\@news.example/",
        "https://news.example/a b",
        "https://news.example/\nHost: evil",
        "https://news.example/\x00",
        "https://news.example/" + "a" * 3000,
        "https://news.example:99999/",
        "https://news.example:abc/",
    ],
)
async def test_tricky_urls_are_refused(url: str) -> None:
    with pytest.raises(BlockedURL):
        await guard().check(url)


async def test_ports_other_than_configured_or_default_are_refused() -> None:
    g = guard(site="https://news.example:8443")
    assert (await g.check("https://news.example:8443/x")).port == 8443
    assert (await g.check("http://news.example/x")).port == 80
    with pytest.raises(BlockedURL, match="port"):
        await g.check("https://news.example:6379/")


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.1.2.3"],
        ["192.168.1.1"],
        ["172.16.0.9"],
        ["127.0.0.1"],
        ["169.254.169.254"],
        ["100.64.0.1"],
        ["0.0.0.0"],
        ["224.0.0.1"],
        ["240.0.0.1"],
        ["::1"],
        ["fe80::1"],
        ["fc00::1"],
        ["::ffff:127.0.0.1"],
        ["93.184.216.34", "10.0.0.5"],  # one bad address is enough
    ],
)
async def test_private_addresses_are_refused_for_a_public_host(addresses: list[str]) -> None:
    async def dns(host: str, port: int) -> list[str]:
        return addresses

    g = UrlGuard("https://site.example", ["https://feeds.example/rss"], resolve=dns)
    with pytest.raises(BlockedURL, match="private"):
        await g.check("https://feeds.example/article")


async def test_the_configured_site_may_be_private_on_its_own_port_only() -> None:
    g = UrlGuard("http://127.0.0.1:8123", ["http://127.0.0.1:8123/feed.xml"])  # the system resolver
    allowed = await g.check("http://127.0.0.1:8123/world/1")
    assert allowed.addresses == ("127.0.0.1",)
    with pytest.raises(BlockedURL, match="private"):
        await g.check("http://127.0.0.1/")  # port 80 on the same machine is another service
    with pytest.raises(BlockedURL):
        await g.check("http://127.0.0.1:22/")
    with pytest.raises(BlockedURL):
        await g.check("http://localhost:8123/")  # not the configured host


async def test_a_feed_host_does_not_inherit_the_sites_trust() -> None:
    async def dns(host: str, port: int) -> list[str]:
        return ["10.0.0.7"]

    g = UrlGuard("https://intranet.example", ["https://cdn.example/rss"], resolve=dns)
    assert (await g.check("https://intranet.example/a")).addresses == ("10.0.0.7",)
    with pytest.raises(BlockedURL, match="private"):
        await g.check("https://cdn.example/a")


async def test_unresolvable_host() -> None:
    g = UrlGuard("https://gone.example", resolve=fake_dns)
    with pytest.raises(BlockedURL, match="resolved"):
        await g.check("https://gone.example/a")


def test_is_public() -> None:
    assert is_public("93.184.216.34")
    assert is_public("2606:2800:220:1::1")
    assert not is_public("::ffff:10.0.0.1")
    assert not is_public("fe80::1%eth0")


class _StaticResolver(AbstractResolver):
    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [{"hostname": host, "host": self.address, "port": port, "family": family, "proto": 0, "flags": 0}]

    async def close(self) -> None:
        return None


async def test_guarded_resolver_blocks_private_connections_but_lets_the_site_through() -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", ok)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        resolver = GuardedResolver([("site.test", port)], inner=_StaticResolver("127.0.0.1"))
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=resolver)) as http:
            async with http.get(f"http://site.test:{port}/") as response:
                assert await response.text() == "ok"
            with pytest.raises(aiohttp.ClientConnectorError):
                await http.get(f"http://rebound.test:{port}/")
    finally:
        await runner.cleanup()
