"""Click-to-dial from links: queued until the widget is signed in and its dialer is ready, never dropped."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.conftest import app_argv
from tests.integration.harness import AppUnderTest, wait_until
from tests.integration.test_recovery import kill_renderer

pytestmark = pytest.mark.webengine


def test_links_wait_for_sign_in_and_the_dialer(run_app, platform, redirect_port, browser) -> None:
    argv = [*app_argv(platform, redirect_port), "--call", "+1 (650) 555-0100", "sms:+16505550111?body=Running%20late"]

    async def scenario(app: AppUnderTest) -> None:
        assert "Sign in to call or text +16505550111, +16505550100" in app.window.notice_bar.label.text()
        await asyncio.sleep(0.5)
        state = await app.widget_state()
        assert state["calls"] == [] and state["smsRequests"] == []
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "sign-in")
        await wait_until(lambda: app.events("rc-call-init-notify"), 20, "the call to start")
        state = await app.widget_state()
        assert [c["to"] for c in state["calls"]] == ["+16505550100"]
        assert state["smsRequests"] == [{"phoneNumber": "+16505550111", "text": "Running late"}]
        # Nothing was sent before the widget could take it (the real widget would have dropped it).
        assert state["droppedCommands"] == []
        assert app.window.dialing.pending == []

    run_app(scenario, argv=argv)


@pytest.mark.parametrize("how", ["reload", "renderer crash"])
def test_a_link_right_after_a_reload_waits_for_the_new_page(run_app, platform, redirect_port, browser,
                                                           how: str) -> None:
    """What the app knew about the old page (signed in, dialer ready) is void once the page is replaced."""
    from desktop.core.dial_links import parse_dial_link

    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(lambda: app.window.status.dialer_ready, 20, "the dialer to be ready")
        await app.js("location.hash = '#/history'")  # a route change inside the page is no new page
        await asyncio.sleep(0.3)
        assert app.window.status.dialer_ready and app.window.signed_in is True
        if how == "reload":
            app.window.reload_widget()
        else:
            kill_renderer(app)
        await asyncio.sleep(0.05)
        app.window.dialing.add([parse_dial_link("tel:+16505550100")])
        await wait_until(lambda: app.events("rc-call-init-notify"), 30, "the call to start on the new page")
        state = await app.widget_state()
        assert [c["to"] for c in state["calls"]] == ["+16505550100"] and state["droppedCommands"] == []
        assert app.window.dialing.pending == []

    run_app(scenario)


def test_a_bad_link_is_refused_at_start(tmp_path) -> None:
    from desktop.core.errors import UsageError
    from desktop.core.options import parse_options

    with pytest.raises(UsageError) as info:
        parse_options(["tel:+1650555010a", "--call", "call me"], tmp_path)
    assert len(info.value.problems) == 2
    assert "'tel:+1650555010a': '+1650555010a' is not a phone number" in info.value.problems[0]
    assert info.value.problems[1].startswith("--call: 'call me' is not a phone number")
