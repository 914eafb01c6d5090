"""No secret reaches a log line, even inside a URL or a traceback."""

from __future__ import annotations

import logging

import pytest

from bot.logs import Redact

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


def _record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)


def test_configured_secrets_and_token_shapes_are_masked() -> None:
    f = Redact(["x-secret-value"])
    rec = _record("POST https://api.telegram.org/bot%s/sendMessage with %s", TOKEN, "x-secret-value")
    f.filter(rec)
    text = rec.getMessage()
    assert TOKEN not in text and "x-secret-value" not in text
    assert "https://api.telegram.org/bot***/sendMessage" in text


def test_tracebacks_are_masked() -> None:
    f = Redact([])
    try:
        raise RuntimeError(f"failed https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError as exc:
        rec = _record("boom", exc=exc)
    f.filter(rec)
    assert rec.exc_info is None
    assert rec.exc_text is not None and TOKEN not in rec.exc_text and "RuntimeError" in rec.exc_text


def test_setup_logging_masks_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.logs import setup_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        setup_logging("INFO", ["hunter2-secret"])
        logging.getLogger("akhbar.test").warning("token %s and %s", TOKEN, "hunter2-secret")
    finally:
        root.handlers[:], root.level = saved
    err = capsys.readouterr().err
    assert "token *** and ***" in err
