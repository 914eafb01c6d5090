"""Settings: the public variable names, defaults, and one clear error per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.exceptions import ConfigError

CONTRACT = [
    "BOT_TOKEN", "TELEGRAM_API_URL", "FEED_URLS", "TELEGRAM_CHANNELS", "DATABASE_URL", "POLL_INTERVAL",
    "EDITOR_IDS", "SITE_NAME", "SITE_URL", "X_API_URL", "X_CONSUMER_KEY", "X_CONSUMER_SECRET",
    "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET", "WEBHOOK_URL", "WEBHOOK_SECRET", "PORT", "LOG_LEVEL",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CONTRACT:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    s = load_settings(env_file=None)
    assert s.telegram.telegram_api_url == "https://api.telegram.org"
    assert s.sources.poll_interval == 60
    assert s.sources.site_name == "أخبار هنا العالم"
    assert s.app.database_url == "sqlite+aiosqlite:///data/akhbar.db"
    assert s.x.x_api_url == "https://api.x.com"
    assert s.x.enabled is False
    assert s.telegram.bot_token is None
    assert s.sources.sections["العالم"] == "world"


def test_environment_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11")
    monkeypatch.setenv("TELEGRAM_CHANNELS", "@huna_news, -1001234567890")
    monkeypatch.setenv("FEED_URLS", "https://huna.example/feed.xml,https://huna.example/sitemap.xml")
    monkeypatch.setenv("POLL_INTERVAL", "1")
    monkeypatch.setenv("EDITOR_IDS", "11,22")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/akhbar")
    for name in ("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET"):
        monkeypatch.setenv(name, "k")
    s = load_settings(env_file=None)
    assert s.telegram.telegram_channels == ["@huna_news", "-1001234567890"]
    assert len(s.sources.feed_urls) == 2
    assert s.sources.poll_interval == 1
    assert s.telegram.editors == frozenset({11, 22})
    assert s.app.database_url == "postgresql+asyncpg://u@db/akhbar"
    assert s.x.enabled is True


def test_env_file_is_read_and_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("SITE_NAME=موقع تجريبي\nPOLL_INTERVAL=30\n", encoding="utf-8")
    monkeypatch.setenv("POLL_INTERVAL", "5")
    s = load_settings(env_file=env)
    assert s.sources.site_name == "موقع تجريبي"
    assert s.sources.poll_interval == 5


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("POLL_INTERVAL", "abc"),
        ("POLL_INTERVAL", "0"),
        ("BOT_TOKEN", "not a token"),
        ("TELEGRAM_API_URL", "ftp://api.telegram.org"),
        ("FEED_URLS", "https://ok.example/feed,not-a-url"),
        ("TELEGRAM_CHANNELS", "news channel"),
        ("EDITOR_IDS", "12,abc"),
        ("PORT", "99999"),
        ("DATABASE_URL", "mysql://x/y"),
        ("WEBHOOK_SECRET", "has spaces!"),
        ("LOG_LEVEL", "LOUD"),
        ("SITE_TIMEZONE", "Mars/Olympus"),
        ("SECTION_MAP", "العالم=World Affairs"),
        ("SECTION_ROUTES", "sports"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as err:
        load_settings(env_file=None)
    assert err.value.variable == variable
    assert str(err.value).startswith(f"{variable}: ")
    assert "\n" not in str(err.value)


def test_secrets_stay_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
    monkeypatch.setenv("BOT_TOKEN", token)
    monkeypatch.setenv("X_CONSUMER_SECRET", "x-secret-value")
    s = load_settings(env_file=None)
    assert token not in repr(s) and "x-secret-value" not in repr(s)
    assert token in s.secrets()


def test_a_bad_token_value_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "secret token with spaces")
    with pytest.raises(ConfigError) as err:
        load_settings(env_file=None)
    assert "secret token" not in str(err.value)


def test_every_setting_is_documented_in_env_example() -> None:
    from pathlib import Path

    from bot.config import AppSettings, SourceSettings, TelegramSettings, XSettings

    names = {
        f.alias
        for cls in (TelegramSettings, SourceSettings, XSettings, AppSettings)
        for f in cls.model_fields.values()
        if f.alias
    }
    example = Path(__file__).resolve().parents[1] / ".env.example"
    documented = {
        line.split("=", 1)[0]
        for line in example.read_text("utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert names == documented
    assert set(CONTRACT) <= names
