"""The event loop choice: uvloop where installed (a dependency on Linux), the standard loop on request."""

from __future__ import annotations

import asyncio

from bot import aio


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_auto_runs_on_uvloop_where_installed() -> None:
    assert aio.loop_name("auto") == "uvloop"
    assert aio.run(_loop_module()).startswith("uvloop")


def test_asyncio_keeps_the_standard_loop() -> None:
    assert aio.loop_factory("asyncio") is None
    assert aio.run(_loop_module(), "asyncio").startswith("asyncio")


def test_settle_freezes_what_start_up_left() -> None:
    import gc

    try:
        aio.settle()
        assert gc.get_freeze_count() > 10_000  # modules and libraries: never collected again
    finally:
        gc.unfreeze()
