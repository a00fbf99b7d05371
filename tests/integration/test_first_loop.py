"""Qt's own event loop while the widget loads (``desktop/ui/system/first_loop.py``, issue 12): it ends once the
widget's first message has been handled, and sooner when asyncio is needed, a quit is asked for or the widget
never speaks; nothing asked for meanwhile is lost."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer, Signal

from desktop.ui.system.first_loop import FirstLoop


@pytest.fixture(autouse=True)
def signal_handlers_kept() -> object:
    """The first loop leaves its handlers in place for the app to replace; the tests put the old ones back."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    yield kept
    for signum, handler in kept.items():
        signal.signal(signum, handler)


class Widget(QObject):
    said = Signal(object)
    quit_requested = Signal()


def test_it_ends_once_the_first_message_has_been_handled(qapp) -> None:
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    handled: list[object] = []
    widget.said.connect(handled.append)  # the app's own handling, connected after the loop
    QTimer.singleShot(50, lambda: widget.said.emit({"type": "rc-login-status-notify"}))
    first.run()
    assert first.ended_because == "the widget spoke"
    assert handled == [{"type": "rc-login-status-notify"}]  # handled inside the loop, not left for later
    assert not first.quit_asked


def test_work_for_asyncio_ends_it_and_is_kept_in_order(qapp) -> None:
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    started: list[str] = []

    async def sign_in() -> None: ...

    async def switch() -> None: ...

    tasks = [sign_in(), switch()]

    def spawn(task: Any) -> None:
        started.append(task.cr_code.co_name)
        task.close()

    def ask() -> None:
        assert first.hold(tasks[0], spawn) and first.hold(tasks[1], spawn)

    QTimer.singleShot(50, ask)
    first.run()
    assert first.ended_because == "asyncio is needed"
    assert started == []  # not before asyncio runs
    first.start_held()
    assert started == ["sign_in", "switch"]
    leftover = switch()
    assert not first.hold(leftover, spawn)  # the first loop is over: the caller starts its task itself
    leftover.close()


def test_a_quit_asked_for_while_the_widget_loads_ends_it(qapp) -> None:
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    QTimer.singleShot(50, widget.quit_requested.emit)
    first.run()
    assert first.quit_asked


def test_sigterm_while_the_widget_loads_ends_it(qapp) -> None:
    widget = Widget()
    before = signal.getsignal(signal.SIGTERM)
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    QTimer.singleShot(50, lambda: os.kill(os.getpid(), signal.SIGTERM))
    try:
        first.run()
        assert first.quit_asked
    finally:
        first.give_back_signals()
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigterm_just_after_it_ended_is_not_lost(qapp) -> None:
    """The widget spoke and the loop ended; the app's own handlers are not installed yet (asyncio starting)."""
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    QTimer.singleShot(20, lambda: widget.said.emit({"type": "rc-login-status-notify"}))
    try:
        first.run()
        assert first.ended_because == "the widget spoke" and not first.quit_asked
        os.kill(os.getpid(), signal.SIGTERM)
        assert first.quit_asked  # what app.py reads once its own handlers are in place
    finally:
        first.give_back_signals()


def test_a_widget_that_never_speaks_does_not_hold_start_up(qapp) -> None:
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=200)
    first.run()
    assert first.ended_because == "the widget did not speak within 200 ms"
    widget.said.emit({"type": "late"})  # no longer connected: nothing to end
    assert first.ended_because == "the widget did not speak within 200 ms"


def test_a_quit_asked_for_before_it_runs_skips_it(qapp) -> None:
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    widget.quit_requested.emit()
    ran: list[bool] = []
    QTimer.singleShot(0, lambda: ran.append(True))
    first.run()
    assert first.quit_asked
    assert ran == []  # Qt's loop never ran
    qapp.processEvents()
    assert ran == [True]



def test_a_message_before_it_runs_still_ends_it(qapp) -> None:
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    widget.said.emit({"type": "rc-login-status-notify"})  # a fast page, while start-up still set things up
    first.run()
    assert first.ended_because == "the widget spoke"


def test_a_quit_signal_kept_by_start_up_skips_it(qapp) -> None:
    widget = Widget()
    first = FirstLoop(widget.said, widget.quit_requested, limit_ms=10_000)
    ran: list[bool] = []
    QTimer.singleShot(0, lambda: ran.append(True))
    first.run(asked_to_quit=lambda: True)  # SIGTERM came while start-up built the window (app.py keeps it)
    assert first.quit_asked and ran == []
