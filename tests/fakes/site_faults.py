"""Faults the fake site serves on demand (see tests/fakes/site.py)."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING

from aiohttp import web

from tests.fakes.site_render import render_page

if TYPE_CHECKING:
    from tests.fakes.site import FakeSite


async def fault_response(site: FakeSite, request: web.Request, kind: str) -> web.StreamResponse:
    """The response for a fault of ``kind`` (see FakeSite's doc)."""
    if kind.isdigit():
        return web.Response(status=int(kind), text=f"error {kind}")
    if kind == "hang":
        await site.hang.wait()
        return web.Response(status=503)
    if kind == "reset":
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)
    if kind == "huge":
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await resp.prepare(request)
        chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
        sent = 0
        while sent < site.huge_bytes:
            await resp.write(chunk)
            sent += len(chunk)
        return resp
    if kind == "gzip_bomb":
        bomb = gzip.compress(b"<" + b" " * site.huge_bytes, compresslevel=9)
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"})
    if kind == "html":
        return web.Response(text=render_page(site.articles[0], site), content_type="text/html")
    if kind == "malformed":
        return web.Response(
            text="<?xml version='1.0'?><rss version='2.0'><channel><item><title>مكسور",
            content_type="application/xml",
        )
    if kind == "empty":
        return web.Response(body=b"", content_type="application/rss+xml")
    if kind == "redirect_loop":
        raise web.HTTPFound(request.path)
    if kind == "not_image":
        return web.Response(text="<html><body>not an image</body></html>", content_type="text/html")
    raise ValueError(f"unknown fault {kind!r}")


def recode(response: web.Response, *, declared: bool) -> web.Response:
    assert isinstance(response.body, bytes)
    raw = response.body
    if response.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8")
    if declared:
        text = text.replace('encoding="UTF-8"', 'encoding="windows-1256"').replace(
            'charset="utf-8"', 'charset="windows-1256"'
        )
    else:
        text = text.replace(' encoding="UTF-8"', "").replace('<meta charset="utf-8">', "")
    ctype = response.headers.get("Content-Type", "text/html").split(";")[0]
    ctype += "; charset=windows-1256" if declared else ""
    return web.Response(body=text.encode("cp1256", "xmlcharrefreplace"), headers={"Content-Type": ctype})
