"""The event loop the bot runs on.

``akhbar run`` spends most of its CPU in the event loop's own machinery when it fans a post out (a
wake-up, a callback and a socket read per answer from Telegram), so it runs on uvloop where uvloop is
installed (Linux and macOS, CPython): bench/bench_outbox_fanout.py measured about 15 % less CPU per
message than the standard loop.  ``EVENT_LOOP=asyncio`` keeps the standard loop (to rule uvloop out
when chasing a problem); ``uvloop`` requires it.  Tests run on the standard loop (pytest-asyncio), and
the end-to-end tests start ``akhbar run`` itself, so both loops are exercised.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

from bot.exceptions import ConfigError

T = TypeVar("T")
LoopChoice = Literal["auto", "uvloop", "asyncio"]


def loop_factory(choice: LoopChoice = "auto") -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop factory, or None for the standard loop."""
    if choice == "asyncio":
        return None
    if importlib.util.find_spec("uvloop") is None:
        if choice == "uvloop":
            raise ConfigError("EVENT_LOOP", "uvloop is not installed here (pip install uvloop), or use auto")
        return None
    import uvloop

    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def loop_name(choice: LoopChoice = "auto") -> str:
    return "asyncio" if loop_factory(choice) is None else "uvloop"


def run(main: Coroutine[Any, Any, T], choice: LoopChoice = "auto") -> T:
    """``asyncio.run(main)`` on the chosen loop."""
    with asyncio.Runner(loop_factory=loop_factory(choice)) as runner:
        return runner.run(main)


def settle() -> None:
    """Call once start-up is done.  The objects alive now (modules, python-telegram-bot, SQLAlchemy,
    lxml and the rest: ~140,000) live as long as the process; ``gc.freeze`` keeps every later full
    collection from walking them again.  bench/bench_outbox_fanout.py measured those collections at
    ~13 % of the CPU of a fan-out before (0.14 s in 3,000 messages) and ~0.5 % after."""
    gc.collect()
    gc.freeze()
