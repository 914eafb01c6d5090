"""Callback data: ≤ 64 bytes, versioned, and only what this version makes is accepted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers import callbacks
from handlers.callbacks import Callback, decode


def test_round_trips() -> None:
    assert decode(callbacks.latest(5)) == Callback("l", 5)
    assert decode(callbacks.latest(0, "world")) == Callback("l", 0, "world")
    assert decode(callbacks.search(10, "قمة  المناخ")) == Callback("q", 10, text="قمة المناخ")
    assert decode(callbacks.search(5, "a:b:c")) == Callback("q", 5, text="a:b:c")
    assert decode(callbacks.subscribe("sports")) == Callback("s", slug="sports")
    assert decode(callbacks.unsubscribe("sports")) == Callback("u", slug="sports")
    assert decode(callbacks.publish("Ab_-9")) == Callback("pp", text="Ab_-9")
    assert decode(callbacks.cancel("Ab_-9")) == Callback("pc", text="Ab_-9")


def test_a_query_too_long_for_a_button_gets_none() -> None:
    assert callbacks.search(5, "كلمة " * 20) is None
    assert callbacks.search(195, "ا" * 27) is not None  # 9 + 54 bytes
    assert callbacks.search(195, "ا" * 28) is None


@given(st.text(max_size=80), st.integers(min_value=0, max_value=200))
def test_search_data_fits_or_is_refused(query: str, offset: int) -> None:
    data = callbacks.search(offset, query)
    if data is not None:
        assert len(data.encode()) <= 64
        if query.split():
            assert decode(data) == Callback("q", offset, text=" ".join(query.split()))


@given(st.text(max_size=100))
def test_anything_else_is_refused_or_well_formed(data: str) -> None:
    found = decode(data)
    if found is not None:
        assert data.startswith(callbacks.VERSION + ":") and len(data.encode()) <= 64
        assert 0 <= found.offset <= callbacks.MAX_OFFSET


def test_old_or_forged_data() -> None:
    for data in (
        None,
        "",
        "l:5",
        "v0:l:5",
        "a1",
        "a1:",
        "a1:l:",
        "a1:l:201",
        "a1:l:5:Bad",
        "a1:s:x y",
        "a1:pp:",
        "a1:pp:" + "x" * 17,
        "a1:q:1:   ",
    ):
        assert decode(data) is None, data
