"""Article links for readers: percent-encoded, tagged with UTM parameters, and share links per platform.

* :func:`encode_url` percent-encodes an IRI (Arabic path, query or fragment; IDNA host) and leaves
  existing ``%XX`` escapes alone, so twitter-text sees the whole URL (it stops at a raw Arabic letter)
  and every platform gets the same bytes (:func:`bot.sources.urls.percent_encode_url`, pure as well).
* :func:`add_utm` sets ``utm_source``/``utm_medium``/``utm_campaign``; existing ``utm_*`` parameters are
  replaced, never duplicated, and every other parameter is kept byte for byte.
* :func:`share_links` builds the four share URLs (Telegram, X, Facebook, WhatsApp); every value is
  encoded with ``quote(s, safe="")`` (see platform-facts §E).  Each shared article URL carries the
  ``utm_source`` of the platform it is shared on.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from bot.sources.urls import percent_encode_url

UTM_MEDIUM = "social"


@dataclass(frozen=True, slots=True)
class ShareLinks:
    telegram: str
    x: str
    facebook: str
    whatsapp: str


def encode_url(url: str) -> str:
    """``url`` with every non-ASCII character percent-encoded (UTF-8), a bare ``%`` escaped and an IDNA
    host; existing ``%XX`` escapes kept.  The one implementation lives in :mod:`bot.sources.urls`."""
    return percent_encode_url(url)


def add_utm(url: str, source: str, campaign: str, *, medium: str = UTM_MEDIUM) -> str:
    """``url`` with ``utm_source=source&utm_medium=medium&utm_campaign=campaign`` (replacing any utm_*)."""
    parts = urlsplit(url)
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and not unquote(piece.split("=", 1)[0]).strip().lower().startswith("utm_")
    ]
    utm = [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)]
    kept += [f"{key}={quote(value, safe='')}" for key, value in utm if value]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), parts.fragment))


def share_links(url: str, text: str, campaign: str) -> ShareLinks:
    """Share URLs for an article ``url`` with a suggested ``text`` (the headline)."""
    base = encode_url(url)
    quoted_text = quote(text, safe="")

    def tagged(source: str) -> str:
        return quote(add_utm(base, source, campaign), safe="")

    whatsapp = f"{quoted_text}%0A{tagged('whatsapp')}" if text else tagged("whatsapp")
    return ShareLinks(
        telegram=f"https://t.me/share/url?url={tagged('telegram')}&text={quoted_text}",
        x=f"https://x.com/intent/tweet?text={quoted_text}&url={tagged('x')}",
        facebook=f"https://www.facebook.com/sharer/sharer.php?u={tagged('facebook')}",
        whatsapp=f"https://wa.me/?text={whatsapp}",
    )
