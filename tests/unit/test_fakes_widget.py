"""The fake widget behaves like Embeddable 2.3.1 in a real QWebEngineView against the fake platform.

These tests pin the stand-in's protocol (login flows, quirks, messages, storage) so the launcher's tests can
trust it; they do not use the launcher.
"""

from __future__ import annotations

import json
import ssl
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.fakes.oauth_types import FakeClient
from tests.fakes.platform import DEMO_CLIENT_ID, USER_AGENT_SUFFIX, FakePlatform
from tests.fakes.widget_harness import HarnessPage, WidgetHarness, make_profile

pytestmark = pytest.mark.webengine

APP = "widget-test-app"
JWT_APP = "widget-jwt-app"
SECRET = "jwt-secret"
LOOPBACK = "http://127.0.0.1:53682/oauth/callback"
AUTHORIZE_KEYS = ["response_type", "redirect_uri", "client_id", "state", "brand_id", "display", "prompt",
                  "ui_options", "ui_options", "ui_locales", "localeId", "code_challenge", "code_challenge_method"]


@pytest.fixture(scope="module")
def platform(tls: tuple[ssl.SSLContext, Path]) -> Iterator[FakePlatform]:
    with FakePlatform(tls[0]) as fake:
        fake.register_client(APP, FakeClient([LOOPBACK]))
        fake.register_client(JWT_APP, FakeClient([], secret=SECRET, grants={"jwt", "refresh_token"}, jwts={"a.b.c"}))
        fake.register_demo_client()
        yield fake


@pytest.fixture(scope="module")
def profile(qapp: QApplication, tls: tuple[ssl.SSLContext, Path],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[QWebEngineProfile]:
    created = make_profile(tls[1], tmp_path_factory.mktemp("fake-widget-profile"), qapp)
    yield created
    # Pages go first: Qt warns ("Expect troubles") when a profile is released while a page still exists.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    created.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def widget(qtbot: QtBot, profile: QWebEngineProfile, platform: FakePlatform) -> Iterator[WidgetHarness]:
    harness = WidgetHarness(qtbot, profile, platform.widget_url)
    yield harness
    harness.close()
    qtbot.wait(50)


@pytest.fixture
def http(tls: tuple[ssl.SSLContext, Path]) -> Iterator[httpx.Client]:
    with httpx.Client(verify=ssl.create_default_context(cafile=str(tls[1])), follow_redirects=False) as client:
        yield client


def prefix() -> str:
    """A fresh storage prefix per test: the module shares one profile (and its localStorage)."""
    return "t" + uuid.uuid4().hex[:8]


def base_params(platform: FakePlatform, **extra: str) -> dict[str, str]:
    return {"clientId": APP, "appServer": platform.origin, "redirectUri": LOOPBACK, "disableLoginPopup": "1",
            "prefix": prefix(), **extra}


def sign_in_uri(widget: WidgetHarness) -> str:
    before = len(widget.posted("rc-login-popup-notify"))
    widget.js("document.getElementById('sign-in').click() || true")
    widget.qtbot.waitUntil(lambda: len(widget.posted("rc-login-popup-notify")) > before, timeout=10_000)
    return str(widget.posted("rc-login-popup-notify")[-1]["oAuthUri"])


def test_loopback_login_call_and_logout(widget: WidgetHarness, platform: FakePlatform, http: httpx.Client) -> None:
    params = base_params(platform, userAgent="TestHost/1.0")
    widget.load(params)
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+15550001111", "toCall": True})  # logged out
    uri = sign_in_uri(widget)
    assert uri.startswith(platform.origin + "/restapi/oauth/authorize?")
    query = parse_qsl(urlsplit(uri).query, keep_blank_values=True)
    assert [k for k, _ in query] == AUTHORIZE_KEYS
    assert dict(query)["redirect_uri"] == LOOPBACK and dict(query)["state"].split("-")[1] == "undefined"
    callback = http.get(uri).headers["location"]
    widget.send({"type": "rc-adapter-authorization-code", "callbackUri": callback})
    status = widget.wait_posted("rc-login-status-notify", loggedIn=True)
    assert status["loginNumber"] == "+16505550100*101" and status["isFreshLogin"] is True
    widget.wait_posted("rc-dialer-status-notify", ready=True)
    [exchange] = platform.successful_code_exchanges()[-1:]
    assert exchange["user_agent"] == f"TestHost/1.0 {USER_AGENT_SUFFIX}" and exchange["redirect_uri"] == LOOPBACK
    stored = widget.js(f"JSON.parse(localStorage.getItem('sdk-{params['prefix']}platform'))")
    assert stored["code_verifier"] and stored["expire_time"] > 0
    assert "rc-adapter-new-call" in widget.status("droppedCommands")

    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+15550001111", "toCall": True})
    call = widget.wait_posted("rc-call-init-notify")["call"]
    assert call["to"] == "+15550001111" and call["direction"] == "Outbound"
    widget.wait_js("window.__fakeWidget.calls[0].media === 'granted'")

    revocations = len(platform.revocations)
    widget.send({"type": "rc-adapter-logout"})
    widget.wait_posted("rc-dialer-status-notify", ready=False)
    assert widget.posted("rc-login-status-notify")[-1]["loggedIn"] is False
    assert len(platform.revocations) == revocations + 1 and platform.revocations[-1]["token_kind"] == "access"
    assert widget.js(f"localStorage.getItem('sdk-{params['prefix']}platform')") is None


def test_only_the_latest_sign_in_can_be_exchanged(widget: WidgetHarness, platform: FakePlatform,
                                                  http: httpx.Client) -> None:
    widget.load(base_params(platform))
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    first = sign_in_uri(widget)
    sign_in_uri(widget)  # a second click makes a new verifier
    widget.send({"callbackUri": http.get(first).headers["location"]})  # no type: still a callback
    assert widget.wait_js("window.__fakeWidget.lastError") == "invalid_grant"
    assert "invalid_grant" in widget.js("document.getElementById('alert').textContent")
    assert not widget.status("loggedIn")


def test_exchange_uses_the_widget_redirect_so_a_foreign_one_is_oau_109(widget: WidgetHarness, platform: FakePlatform,
                                                                       http: httpx.Client) -> None:
    params = base_params(platform)
    del params["redirectUri"]  # the widget keeps its default ./redirect.html for the exchange
    widget.load(params)
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    uri = sign_in_uri(widget)
    query = [(k, LOOPBACK if k == "redirect_uri" else v) for k, v in parse_qsl(urlsplit(uri).query,
                                                                                  keep_blank_values=True)]
    query = [(k, APP if k == "client_id" else v) for k, v in query]
    callback = http.get(uri.split("?")[0] + "?" + urlencode(query)).headers["location"]
    widget.send({"type": "rc-adapter-authorization-code", "callbackUri": callback})
    assert widget.wait_js("window.__fakeWidget.lastError") == "invalid_redirect_uri"
    assert platform.token_requests[-1]["error_code"] == "OAU-109"


def test_popup_login_through_redirect_html(widget: WidgetHarness, platform: FakePlatform) -> None:
    widget.load({"appServer": platform.origin, "prefix": prefix()})  # demo client id, default redirect
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    assert widget.status("config")["clientId"] == DEMO_CLIENT_ID
    assert widget.js("typeof window.oAuthCallback") == "function"
    widget.js("document.getElementById('sign-in').click() || true")
    widget.qtbot.waitUntil(lambda: bool(widget.page.popups), timeout=10_000)
    status = widget.wait_posted("rc-login-status-notify", loggedIn=True, timeout=20_000)
    assert status["isFreshLogin"] is True
    assert platform.successful_code_exchanges()[-1]["client_id"] == DEMO_CLIENT_ID
    assert widget.js("typeof window.oAuthCallback") == "undefined"


def test_denied_login_shows_access_denied(widget: WidgetHarness, platform: FakePlatform, http: httpx.Client) -> None:
    widget.load(base_params(platform))
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    platform.deny_next_login = True
    exchanges = len(platform.token_requests)
    widget.send({"type": "rc-adapter-authorization-code",
                 "callbackUri": http.get(sign_in_uri(widget)).headers["location"]})
    assert widget.wait_js("window.__fakeWidget.lastError") == "access_denied"
    assert "access denied" in widget.js("document.getElementById('alert').textContent")
    assert len(platform.token_requests) == exchanges


def test_parameter_quirks(widget: WidgetHarness, platform: FakePlatform) -> None:
    widget.load({"clientId": APP, "appServer": platform.origin.replace("https", "http"), "disableLoginPopup": "0",
                 "prefix": prefix(), "redirectUri": "cb.html"})
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    config = widget.status("config")
    assert config["appServer"] == "https://platform.ringcentral.com" and config["disableLoginPopup"] is True
    assert config["authorizeRedirect"] == platform.origin + "/widget/cb.html" and config["tokenRedirect"] == "cb.html"
    widget.load({"clientId": APP, "appServer": platform.origin}, suffix="#error=boom")
    assert widget.js("typeof window.__fakeWidget") == "undefined"  # the page stopped


def test_stored_session_then_jwt_login_and_sticky_logout(widget: WidgetHarness, platform: FakePlatform) -> None:
    params = base_params(platform)
    blob = platform.widget_token_blob(APP, code_verifier="v" * 43)
    widget.load(params)
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    # A PKCE token blob must carry its code_verifier, or the widget drops it on its first PKCE start.
    widget.js(f"localStorage.setItem('sdk-{params['prefix']}platform', {json.dumps(json.dumps(blob))}) || true")
    widget.load(params)
    assert widget.wait_posted("rc-login-status-notify", loggedIn=True)["isFreshLogin"] is False

    jwt_params = {"clientId": JWT_APP, "clientSecret": SECRET, "jwt": "a.b.c", "appServer": platform.origin,
                  "prefix": prefix()}
    widget.load(jwt_params)
    assert widget.wait_posted("rc-login-status-notify", loggedIn=True)["isFreshLogin"] is True
    assert platform.token_requests[-1]["basic_auth"] is True
    widget.wait_posted("rc-dialer-status-notify", ready=True)
    widget.send({"type": "rc-adapter-logout"})
    widget.wait_posted("rc-dialer-status-notify", ready=False)
    widget.qtbot.wait(500)
    assert widget.status("loggedIn") is False  # no jwt re-login in this page load


def test_microphone_page_on_the_other_origin(qtbot: QtBot, profile: QWebEngineProfile, platform: FakePlatform) -> None:
    for grant, expected in ((True, "granted:audio"), (False, None)):
        page = HarnessPage(profile, grant_microphone=grant)
        with qtbot.waitSignal(page.loadFinished, timeout=20_000):
            page.load(QUrl(platform.mic_page_url))
        qtbot.waitUntil(lambda: page.title() != "pending", timeout=10_000)  # noqa: B023 - used at once
        if expected:
            assert page.title() == expected
        else:
            assert page.title() in ("denied:NotAllowedError", "denied:AbortError")
        page.deleteLater()


def seed_session(widget: WidgetHarness, params: dict[str, str], blob: dict[str, object]) -> None:
    widget.load(params)
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    widget.js(f"localStorage.setItem('sdk-{params['prefix']}platform', {json.dumps(json.dumps(blob))}) || true")


def test_expired_stored_token_is_refreshed_and_missing_features_log_out(widget: WidgetHarness,
                                                                        platform: FakePlatform) -> None:
    params = base_params(platform)
    blob = platform.widget_token_blob(APP, code_verifier="v" * 43)
    blob["expire_time"] = 0
    seed_session(widget, params, blob)
    widget.load(params)
    widget.wait_posted("rc-login-status-notify", loggedIn=True)
    assert platform.token_requests[-1]["grant_type"] == "refresh_token" and platform.token_requests[-1]["ok"]

    features = "/restapi/v1.0/account/~/extension/~/features"
    platform.api_overrides[features] = (200, {"records": [{"id": "ReadExtensionInfo", "available": True}]})
    try:
        revocations = len(platform.revocations)
        widget.load(params)
        widget.wait_posted("rc-login-status-notify", loggedIn=False)
        assert widget.status("lastError") == "missing features" and len(platform.revocations) == revocations + 1
        assert widget.js(f"localStorage.getItem('sdk-{params['prefix']}platform')") is None
    finally:
        del platform.api_overrides[features]


def test_csp_blocks_a_platform_on_another_origin(widget: WidgetHarness, platform: FakePlatform,
                                                 http: httpx.Client) -> None:
    widget.load(base_params(platform, appServer=platform.other_origin))
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    uri = sign_in_uri(widget)
    assert uri.startswith(platform.other_origin)
    exchanges = len(platform.token_requests)
    widget.send({"type": "rc-adapter-authorization-code", "callbackUri": http.get(uri).headers["location"]})
    assert str(widget.wait_js("window.__fakeWidget.lastError")).startswith("network:")
    assert len(platform.token_requests) == exchanges  # the request never left the page


def test_a_call_fails_when_the_host_denies_the_microphone(widget: WidgetHarness, platform: FakePlatform) -> None:
    widget.page.grant_microphone = False
    params = base_params(platform)
    seed_session(widget, params, platform.widget_token_blob(APP, code_verifier="v" * 43))
    widget.load(params)
    widget.wait_posted("rc-dialer-status-notify", ready=True)
    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+15550002222", "toCall": True})
    ended = widget.wait_posted("rc-call-end-notify")["call"]
    assert ended["to"] == "+15550002222" and ended["media"] in ("NotAllowedError", "AbortError")
    assert str(widget.status("lastError")).startswith("microphone:")
