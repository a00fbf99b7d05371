"""The pure part of collecting the page's garbage: the flag, the JavaScript, reading its answer, the call rule."""

from __future__ import annotations

import shlex

import pytest

from desktop.core.footprint import ALWAYS_FLAGS
from desktop.core.page_memory import (
    EXPOSE_FLAG,
    GC_FUNCTION,
    UNAVAILABLE,
    V8_NAME_LIMIT,
    Schedule,
    collect_garbage_js,
    collection_time_ms,
    collector_missing,
    may_collect,
)


def test_the_collector_is_exposed_under_a_name_v8_can_compile() -> None:
    # V8 builds "native function NAME();" in a 50-byte buffer: a longer name crashed every renderer at start.
    assert len(GC_FUNCTION) <= V8_NAME_LIMIT == 30
    assert GC_FUNCTION.isidentifier() and GC_FUNCTION.startswith("__")
    assert shlex.split(EXPOSE_FLAG) == [f"--js-flags=--expose-gc-as={GC_FUNCTION}"]
    assert EXPOSE_FLAG in ALWAYS_FLAGS


def test_the_javascript_calls_the_collector_and_says_when_it_is_missing() -> None:
    js = collect_garbage_js()
    assert f"globalThis.{GC_FUNCTION}" in js and "typeof collect !== 'function'" in js
    assert "return -1;" in js and "flavor: 'last-resort'" in js and "type: 'major'" in js


@pytest.mark.parametrize(("result", "missing", "took"), [
    (12.5, False, 12.5),
    (0, False, 0.0),
    (UNAVAILABLE, True, None),
    (-1, True, None),
    (None, False, None),  # the page was being replaced: no answer
    (True, False, None),
    ("12", False, None),
])
def test_the_answer_is_read(result: object, missing: bool, took: float | None) -> None:
    assert collector_missing(result) is missing
    assert collection_time_ms(result) == took


def test_only_a_ready_phone_without_a_call_is_collected() -> None:
    assert may_collect(takes_calls=True, in_call=False)
    assert not may_collect(takes_calls=True, in_call=True)
    assert not may_collect(takes_calls=False, in_call=False)


def test_the_pauses_suit_a_phone() -> None:
    schedule = Schedule()
    assert schedule.after_ready_ms < 1000  # soon after signing in, before the person is at work
    assert schedule.after_hiding_ms >= 5000  # not for a window hidden only for a moment
    assert schedule.while_hidden_every_ms >= 60_000  # a few tens of ms of work, a few times an hour
