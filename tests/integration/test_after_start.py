"""Start-up work held back until the widget is up (``desktop/ui/system/after_start.py``, issue 12): it still happens, at
the right moment, and a sign-in asked for before then is not lost."""

from __future__ import annotations

import gc
import logging
import weakref

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtTest import QTest

from desktop.ui.system.after_start import AfterStart, release_garbage_collector
from tests.integration.conftest import app_argv
from tests.integration.desktop_helpers import signed_in_and_ready, started_controller
from tests.integration.harness import wait_until

pytestmark = pytest.mark.webengine


class Widget(QObject):
    said = Signal(object)


def test_work_waits_for_the_first_message_and_runs_once(qapp) -> None:
    widget, done = Widget(), []
    after = AfterStart(widget.said, widget, fallback_ms=60_000)
    after.add(lambda: done.append("first"))
    after.add(lambda: done.append("second"))
    QTest.qWait(100)
    assert done == [] and not after.done  # nothing before the widget speaks
    widget.said.emit({"type": "rc-login-status-notify"})
    assert done == []  # not inside the message's own handling: the burst of first messages goes first
    QTest.qWait(50)
    assert done == ["first", "second"] and after.done
    widget.said.emit({"type": "rc-dialer-status-notify"})
    QTest.qWait(50)
    assert done == ["first", "second"]  # once
    after.add(lambda: done.append("late"))
    assert done[-1] == "late"  # added once the widget is up: at once


def test_a_page_that_never_speaks_still_gets_the_work_done(qapp, caplog: pytest.LogCaptureFixture) -> None:
    widget, done = Widget(), []
    after = AfterStart(widget.said, widget, fallback_ms=200)

    def failing() -> None:
        raise RuntimeError("boom")

    after.add(failing)
    after.add(lambda: done.append("after the failure"))
    with caplog.at_level(logging.ERROR, logger="desktop"):
        QTest.qWait(400)
    assert done == ["after the failure"]  # one failing piece does not keep the next from running
    assert "a start-up task failed once the widget was up" in caplog.text


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_garbage_collector_comes_back_and_collects_what_start_up_left() -> None:
    was = gc.isenabled()
    try:
        gc.disable()
        left = weakref.ref(Cycle())  # garbage only a collection can free
        assert left() is not None  # none during start-up
        release_garbage_collector()
        assert gc.isenabled()
        assert left() is None  # freed by the collection once the widget is up
        release_garbage_collector()  # enabled already (tests, a later window): nothing to do
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()


def test_the_sign_in_service_starts_once_the_widget_speaks(qapp, loop, tmp_path, tls, platform, redirect_port,
                                                           browser) -> None:
    async def scenario() -> None:
        controller, app = started_controller(tmp_path, tls, app_argv(platform, redirect_port), tray=False)
        window = controller.window
        assert window.login is None  # not on the start-up path
        await wait_until(lambda: app.events("rc-login-status-notify"), 20, "the widget's first message")
        await wait_until(lambda: window.login is not None, 5, "the sign-in service")
        await signed_in_and_ready(app)  # through the system browser, as always
        await controller.shutdown()

    loop.run_until_complete(scenario())


def test_a_sign_in_before_the_service_started_starts_it(qapp, loop, tmp_path, tls, platform, redirect_port,
                                                        browser) -> None:
    async def scenario() -> None:
        controller, app = started_controller(tmp_path, tls, app_argv(platform, redirect_port), tray=False)
        window = controller.window
        await wait_until(lambda: app.events("rc-login-status-notify"), 20, "the widget's first message")
        window.login = None  # as if the widget asked before the service's turn came
        await signed_in_and_ready(app)
        assert window.login is not None
        await controller.shutdown()

    loop.run_until_complete(scenario())
