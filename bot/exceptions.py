"""Every error the bot raises on purpose.  Exceptions carry facts; they never log.

AkhbarError
├── ConfigError            a setting is missing or malformed (names the variable)
├── StoreError             the database refused or is unreachable
├── SourceError            a feed or page could not be used
│   ├── FetchError         network failure, timeout, 4xx/5xx (``status`` when there was one)
│   │   └── TooLarge       the body went over the size cap
│   ├── ParseError         not a feed we understand, malformed XML/JSON, no article in a page
│   └── BlockedURL         a URL we refuse to fetch (other host, private address, bad scheme)
├── ComposeError           a template or input that cannot make a valid post
└── PublishError           a platform refused a send (``permanent`` tells whether a retry can help)
    ├── RateLimited        429: wait ``retry_after`` seconds and send the same thing again
    ├── TransientError     5xx, timeout, reset: retry with back-off
    ├── Rejected           400: the content was refused (bad markup, bad photo …)
    ├── DestinationGone    403: kicked, blocked, deactivated — pause that destination
    └── ChatMoved          the group became a supergroup: ``new_chat_id``
"""

from __future__ import annotations


class AkhbarError(Exception):
    """Base of every error raised on purpose by Akhbar."""


class ConfigError(AkhbarError):
    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


class StoreError(AkhbarError):
    pass


class SourceError(AkhbarError):
    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.reason = message


class FetchError(SourceError):
    def __init__(self, url: str, message: str, status: int | None = None) -> None:
        super().__init__(url, message)
        self.status = status


class TooLarge(FetchError):
    pass


class ParseError(SourceError):
    pass


class BlockedURL(SourceError):
    pass


class ComposeError(AkhbarError):
    pass


class PublishError(AkhbarError):
    permanent = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(PublishError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(PublishError):
    pass


class Rejected(PublishError):
    permanent = True


class DestinationGone(PublishError):
    permanent = True


class ChatMoved(PublishError):
    def __init__(self, message: str, new_chat_id: int) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id
