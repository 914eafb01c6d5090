"""URL identity and outbound URLs.

:func:`normalize_url` gives the identity key of an article URL: two URLs with the same key are the same
article.  It folds what sites and sharers vary without changing the page:

* ``http``/``https``, ``www.``, host case, a trailing dot, default ports, user info;
* tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ``mc_cid`` …), the fragment (a ``#!`` route is
  kept: there it *is* the page), a trailing slash, ``.``/``..`` and repeated slashes in the path;
* percent-encoding: raw Arabic and ``%D8%A7…`` give the same key; hex digits are upper-case and
  unreserved characters are never encoded;
* the order of query parameters, and ``+`` versus ``%20`` in the query.

The key is ASCII: ``https://<idna host><path>?<sorted query>``.

:func:`percent_encode_url` makes an outbound link safe to paste into Telegram or X: the same URL with
every non-ASCII character percent-encoded (UTF-8) and the host in IDNA — twitter-text stops a URL at
the first raw Arabic letter.  Existing escapes are kept; nothing is removed.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
        "vero_id", "ref_src", "ref_url", "ocid", "cmpid", "s_cid", "ito", "spm", "__twitter_impression",
        "share", "amp_js_v", "usqp", "at_medium", "at_campaign", "at_source",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_PATH_SAFE = "/!$&'()*+,;=:@-._~"
_QUERY_SAFE = "!$'()*,;:@/?-._~"
_OUTBOUND_SAFE = "!#$&'()*+,/:;=?@[]-._~%"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _host(netloc_host: str) -> str:
    host = netloc_host.strip().rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host, safe="")


def _canon_path(path: str) -> str:
    if not path:
        return ""
    segments = [quote(unquote_to_bytes(s), safe=_PATH_SAFE.replace("/", "")) for s in path.split("/")]
    joined = "/".join(s for s in segments if s not in ("",))
    joined = posixpath.normpath("/" + joined) if joined else ""
    return "" if joined in ("/", ".") else joined


def _canon_query(query: str) -> str:
    pairs = []
    for name, value in parse_qsl(query, keep_blank_values=True, encoding="latin-1"):
        # latin-1 keeps every byte as one code point: re-encode exactly what was sent
        if is_tracking(name):
            continue
        pairs.append(
            (quote(name.encode("latin-1"), safe=_QUERY_SAFE), quote(value.encode("latin-1"), safe=_QUERY_SAFE))
        )
    pairs.sort()
    return "&".join(f"{n}={v}" if v else n for n, v in pairs)


def normalize_url(url: str) -> str:
    """The identity key of ``url`` (see the module doc).  Idempotent."""
    raw = url.strip()
    if raw.startswith("//"):
        raw = "https:" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return raw  # not a web URL: the string itself is the best identity we have
    host = _host(parts.hostname)
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = _canon_query(_utf8_to_latin1(parts.query))
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    if fragment:
        fragment = quote(unquote_to_bytes(fragment), safe=_QUERY_SAFE + "=&")
    return urlunsplit(("https", netloc, _canon_path(parts.path), query, fragment))


def _utf8_to_latin1(query: str) -> str:
    """Raw (non-ASCII) characters in a query become their UTF-8 escapes, so parse_qsl sees bytes only."""
    return query if query.isascii() else quote(query, safe="=&+%;" + _QUERY_SAFE)


def percent_encode_url(url: str) -> str:
    """``url`` with non-ASCII characters percent-encoded and an IDNA host; otherwise unchanged."""
    raw = url.strip()
    parts = urlsplit(raw)
    if not parts.scheme or not parts.hostname:
        return _BARE_PERCENT.sub("%25", quote(raw, safe=_OUTBOUND_SAFE))
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        try:
            host = host.lower().encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host, safe="")
        netloc = f"{quote(userinfo, safe=':%')}{at}{host}{colon}{port}"
    path, query, fragment = (_BARE_PERCENT.sub("%25", quote(p, safe=_OUTBOUND_SAFE)) for p in parts[2:5])
    if not path and (query or fragment):
        path = "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on the same site (``www.`` and scheme ignored)."""
    a, b = urlsplit(url).hostname, urlsplit(other).hostname
    return bool(a and b) and _host(a or "") == _host(b or "")
