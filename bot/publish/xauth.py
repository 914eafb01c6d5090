"""OAuth 1.0a signing for X, and the session that sends tweepy's requests to the configured API URL.

tweepy 4.17 hard-codes ``https://api.twitter.com`` in ``AsyncClient.request`` and signs that URL.
:class:`RedirectSession` is the duck-typed ``client.session`` tweepy accepts (it only calls
``.request()`` and never closes a session it did not create): it swaps the prefix for ``X_API_URL`` and
signs again for the URL really requested, so the signature stays valid on any host (api.x.com, a
proxy, or the fake on 127.0.0.1).  No secret appears in a repr.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from oauthlib.oauth1 import Client as OAuthClient  # type: ignore[import-untyped]
from yarl import URL

TWEEPY_HOST = "https://api.twitter.com"


class OAuth1Signer:
    """HMAC-SHA1 ``Authorization: OAuth …`` headers for one user token."""

    def __init__(self, consumer_key: str, consumer_secret: str, access_token: str, access_secret: str) -> None:
        self._client = OAuthClient(
            consumer_key,
            client_secret=consumer_secret,
            resource_owner_key=access_token,
            resource_owner_secret=access_secret,
        )

    def header(self, method: str, url: str) -> str:
        """The header for a request whose body is JSON or multipart (not part of the signature)."""
        _, headers, _ = self._client.sign(url, http_method=method.upper())
        return str(headers["Authorization"])

    def __repr__(self) -> str:
        return "OAuth1Signer(<credentials hidden>)"


class RedirectSession:
    """What tweepy's ``AsyncClient.session`` is set to; see the module docstring."""

    def __init__(self, api_url: str, session: aiohttp.ClientSession, signer: OAuth1Signer) -> None:
        self._base = api_url.rstrip("/")
        self._session = session
        self._signer = signer

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        target = str(url)
        if target.startswith(TWEEPY_HOST):
            target = self._base + target[len(TWEEPY_HOST) :]
        headers = dict(kwargs.pop("headers", None) or {})
        if str(headers.get("Authorization", "")).startswith("OAuth "):
            headers["Authorization"] = self._signer.header(method, target)
        return self._session.request(method, URL(target, encoded=True), headers=headers, **kwargs)

    def __repr__(self) -> str:
        return f"RedirectSession({self._base!r})"
