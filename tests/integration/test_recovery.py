"""Killing the widget's renderer: it comes back by itself, still signed in; too many crashes offer Retry."""

from __future__ import annotations

import asyncio
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
        offline = app.window.offline
        await wait_until(lambda: app.window.stack.currentWidget() is offline, 20, "the screen with Retry")
        assert "stopped 2 times in a minute" in offline.text.text() and "not restarted automatically" in \
            offline.text.text()
        assert not offline.timer.isActive()  # nothing retries by itself
        count = statuses(app)
        offline.retry_button.click()
        await wait_until(lambda: statuses(app) > count, 20, "the widget after Retry")
        await wait_until(lambda: app.window.stack.currentWidget() is app.window.view, 20, "the phone again")

    run_app(scenario)


def test_no_reload_during_a_call_without_asking(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.js("window.postMessage({type: 'rc-call-start-notify', call: {id: 'c1'}}, '*')")
        await wait_until(lambda: app.window.active_calls == {"c1"}, what="the call")
        asked: list[str] = []
        app.window.confirm = lambda title, text: asked.append(text) is not None  # answers "no"
        count = statuses(app)
        app.window.recovery.reload()  # what the crash timer calls
        assert asked and "stopped during a call" in asked[0]
        await asyncio.sleep(1.0)
        assert statuses(app) == count  # not reloaded
        # The calls died with the renderer: no "On call" for ever, and Retry is offered instead.
        assert app.window.active_calls == set() and app.window.windowTitle() == app.window.calls.base_title
        offline = app.window.offline
        assert app.window.stack.currentWidget() is offline and not offline.timer.isActive()
        offline.retry_button.click()
        await wait_until(lambda: statuses(app) > count, 20, "the widget after Retry")

    run_app(scenario)


def test_a_crash_during_a_pending_sign_in_still_comes_back(run_app, recording_browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(lambda: recording_browser.entries(), 20, "the browser to be asked")
        assert app.window.login_pending()  # nobody finishes it: the browser only took note
        before = statuses(app)
        kill_renderer(app)
        # The pending sign-in would refuse the reload; it is cancelled first, then the phone comes back.
        await wait_until(lambda: statuses(app) > before, 20, "the widget back after the crash")
        assert not app.window.login_pending()
        assert app.window.stack.currentWidget() is app.window.view

    run_app(scenario)


def test_the_pages_own_reload_is_refused_during_a_call(run_app) -> None:
    from PySide6.QtWebEngineCore import QWebEnginePage

    async def scenario(app: AppUnderTest) -> None:
        await app.js("window.postMessage({type: 'rc-call-start-notify', call: {id: 'c1'}}, '*')")
        await wait_until(lambda: app.window.active_calls == {"c1"}, what="the call")
        count = statuses(app)
        # What the view's context menu and DevTools' Ctrl+R do: a navigation of the page itself.
        app.window.page.triggerAction(QWebEnginePage.WebAction.Reload)
        await wait_until(lambda: "Not reloaded: a call is active" in app.window.notice_bar.label.text(),
                         what="the refusal")
        await asyncio.sleep(1.0)
        assert statuses(app) == count and app.window.active_calls == {"c1"}
        assert app.window.stack.currentWidget() is app.window.view  # a refused load is not "offline"

    run_app(scenario)
