"""Sign-in through the system browser, in the real window against the fake platform and widget."""

from __future__ import annotations

import asyncio
import socket
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop import __version__
from desktop.services import loopback
from tests.fakes.platform import FakePlatform
from tests.integration.conftest import CLIENT_ID
from tests.integration.harness import AppUnderTest, in_thread, wait_until

pytestmark = pytest.mark.webengine


def follow(url: str, ca: Path) -> tuple[httpx.Response, httpx.Response]:
    """Do what a browser does with an authorize URL: get the redirect, then visit the loopback."""
    with httpx.Client(verify=ssl.create_default_context(cafile=str(ca)), follow_redirects=False) as client:
        authorize = client.get(url)
        assert authorize.status_code == 302, authorize.text
        return authorize, client.get(authorize.headers["location"])


def code_exchanges(platform: FakePlatform) -> list[Any]:
    return [r for r in platform.token_requests if r["grant_type"] == "authorization_code"]


def test_sign_in_through_the_system_browser(run_app, platform, redirect_port, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        assert not app.signed_in()
        # The widget's own scripts (main world) see neither the channel nor the bridge.
        assert await app.js("typeof qt + '/' + typeof QWebChannel + '/' + typeof window.__embeddableDesktopBridge") == (
            "undefined/undefined/undefined")
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "the widget to report signed in")
        # The launcher's own command reached the widget but was not echoed back to Python as an event.
        assert (await app.widget_state())["arrivedAt"].get("callbackUri")
        assert not app.events("rc-adapter-authorization-code")
        entries = browser.entries()
        assert len(entries) == 1 and entries[0]["callback_status"] == 200
        assert "Signed in" in entries[0]["callback_body"]
        assert entries[0]["url"].startswith(platform.origin + "/restapi/oauth/authorize?")
        exchanges = code_exchanges(platform)
        assert len(exchanges) == 1 and exchanges[0]["ok"], platform.token_requests
        assert exchanges[0]["redirect_uri"] == f"http://127.0.0.1:{redirect_port}/oauth/callback"
        agents = {r["user_agent"] for r in platform.api_requests}
        assert len(agents) == 1 and agents.pop().startswith(f"EmbeddableDesktop/{__version__} RingCentralEmbeddable/")
        assert app.window.login is not None and not app.window.login.pending
        await asyncio.sleep(0.2)
        assert not app.window.login.listener.is_open
        assert app.window.signed_in is True

    run_app(scenario)


def test_a_crowd_of_local_connections_cannot_cost_the_sign_in(run_app, platform, browser,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 idle and 3 trickling connections to the listener, opened by the browser stand-in right before the
    # real redirect (any local program can do this while a sign-in is pending).
    monkeypatch.setenv("SCRIPTED_BROWSER_CROWD", "300")
    # No connection of the crowd ever times out during the test: the callback is answered beside it, or not at all.
    monkeypatch.setattr(loopback, "REQUEST_DEADLINE_SECONDS", 3600.0)

    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "the widget to report signed in")
        entry, = browser.entries()
        assert entry["callback_status"] == 200 and "Signed in" in entry["callback_body"]
        print(f"\ncallback answered in {entry['callback_ms']} ms beside 300 idle and 3 trickling connections")
        assert len(code_exchanges(platform)) == 1 and code_exchanges(platform)[0]["ok"]  # the widget got the code

    run_app(scenario)


def test_wrong_state_is_refused_and_the_real_callback_still_works(run_app, platform, redirect_port, tls,
                                                                  recording_browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(recording_browser.entries, what="the browser to be asked")
        forged = await in_thread(httpx.get, f"http://127.0.0.1:{redirect_port}/oauth/callback?code=x&state=attacker")
        assert forged.status_code == 400 and "does not belong" in forged.text
        await asyncio.sleep(0.5)
        assert code_exchanges(platform) == [] and not app.signed_in()
        _, callback = await in_thread(follow, recording_browser.entries()[0]["url"], tls[1])
        assert callback.status_code == 200
        await wait_until(app.signed_in, 20, "sign-in with the genuine callback")
        assert len(code_exchanges(platform)) == 1

    run_app(scenario)


def test_an_older_sign_in_link_is_stale(run_app, platform, tls, recording_browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(lambda: len(recording_browser.entries()) == 1, what="the first sign-in")
        await app.click("#sign-in")
        await wait_until(lambda: len(recording_browser.entries()) == 2, what="the second sign-in")
        first, second = (e["url"] for e in recording_browser.entries())
        assert first != second
        _, stale = await in_thread(follow, first, tls[1])
        assert stale.status_code == 400 and "out of date" in stale.text
        await asyncio.sleep(0.5)
        assert code_exchanges(platform) == [] and not app.signed_in()
        _, fresh = await in_thread(follow, second, tls[1])
        assert fresh.status_code == 200
        await wait_until(app.signed_in, 20, "sign-in with the newest link")
        assert [r["ok"] for r in code_exchanges(platform)] == [True]

    run_app(scenario)


def test_access_denied_is_shown_and_nothing_is_exchanged(run_app, platform, browser) -> None:
    platform.deny_next_login = True

    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(browser.entries, what="the browser")
        entry = browser.entries()[0]
        assert "error=access_denied" in entry["location"] and entry["callback_status"] == 200
        assert "Sign-in failed" in entry["callback_body"]
        await wait_until(app.window.notice_bar.isVisible, what="the notice")
        assert "denied" in app.window.notice_bar.label.text()
        assert app.window.notice_bar.kind == "error"
        assert code_exchanges(platform) == [] and not app.signed_in()
        assert not app.window.login_pending()

    run_app(scenario)


def test_busy_port_is_reported_and_no_browser_opens(run_app, redirect_port, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", redirect_port))
            squatter.listen(1)
            app.start()  # told at start-up already...
            assert f"Port {redirect_port}" in app.window.notice_bar.label.text()
            await app.wait_loaded()
            app.window.notice_bar.hide()
            await app.click("#sign-in")  # ...and again when signing in
            await wait_until(app.window.notice_bar.isVisible, what="the notice")
            text = app.window.notice_bar.label.text()
            assert f"Port {redirect_port}" in text and "--redirect-port" in text
            await asyncio.sleep(0.5)
            assert browser.entries() == [] and not app.window.login_pending()
        # Once the port is free, signing in works without a restart.
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "sign-in after the port was freed")

    run_app(scenario, start=False)


def test_reload_is_refused_while_a_sign_in_is_pending(run_app, tls, recording_browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(recording_browser.entries, what="the browser")
        await app.js("window.__marker = 'still here'; location.reload()")
        await asyncio.sleep(1.0)
        assert await app.js("window.__marker") == "still here"  # the page (and its PKCE verifier) survived
        _, callback = await in_thread(follow, recording_browser.entries()[0]["url"], tls[1])
        assert callback.status_code == 200
        await wait_until(app.signed_in, 20, "sign-in after the refused reload")

    run_app(scenario)


def test_window_open_of_the_login_goes_to_the_system_browser(run_app, tls, recording_browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(recording_browser.entries, what="the browser")
        uri = app.events("rc-login-popup-notify")[-1]["oAuthUri"]
        # Other widget versions open the login with window.open: it must land in the system browser too.
        await app.js(f"window.open({uri!r}, 'rc-oauth')")
        await wait_until(lambda: len(recording_browser.entries()) == 2, what="the popup to reach the browser")
        assert recording_browser.entries()[1]["url"] == uri
        # A window.open of a login for another client is refused.
        await app.js(f"window.open({uri.replace(CLIENT_ID, 'intruder')!r})")
        await wait_until(lambda: "Refused to open the sign-in page" in app.window.notice_bar.label.text(),
                         what="the refusal notice")
        assert len(recording_browser.entries()) == 2
        _, callback = await in_thread(follow, uri, tls[1])
        assert callback.status_code == 200
        await wait_until(app.signed_in, 20, "sign-in")

    run_app(scenario)


def test_demo_client_signs_in_through_an_in_app_popup(run_app, platform, browser) -> None:
    platform.register_demo_client()

    async def scenario(app: AppUnderTest) -> None:
        assert "demo client" in app.window.notice_bar.label.text()
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "sign-in through the in-app popup")
        assert browser.entries() == []  # the system browser was not involved
        assert len(platform.successful_code_exchanges()) == 1

    run_app(scenario, client_id=None)


def test_the_sign_in_bar_reopens_copies_cancels_and_goes_away(run_app, platform, redirect_port, tls,
                                                             recording_browser) -> None:
    from PySide6.QtGui import QGuiApplication

    async def scenario(app: AppUnderTest) -> None:
        bar = app.window.sign_in_bar
        assert not bar.isVisible()
        await app.click("#sign-in")
        await wait_until(recording_browser.entries, what="the browser to be asked")
        url = recording_browser.entries()[0]["url"]
        await wait_until(bar.isVisible, what="the sign-in bar")
        assert bar.url == url and "continues in your browser" in bar.label.text()
        bar.open_button.click()  # the browser tab was closed, or opened behind the window
        await wait_until(lambda: len(recording_browser.entries()) == 2, what="the page opened again")
        assert recording_browser.entries()[1]["url"] == url  # the same attempt: the widget's verifier matches
        bar.copy_button.click()
        assert QGuiApplication.clipboard().text() == url and "Link copied" in bar.label.text()
        # A new Sign In in the widget replaces the attempt, and the link with it.
        await app.click("#sign-in")
        await wait_until(lambda: len(recording_browser.entries()) == 3, what="the second sign-in")
        newer = recording_browser.entries()[2]["url"]
        await wait_until(lambda: bar.url == newer, what="the bar to take the newer link")
        bar.cancel_button.click()
        await wait_until(lambda: not app.window.login_pending(), what="the attempt to end")
        assert not bar.isVisible()
        await wait_until(lambda: app.window.login is not None and not app.window.login.listener.is_open,
                         what="the listener to close")
        # Signing in again shows the bar again; the callback takes it away.
        await app.click("#sign-in")
        await wait_until(lambda: len(recording_browser.entries()) == 4 and bar.isVisible(), what="the bar again")
        _, callback = await in_thread(follow, recording_browser.entries()[3]["url"], tls[1])
        assert callback.status_code == 200
        await wait_until(app.signed_in, 20, "sign-in")
        assert not bar.isVisible() and bar.url is None

    run_app(scenario)


def test_the_sign_in_bar_goes_away_when_sign_in_fails(run_app, platform, browser) -> None:
    platform.deny_next_login = True

    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(lambda: app.window.notice_bar.isVisible() and "denied" in app.window.notice_bar.label.text(),
                         what="the failure")
        assert not app.window.sign_in_bar.isVisible()

    run_app(scenario)
