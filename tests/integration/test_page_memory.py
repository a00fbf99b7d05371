"""The page's garbage is collected once the phone is ready and while it is hidden, never during a call (issue 12).

The test suite runs Chromium with the app's tuning (tests/conftest.py), so V8's collector is exposed as the app
exposes it. A collection is seen in two ways: the app's log line, and a weakly held object of the widget's page
that is gone afterwards (V8 keeps such an object until a collection finds it unreachable).
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from desktop.core.page_memory import GC_FUNCTION, Schedule
from desktop.core.widget_commands import CallAction
from tests.integration.desktop_helpers import signed_in_and_ready
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine

READY = "collected the page's garbage once the phone was ready"
HIDDEN = "collected the page's garbage while hidden"
# Garbage of the widget's own (main) world: 8 MB that nothing references, watched through a weak reference.
MAKE_GARBAGE = "window.__garbage = new WeakRef({rows: new Array(1000000).fill(7)}); true"
GARBAGE_LEFT = "window.__garbage.deref() !== undefined"


def lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in record.getMessage() for record in caplog.records)


def test_collected_once_the_phone_is_ready_and_while_hidden(run_app, browser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="desktop.phone")

    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        memory = window.page_memory
        assert memory is not None  # the tuning is on by default
        assert await app.js(f"typeof {GC_FUNCTION}") == "function"
        assert lines(caplog, READY) == 0  # not before the widget is ready
        await signed_in_and_ready(app)
        await wait_until(lambda: lines(caplog, READY) == 1, what="the collection once the phone is ready")
        assert lines(caplog, HIDDEN) == 0  # the window is on screen

        memory.schedule = Schedule(after_ready_ms=300, after_hiding_ms=300, while_hidden_every_ms=400)
        assert await app.js(MAKE_GARBAGE) is True
        await asyncio.sleep(0.1)
        assert await app.js(GARBAGE_LEFT) is True  # V8 does not collect it by itself in the meantime
        window.hide()  # to the tray
        await wait_until(lambda: lines(caplog, HIDDEN) >= 2, what="two collections while hidden")
        assert await app.js(GARBAGE_LEFT) is False
        window.show()
        await asyncio.sleep(0.2)
        shown = lines(caplog, HIDDEN)
        await asyncio.sleep(1.0)
        assert lines(caplog, HIDDEN) == shown  # none while the window is on screen
        assert lines(caplog, READY) == 1  # and the one when ready stays one
        window.hide()
        await wait_until(lambda: lines(caplog, HIDDEN) > shown, what="collections when hidden again")
        await window.shutdown()  # quitting, or switching environments: its page is about to go
        stopped = lines(caplog, HIDDEN)
        await asyncio.sleep(1.0)
        assert lines(caplog, HIDDEN) == stopped

    run_app(scenario)


def test_a_phone_started_in_the_tray_is_not_collected_twice(run_app, browser,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    """Hidden when the collection once ready runs (a phone started in the tray, or sent there at once): that
    collection is also the one after hiding, so the first hidden tick passes and the next one, a full interval
    on, collects. (The test's sign-in brings the window up, so it is hidden right after.)"""
    caplog.set_level(logging.DEBUG, logger="desktop.phone")
    skipped = "collected while hidden already"

    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        memory = window.page_memory
        assert memory is not None
        memory.schedule = Schedule(after_ready_ms=1000, after_hiding_ms=1500, while_hidden_every_ms=1500)
        await signed_in_and_ready(app)
        window.hide()
        assert lines(caplog, READY) == 0  # still to come, with the window hidden
        await wait_until(lambda: lines(caplog, READY) == 1, what="the collection once the phone is ready")
        await wait_until(lambda: lines(caplog, skipped) == 1, what="the first hidden tick, passed")
        assert lines(caplog, HIDDEN) == 0
        await wait_until(lambda: lines(caplog, HIDDEN) == 1, what="the collection a full interval on")
        assert lines(caplog, skipped) == 1  # only the first tick after a collection made while hidden

    run_app(scenario)


def test_never_while_a_call_rings_or_after_sign_out(run_app, browser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="desktop.phone")

    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        assert window.page_memory is not None
        window.page_memory.schedule = Schedule(after_ready_ms=300, after_hiding_ms=200, while_hidden_every_ms=200)
        await signed_in_and_ready(app)
        await wait_until(lambda: lines(caplog, READY) == 1, what="the collection once the phone is ready")
        assert await app.js("__fakeWidgetTest.incomingCall('+16505550123', 'Bob Smith')") is True
        await wait_until(lambda: window.calls.book.ringing is not None, what="the ring")
        window.hide()  # the ring brought the window up; the agent sends it back to the tray while it rings
        await asyncio.sleep(1.0)  # five periods of the hidden timer
        assert lines(caplog, HIDDEN) == 0
        ringing = window.calls.book.ringing
        assert ringing is not None  # still ringing: the test showed what it meant to
        assert window.phone.control(CallAction.REJECT, ringing.id) is None
        await wait_until(lambda: window.calls.book.ringing is None, what="the ring to end")
        await wait_until(lambda: lines(caplog, HIDDEN) >= 1, what="a collection once the call ended")
        # Signed out, the phone waits for nobody: nothing more is collected, hidden or not.
        window.account.sign_out_action.trigger()
        await wait_until(lambda: window.signed_in is False, what="the sign-out")
        await asyncio.sleep(0.2)
        signed_out = lines(caplog, HIDDEN)
        await asyncio.sleep(1.0)
        assert lines(caplog, HIDDEN) == signed_out

    run_app(scenario)
