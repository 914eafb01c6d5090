"""Settings, from the environment and a ``.env`` file.  Built by :func:`load_settings`, which ``main()``
calls — never at import time.  Every variable is documented in ``.env.example``.

The variable names are a public contract (deployments and outside harnesses set them): add, never rename.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.exceptions import ConfigError

CommaList = Annotated[list[str], NoDecode]
_TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")
_CHAT_RE = re.compile(r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")

DEFAULT_SECTIONS = (
    "العالم=world,عربي=arab,سياسة=politics,اقتصاد=economy,رياضة=sports,تكنولوجيا=tech,"
    "صحة=health,ثقافة=culture,فن=arts,منوعات=misc,محليات=local,علوم=science,رأي=opinion"
)


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _check_url(value: str, *, required: bool = True) -> str:
    if not value and not required:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value[:80]!r}")
    return value.rstrip("/")


class _Base(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")


class TelegramSettings(_Base):
    bot_token: SecretStr | None = Field(default=None, alias="BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    telegram_channels: CommaList = Field(default_factory=list, alias="TELEGRAM_CHANNELS")
    section_routes: CommaList = Field(default_factory=list, alias="SECTION_ROUTES")
    editor_ids: CommaList = Field(default_factory=list, alias="EDITOR_IDS")
    webhook_url: str = Field(default="", alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="WEBHOOK_SECRET")
    port: int = Field(default=8080, alias="PORT", ge=1, le=65535)
    withdrawn_policy: Literal["leave", "delete", "correct"] = Field(default="leave", alias="WITHDRAWN_POLICY")
    withdrawn_check_interval: float = Field(default=600, alias="WITHDRAWN_CHECK_INTERVAL", ge=0)
    telegram_template: str = Field(default="", alias="TELEGRAM_TEMPLATE")
    telegram_overall_rate: float = Field(default=30, alias="TELEGRAM_OVERALL_RATE", gt=0, le=1000)
    telegram_group_rate: int = Field(default=20, alias="TELEGRAM_GROUP_RATE", ge=1, le=10000)
    telegram_chat_rate: float = Field(default=1, alias="TELEGRAM_CHAT_RATE", gt=0, le=100)

    _split_lists = field_validator("telegram_channels", "section_routes", "editor_ids", mode="before")(_split)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value() and not _TOKEN_RE.match(v.get_secret_value()):
            raise ValueError("not a bot token (expected digits, a colon and the secret, e.g. 123456:ABC-def)")
        return v if v is not None and v.get_secret_value() else None

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        return _check_url(v)

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, v: str) -> str:
        return _check_url(v, required=False)

    @field_validator("telegram_channels")
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        for chat in v:
            if not _CHAT_RE.match(chat):
                raise ValueError(f"{chat[:40]!r} is neither a chat id nor an @username")
        return v

    @field_validator("section_routes")
    @classmethod
    def _routes(cls, v: list[str]) -> list[str]:
        for route in v:
            slug, sep, chat = route.partition("=")
            if not sep or not slug.strip() or not _CHAT_RE.match(chat.strip()):
                raise ValueError(f"{route[:40]!r} is not slug=chat (e.g. sports=@sports_channel)")
        return v

    @field_validator("editor_ids")
    @classmethod
    def _editors(cls, v: list[str]) -> list[str]:
        for uid in v:
            if not uid.isdigit():
                raise ValueError(f"{uid[:40]!r} is not a numeric Telegram user id")
        return v

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value():
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", v.get_secret_value()):
                raise ValueError("1-256 characters from A-Z a-z 0-9 _ - (Telegram's rule for secret_token)")
            return v
        return None

    @property
    def editors(self) -> frozenset[int]:
        return frozenset(int(uid) for uid in self.editor_ids)

    @property
    def routes(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for route in self.section_routes:
            slug, _, chat = route.partition("=")
            out.setdefault(slug.strip(), []).append(chat.strip())
        return out


class SourceSettings(_Base):
    feed_urls: CommaList = Field(default_factory=list, alias="FEED_URLS")
    poll_interval: float = Field(default=60, alias="POLL_INTERVAL", ge=1, le=86400)
    site_name: str = Field(default="أخبار هنا العالم", alias="SITE_NAME", min_length=1)
    site_url: str = Field(default="", alias="SITE_URL")
    site_timezone: str = Field(default="Asia/Amman", alias="SITE_TIMEZONE")
    section_map: str = Field(default=DEFAULT_SECTIONS, alias="SECTION_MAP")
    backfill: int = Field(default=0, alias="BACKFILL", ge=0, le=1000)
    fetch_timeout: float = Field(default=15, alias="FETCH_TIMEOUT", gt=0, le=300)
    max_response_bytes: int = Field(default=5_000_000, alias="MAX_RESPONSE_BYTES", ge=10_000)
    user_agent: str = Field(default="AkhbarBot/0.1 (+https://github.com/akhbar-bot/akhbar)", alias="USER_AGENT")

    _split_lists = field_validator("feed_urls", mode="before")(_split)

    @field_validator("feed_urls")
    @classmethod
    def _feeds(cls, v: list[str]) -> list[str]:
        return [_check_url(u) for u in v]

    @field_validator("site_url")
    @classmethod
    def _site(cls, v: str) -> str:
        return _check_url(v, required=False)

    @field_validator("site_timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v[:40]!r} (use an IANA name such as Asia/Amman)") from exc
        return v

    @field_validator("section_map")
    @classmethod
    def _sections(cls, v: str) -> str:
        for pair in filter(None, (p.strip() for p in v.split(","))):
            name, sep, slug = pair.partition("=")
            if not sep or not name.strip() or not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", slug.strip()):
                raise ValueError(f"{pair[:40]!r} is not «Arabic name=slug» with a lowercase latin slug")
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)

    @property
    def sections(self) -> dict[str, str]:
        """Arabic category name → command slug."""
        out: dict[str, str] = {}
        for pair in filter(None, (p.strip() for p in self.section_map.split(","))):
            name, _, slug = pair.partition("=")
            out[name.strip()] = slug.strip()
        return out


class XSettings(_Base):
    x_api_url: str = Field(default="https://api.x.com", alias="X_API_URL")
    x_consumer_key: SecretStr | None = Field(default=None, alias="X_CONSUMER_KEY")
    x_consumer_secret: SecretStr | None = Field(default=None, alias="X_CONSUMER_SECRET")
    x_access_token: SecretStr | None = Field(default=None, alias="X_ACCESS_TOKEN")
    x_access_token_secret: SecretStr | None = Field(default=None, alias="X_ACCESS_TOKEN_SECRET")
    x_include_link: bool = Field(default=True, alias="X_INCLUDE_LINK")
    x_daily_cap: int = Field(default=300, alias="X_DAILY_CAP", ge=0)
    x_template: str = Field(default="", alias="X_TEMPLATE")

    @field_validator("x_api_url")
    @classmethod
    def _api(cls, v: str) -> str:
        return _check_url(v)

    @property
    def enabled(self) -> bool:
        creds = (self.x_consumer_key, self.x_consumer_secret, self.x_access_token, self.x_access_token_secret)
        return all(c is not None and c.get_secret_value() for c in creds)


class AppSettings(_Base):
    database_url: str = Field(default="sqlite+aiosqlite:///data/akhbar.db", alias="DATABASE_URL")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(default="INFO", alias="LOG_LEVEL")
    utm_campaign: str = Field(default="akhbar", alias="UTM_CAMPAIGN")
    card_font: str = Field(default="", alias="CARD_FONT")
    event_loop: Literal["auto", "uvloop", "asyncio"] = Field(default="auto", alias="EVENT_LOOP")

    @field_validator("card_font")
    @classmethod
    def _font(cls, v: str) -> str:
        if v and not Path(v).is_file():
            raise ValueError(f"no font file at {v[:120]!r}")
        return v

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) else v

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        if v.startswith("postgres://"):
            v = "postgresql+asyncpg://" + v[len("postgres://") :]
        elif v.startswith("postgresql://"):
            v = "postgresql+asyncpg://" + v[len("postgresql://") :]
        elif v.startswith("sqlite:///"):
            v = "sqlite+aiosqlite:///" + v[len("sqlite:///") :]
        if not v.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite:///path.db or postgresql://user@host/db")
        return v


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings, grouped by concern; passed down from main()."""

    telegram: TelegramSettings
    sources: SourceSettings
    x: XSettings
    app: AppSettings

    def secrets(self) -> list[str]:
        """Every secret value set, for the log redactor."""
        values = [
            self.telegram.bot_token,
            self.telegram.webhook_secret,
            self.x.x_consumer_key,
            self.x.x_consumer_secret,
            self.x.x_access_token,
            self.x.x_access_token_secret,
        ]
        return [v.get_secret_value() for v in values if v is not None]

    @property
    def sqlite_path(self) -> Path | None:
        url = self.app.database_url
        if url.startswith("sqlite+aiosqlite:///") and ":memory:" not in url:
            return Path(url[len("sqlite+aiosqlite:///") :])
        return None


def _first_error(exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    variable = str(err["loc"][0]) if err["loc"] else "settings"
    message = err["msg"].removeprefix("Value error, ")
    return ConfigError(variable, message)


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Build the settings from the environment (and ``env_file``).  Raises :class:`ConfigError`
    naming the first bad variable; ``overrides`` (by variable name) win over the environment."""
    kwargs: dict[str, Any] = {"_env_file": env_file}
    try:
        return Settings(
            telegram=TelegramSettings(**kwargs, **_pick(TelegramSettings, overrides)),
            sources=SourceSettings(**kwargs, **_pick(SourceSettings, overrides)),
            x=XSettings(**kwargs, **_pick(XSettings, overrides)),
            app=AppSettings(**kwargs, **_pick(AppSettings, overrides)),
        )
    except ValidationError as exc:
        raise _first_error(exc) from None


def _pick(cls: type[BaseSettings], overrides: dict[str, Any]) -> dict[str, Any]:
    aliases = {f.alias for f in cls.model_fields.values() if f.alias}
    return {k: v for k, v in overrides.items() if k in aliases}
