"""Permissions and popups of the real widget page: the microphone for the widget's origin only, links out."""

from __future__ import annotations

import asyncio
import json

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePermission

from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine

GET_USER_MEDIA = """
window.__media = null;
navigator.mediaDevices.getUserMedia(%s).then(
  s => { window.__media = 'granted:' + s.getTracks().map(t => t.kind).sort().join(','); },
  e => { window.__media = 'denied:' + e.name; });
"""


# Adds a host frame (widget origin) holding a frame from another origin that asks for the microphone; the
# outcome, with the origin that posted it, lands in window.__frameMic as "<origin> granted:audio|denied:<name>".
FRAME_PROBE = """
window.__frameMic = null;
{
  const host = document.createElement('iframe');
  host.allow = 'microphone';
  host.src = '/other/frame-host.html';
  host.onload = () => {
    host.contentWindow.addEventListener('message', e => {
      if (e.data && e.data.type === 'mic-probe') { window.__frameMic = e.origin + ' ' + e.data.result; }
    });
    const probe = host.contentDocument.createElement('iframe');
    probe.allow = 'microphone';
    probe.src = %(url)s;
    host.contentDocument.body.appendChild(probe);
  };
  document.body.appendChild(host);
}
"""


async def settled(app: AppUnderTest, start: str, result: str, timeout: float = 10.0) -> str:
    """Run ``start`` in the page (if any), then wait until the expression ``result`` is non-empty."""
    if start:
        await app.js(start)
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := await app.js(result)):
        assert asyncio.get_running_loop().time() < deadline, f"{result} stayed empty"
        await asyncio.sleep(0.1)
    return str(value)


async def media(app: AppUnderTest, constraints: str) -> str:
    return await settled(app, GET_USER_MEDIA % constraints, "window.__media")


def test_microphone_and_notifications_only_for_the_widget_origin(run_app, platform) -> None:
    # Every permission request that reaches Qt, as (type, origin, state): connected after WidgetPage's own
    # handler, so the state is what that handler decided.
    requests: list[tuple[str, str, str]] = []

    def record(permission: QWebEnginePermission) -> None:
        origin = permission.origin().toString(QUrl.ComponentFormattingOption.FullyEncoded).rstrip("/")
        requests.append((permission.permissionType().name, origin, permission.state().name))

    async def scenario(app: AppUnderTest) -> None:
        app.window.page.permissionRequested.connect(record)
        assert await media(app, "{audio: true}") == "granted:audio"
        assert ("MediaAudioCapture", platform.origin, "Granted") in requests
        # Qt WebEngine 6.12 rejects a denied media request with AbortError, not NotAllowedError.
        assert (await media(app, "{video: true}")).startswith("denied:")
        # Asked for both, Qt decides each separately: the microphone comes, the camera never does.
        assert (await media(app, "{audio: true, video: true}")) in ("granted:audio", "denied:AbortError")
        assert (await media(app, "{video: {facingMode: 'user'}}")).startswith("denied:")
        notifications = "window.__n = null; Notification.requestPermission().then(r => { window.__n = r; })"
        assert await settled(app, notifications, "window.__n") == "granted"
        geolocation = ("window.__geo = null; navigator.geolocation.getCurrentPosition("
                       "() => { window.__geo = 'granted'; }, e => { window.__geo = 'denied:' + e.code; })")
        assert await settled(app, geolocation, "window.__geo") == "denied:1"  # PERMISSION_DENIED

        # A frame from another origin inside the widget page (https://localhost:<port>, the widget being
        # https://127.0.0.1:<port>) asks for the microphone. The widget's CSP allows frame-src 'self' only, so
        # it sits in a same-origin host frame; allow="microphone" on both delegates the request past
        # Chromium's permissions policy, so it reaches the launcher's handler, which must refuse it.
        await app.js(FRAME_PROBE % {"url": json.dumps(platform.other_origin_url("/other/mic.html"))})
        result = await settled(app, "", "window.__frameMic")
        origin, _, outcome = result.partition(" ")
        assert origin == platform.other_origin, result
        assert outcome.startswith("denied:"), result
        # Refused by the launcher, not by Chromium on its own: the request did reach the handler.
        assert ("MediaAudioCapture", platform.other_origin, "Denied") in requests
        # The widget itself still gets the microphone.
        assert await media(app, "{audio: true}") == "granted:audio"

    run_app(scenario)


def test_links_open_externally_and_other_schemes_are_refused(run_app, platform, recording_browser) -> None:
    help_url = "https://example.invalid/help"

    async def scenario(app: AppUnderTest) -> None:
        await app.click("#open-help")
        await wait_until(recording_browser.entries, what="the help link in the browser")
        assert [e["url"] for e in recording_browser.entries()] == [help_url]
        # javascript: and file: popups: Chromium stops them (the page's CSP, local-resource rules) before the
        # launcher sees them; the launcher's policy refuses them too (unit tests). Neither may get out.
        await app.click("#open-js")
        await app.click("#open-file")
        await asyncio.sleep(1.0)
        assert [e["url"] for e in recording_browser.entries()] == [help_url]
        # Schemes that do reach the launcher (the widget's rcapp:// call-with option, data:, about:) are
        # refused with a visible message and never handed to the browser or the OS.
        for url in ("rcapp://call?number=123", "data:text/html,hi", "about:blank"):
            scheme = url.split(":", 1)[0]
            await app.js(f"window.open({url!r})")
            await wait_until(lambda s=scheme: f"open a {s}: address" in app.window.notice_bar.label.text(),
                             what=f"the refusal of the {scheme}: popup")
        assert [e["url"] for e in recording_browser.entries()] == [help_url]
        assert app.window.page.url().toString().startswith(platform.widget_url)
        # A main-frame navigation away from the widget goes to the browser instead.
        await app.js("location.href = 'https://example.invalid/elsewhere'")
        await wait_until(lambda: len(recording_browser.entries()) == 2, what="the navigation to reach the browser")
        assert recording_browser.entries()[1]["url"] == "https://example.invalid/elsewhere"
        assert app.window.page.url().toString().startswith(platform.widget_url)

    run_app(scenario)


def test_forged_login_requests_never_open_anything(run_app, recording_browser) -> None:
    forged = {"type": "rc-login-popup-notify", "oAuthUri": "https://evil.example.com/restapi/oauth/authorize?x=1"}

    async def scenario(app: AppUnderTest) -> None:
        # From a frame inside the widget: not the widget talking, the bridge drops it.
        await app.js("const f = document.createElement('iframe'); f.src = '/other/mic.html';"
                     "document.body.appendChild(f);")
        await asyncio.sleep(1.0)
        await app.js(f"frames[0].eval('parent.postMessage(' + JSON.stringify({json.dumps(forged)}) + ', \"*\")')")
        await asyncio.sleep(0.5)
        assert not app.events("rc-login-popup-notify")
        # From the widget's window itself (any script there could do it): checked and refused.
        await app.js(f"window.postMessage({json.dumps(forged)}, '*')")
        await wait_until(lambda: "Refused to open the sign-in page" in app.window.notice_bar.label.text(),
                         what="the refusal")
        assert "evil.example.com" in app.window.notice_bar.label.text()
        await asyncio.sleep(0.5)
        assert recording_browser.entries() == [] and not app.window.login_pending()
        assert app.window.login is not None and not app.window.login.listener.is_open

    run_app(scenario)


def test_offline_screen_explains_and_retries_by_itself(run_app, platform) -> None:
    port, widget_url = platform.port, platform.widget_url

    # The fake platform is stopped: the widget URL refuses connections, as when offline.
    async def scenario(app: AppUnderTest) -> None:
        platform.stop()
        app.start()
        offline = app.window.offline
        await wait_until(lambda: app.window.stack.currentWidget() is offline, what="the offline screen")
        text = offline.text.text()
        assert offline.title.text() == "The phone could not be loaded"
        assert "127.0.0.1 refused the connection. (net::ERR_CONNECTION_REFUSED)" in text
        assert f"Address: {widget_url}." in text
        assert "clientId" not in text  # the query (client id) is not echoed
        assert offline.status.text().startswith("Trying again in 2 s") and offline.timer.isActive()
        await wait_until(lambda: "attempt 2" in offline.status.text(), 10, "the second automatic attempt")
        assert "Trying again in 5 s" in offline.status.text()
        # The network comes back: the next automatic attempt loads the phone, with no click.
        platform.start(port)
        await wait_until(lambda: app.window.stack.currentWidget() is app.window.view, 15, "the phone to come back")
        await wait_until(lambda: app.events("rc-login-status-notify"), what="the widget to run")
        assert not offline.timer.isActive() and offline.failure is None

    run_app(scenario, start=False)


def test_offline_screen_retry_button(run_app, platform) -> None:
    port = platform.port

    async def scenario(app: AppUnderTest) -> None:
        platform.stop()
        app.start()
        offline = app.window.offline
        await wait_until(lambda: app.window.stack.currentWidget() is offline, what="the offline screen")
        platform.start(port)
        offline.retry_button.click()  # no waiting for the timer
        await wait_until(lambda: app.window.stack.currentWidget() is app.window.view, 5, "the phone after Retry")

    run_app(scenario, start=False)


def test_a_certificate_error_is_never_accepted(run_app, tmp_path_factory) -> None:
    from tests.fakes.platform import FakePlatform
    from tests.fakes.tls import make_server_tls

    # A server whose certificate comes from a CA nobody trusts: the page must not load, and say why.
    context, _ = make_server_tls(tmp_path_factory.mktemp("untrusted-ca"))
    with FakePlatform(context) as untrusted:
        argv = ["--env", "custom", "--app-server", untrusted.origin, "--widget-url", untrusted.widget_url]

        async def scenario(app: AppUnderTest) -> None:
            app.start()
            offline = app.window.offline
            await wait_until(lambda: offline.failure is not None, what="the load failure")
            assert "certificate of 127.0.0.1 is not trusted" in offline.text.text()
            assert "CERT" in offline.text.text() and not offline.failure.retry_by_itself
            assert not offline.timer.isActive() and "press Retry" in offline.status.text()
            await asyncio.sleep(1.0)
            assert not app.events("rc-login-status-notify")  # the widget never ran

        run_app(scenario, start=False, argv=argv)
