"""Killing the widget's renderer: it comes back by itself, still signed in; too many crashes offer Retry."""

from __future__ import annotations

import os
import signal

import pytest

from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine


def kill_renderer(app: AppUnderTest) -> int:
    pid = app.window.page.renderProcessPid()
    assert pid > 0
    os.kill(pid, signal.SIGKILL)
    return pid


def statuses(app: AppUnderTest) -> int:
    return len(app.events("rc-login-status-notify"))


def test_a_killed_renderer_comes_back_signed_in(run_app, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "sign-in")
        before = statuses(app)
        old_pid = kill_renderer(app)
        await wait_until(lambda: statuses(app) > before and app.signed_in(), 20, "the widget back, signed in")
        assert app.window.page.renderProcessPid() not in (0, old_pid)
        assert "reloading it" in app.window.notice_bar.label.text()
        assert len(browser.entries()) == 1  # the session came from storage, not a new sign-in

    run_app(scenario)


def test_too_many_crashes_stop_and_offer_retry(run_app, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        app.window.recovery.max_per_minute = 1
        before = statuses(app)
        kill_renderer(app)
        await wait_until(lambda: statuses(app) > before, 20, "the first automatic reload")
        kill_renderer(app)
        bar = app.window.notice_bar
        await wait_until(lambda: bar.action_button.isVisible(), 20, "the Retry button")
        assert "not restarted automatically" in bar.label.text() and bar.action_button.text() == "Retry"
        count = statuses(app)
        bar.action_button.click()
        await wait_until(lambda: statuses(app) > count, 20, "the widget after Retry")

    run_app(scenario)


def test_no_reload_during_a_call_without_asking(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.js("window.postMessage({type: 'rc-call-start-notify', call: {id: 'c1'}}, '*')")
        await wait_until(lambda: app.window.active_calls == {"c1"}, what="the call")
        asked: list[str] = []
        app.window.confirm = lambda title, text: asked.append(text) is not None  # answers "no"
        count = statuses(app)
        app.window.recovery.reload()
        assert asked and "A call is active" in asked[0]
        assert statuses(app) == count and app.window.active_calls == {"c1"}

    run_app(scenario)
