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
    assert ended["to"] == "+15550002222" and "media" not in ended  # the payload is the session, nothing more
    assert widget.status("calls")[-1]["media"] in ("NotAllowedError", "AbortError")
    assert str(widget.status("lastError")).startswith("microphone:")


# --- drop rules, calls and presence (docs/embeddable-protocol.md §4 and pitfall 8) ----------------------------
PRESENCE = "/restapi/v1.0/account/~/extension/~/presence"
FEATURES = "/restapi/v1.0/account/~/extension/~/features"
RINGING, CONNECTED, ON_HOLD = ("webphone-session-connecting", "webphone-session-connected",
                               "webphone-session-onHold")


def signed_in(widget: WidgetHarness, platform: FakePlatform, **extra: str) -> dict[str, str]:
    """A page signed in from a stored session, its dialer ready."""
    params = base_params(platform, **extra)
    seed_session(widget, params, platform.widget_token_blob(APP, code_verifier="v" * 43))
    widget.load(params)
    widget.wait_posted("rc-dialer-status-notify", ready=True)
    return params


def ring(widget: WidgetHarness, number: str, name: str = "") -> str:
    """An inbound call rings; returns its session id (from rc-call-ring-notify)."""
    before = len(widget.posted("rc-call-ring-notify"))
    assert widget.js(f"__fakeWidgetTest.incomingCall({json.dumps(number)}, {json.dumps(name)})") is True
    widget.qtbot.waitUntil(lambda: len(widget.posted("rc-call-ring-notify")) > before, timeout=10_000)
    call = widget.posted("rc-call-ring-notify")[-1]["call"]
    assert call["direction"] == "Inbound" and call["callStatus"] == RINGING and call["fromNumber"] == number
    return str(call["id"])


def control(widget: WidgetHarness, action: str, call_id: str | None = None) -> None:
    message: dict[str, object] = {"type": "rc-adapter-control-call", "callAction": action}
    if call_id is not None:
        message["callId"] = call_id
    widget.send(message)


def live(widget: WidgetHarness) -> dict[str, dict[str, object]]:
    """The widget's sessions that have not ended, by id."""
    return {c["id"]: c for c in widget.status("calls") if not c.get("endTime")}


def wait_call(widget: WidgetHarness, message_type: str, **match: object) -> dict[str, object]:
    """Wait for a *message_type* event whose ``call`` has the fields in *match*; return that call."""
    found: list[dict[str, object]] = []

    def check() -> bool:
        found[:] = [m["call"] for m in widget.posted(message_type)
                    if all(m["call"].get(k) == v for k, v in match.items())]
        return bool(found)

    widget.qtbot.waitUntil(check, timeout=10_000)
    return found[-1]


def ids(widget: WidgetHarness, message_type: str) -> list[str]:
    return [m["call"]["id"] for m in widget.posted(message_type)]


def test_commands_before_init_are_dropped(widget: WidgetHarness, platform: FakePlatform) -> None:
    # initDelayMs (read by the fake only) widens the window between the page load and the modules' init.
    widget.load(base_params(platform, initDelayMs="1500"))
    assert widget.posted("rc-login-status-notify") == [] and widget.status("initialised") is False
    widget.send({"type": "rc-adapter-login"})
    widget.send({"type": "rc-adapter-authorization-code", "callbackUri": LOOPBACK + "?code=early&state=x"})
    widget.send({"type": "rc-adapter-new-sms", "phoneNumber": "+15550001111"})
    assert widget.wait_posted("rc-login-status-notify", loggedIn=False)
    assert widget.posted("rc-adapter-pushAdapterState")  # the Adapter's init came first
    widget.settle()
    # Lost, silently: no popup URI, no exchange, nothing received.
    assert widget.posted("rc-login-popup-notify") == [] and widget.status("callbacksReceived") == 0
    assert widget.status("droppedCommands") == ["rc-adapter-login", "rc-adapter-authorization-code",
                                                "rc-adapter-new-sms"]
    assert {reason for _, reason in widget.drops()} == {"before init"}
    assert widget.status("receivedCommands") == []
    # The same command after init works.
    widget.send({"type": "rc-adapter-login"})
    assert widget.wait_posted("rc-login-popup-notify")["oAuthUri"].startswith(platform.origin)


def test_new_call_and_sms_need_sign_in_and_new_call_the_dialer(widget: WidgetHarness,
                                                               platform: FakePlatform) -> None:
    params = base_params(platform)
    seed_session(widget, params, platform.widget_token_blob(APP, code_verifier="v" * 43))  # signed out page
    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+15550003333", "toCall": True})
    widget.send({"type": "rc-adapter-new-sms", "phoneNumber": "+15550003333", "text": "hi"})
    widget.settle()
    assert widget.drops() == [("rc-adapter-new-call", "signed out"), ("rc-adapter-new-sms", "signed out")]
    assert widget.status("smsRequests") == [] and widget.status("dialedNumber") == ""

    # On the next page (signed in from the stored session), both are sent the moment it reports signed in:
    # the dialer is not ready yet, so the call is dropped; the SMS needs only the sign-in.
    widget.add_script("send-on-login", """
        window.addEventListener('message', function (e) {
          if (e.data && e.data.type === 'rc-login-status-notify' && e.data.loggedIn) {
            window.postMessage({type: 'rc-adapter-new-call', phoneNumber: '+15550003333', toCall: true}, '*');
            window.postMessage({type: 'rc-adapter-new-sms', phoneNumber: '+15550003333', text: 'hi'}, '*');
          }
        });""")
    widget.load(params)
    widget.wait_posted("rc-dialer-status-notify", ready=True)
    widget.settle()
    assert widget.drops() == [("rc-adapter-new-call", "dialer not ready")]
    assert widget.status("smsRequests") == [{"phoneNumber": "+15550003333", "text": "hi"}]
    assert widget.posted("rc-call-init-notify") == []

    # Ready: it calls. Another request while that call is under way (or while one rings) is dropped.
    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+15550003333", "toCall": True})
    call = widget.wait_posted("rc-call-init-notify")["call"]
    assert call["direction"] == "Outbound" and call["to"] == "+15550003333"
    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+1 (555) 000-3333", "toCall": True})
    widget.settle()
    assert widget.drops()[-1] == ("rc-adapter-new-call", "a call is under way")
    control(widget, "hangup")
    widget.wait_posted("rc-call-end-notify")
    ring(widget, "+16505550123")
    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+15550004444", "toCall": True})
    widget.settle()
    assert widget.drops()[-1] == ("rc-adapter-new-call", "a call is under way")
    assert len(widget.posted("rc-call-init-notify")) == 1


def test_control_call_default_targets_unknown_ids_and_call_waiting(widget: WidgetHarness,
                                                                  platform: FakePlatform) -> None:
    signed_in(widget, platform)
    first = ring(widget, "+16505550123", "Bob Smith")
    control(widget, "answer", "fake-in-999")  # an unknown id: nothing happens
    control(widget, "hangup")  # no id: the active call, and there is none (the ringing one is not active)
    control(widget, "hold")
    widget.settle()
    assert widget.drops() == [("rc-adapter-control-call", "unknown call id"),
                              ("rc-adapter-control-call", "no active call"),
                              ("rc-adapter-control-call", "no active call")]
    assert widget.posted("rc-call-start-notify") == [] and widget.posted("rc-call-end-notify") == []
    assert live(widget)[first]["callStatus"] == RINGING

    control(widget, "answer")  # no id: the ringing call
    started = widget.wait_posted("rc-call-start-notify")["call"]
    assert started["id"] == first and started["callStatus"] == CONNECTED
    assert widget.status("activeSessionId") == first

    # Call waiting: a second call rings during the first; a bare reject declines the ringing one only.
    second = ring(widget, "+442071234567")
    assert widget.status("ringSessionId") == second
    control(widget, "reject")
    assert widget.wait_posted("rc-call-end-notify")["call"]["id"] == second
    widget.settle()
    assert list(live(widget)) == [first] and live(widget)[first]["callStatus"] == CONNECTED

    # The same with the waiting call's id.
    third = ring(widget, "+16505550199")
    control(widget, "reject", third)
    widget.qtbot.waitUntil(lambda: ids(widget, "rc-call-end-notify") == [second, third], timeout=10_000)
    assert list(live(widget)) == [first]
    # reject and answer act on a ringing call only: with the answered call's id they do nothing.
    control(widget, "reject", first)
    control(widget, "answer", first)
    widget.settle()
    assert widget.drops()[-2:] == [("rc-adapter-control-call", "the call is not ringing")] * 2

    control(widget, "hangup")  # no id: the active call
    widget.qtbot.waitUntil(lambda: ids(widget, "rc-call-end-notify") == [second, third, first], timeout=10_000)
    assert live(widget) == {} and widget.status("activeSessionId") is None
    assert ids(widget, "rc-call-start-notify") == [first]  # only the answered call ever started


def test_hold_and_mute_toggles_post_their_events(widget: WidgetHarness, platform: FakePlatform) -> None:
    signed_in(widget, platform)
    first = ring(widget, "+16505550123")
    control(widget, "hold", first)  # a ringing call cannot be held or muted
    control(widget, "mute", first)
    widget.settle()
    assert widget.drops() == [("rc-adapter-control-call", "the call is not connected")] * 2
    control(widget, "answer", first)
    widget.wait_posted("rc-call-start-notify")

    control(widget, "hold")
    held = widget.wait_posted("rc-call-hold-notify")["call"]
    assert (held["id"], held["isOnHold"], held["callStatus"]) == (first, True, ON_HOLD)
    control(widget, "hold")  # already on hold: nothing
    control(widget, "unhold")  # no id: the active call, still the held one
    resumed = widget.wait_posted("rc-call-resume-notify")["call"]
    assert (resumed["id"], resumed["isOnHold"], resumed["callStatus"]) == (first, False, CONNECTED)
    control(widget, "mute")
    assert wait_call(widget, "rc-call-mute-notify", isOnMute=True)["id"] == first
    control(widget, "unmute", first)
    widget.qtbot.waitUntil(lambda: len(widget.posted("rc-call-mute-notify")) == 2, timeout=10_000)
    assert widget.posted("rc-call-mute-notify")[-1]["call"]["isOnMute"] is False
    control(widget, "unmute")  # not muted: nothing
    widget.settle()
    assert widget.drops()[2:] == [("rc-adapter-control-call", "already on hold"),
                                  ("rc-adapter-control-call", "not muted")]
    assert len(widget.posted("rc-call-hold-notify")) == 1 and len(widget.posted("rc-call-resume-notify")) == 1

    # Answering a waiting call puts the active one on hold first; unholding that one holds the other.
    second = ring(widget, "+442071234567")
    control(widget, "answer")
    widget.qtbot.waitUntil(lambda: ids(widget, "rc-call-start-notify") == [first, second], timeout=10_000)
    posted = widget.js("window.__posted.filter(m => m && /^rc-call-(hold|start)-notify$/.test(m.type))"
                       ".map(m => m.type + ':' + m.call.id)")
    assert posted[-2:] == [f"rc-call-hold-notify:{first}", f"rc-call-start-notify:{second}"]
    assert widget.status("activeSessionId") == second
    control(widget, "unhold", first)
    widget.qtbot.waitUntil(lambda: ids(widget, "rc-call-resume-notify")[-1:] == [first], timeout=10_000)
    assert ids(widget, "rc-call-hold-notify")[-1] == second and widget.status("activeSessionId") == first
    assert {k: (c["isOnHold"], c["callStatus"]) for k, c in live(widget).items()} == {
        first: (False, CONNECTED), second: (True, ON_HOLD)}


def test_control_call_does_nothing_when_signed_out(widget: WidgetHarness, platform: FakePlatform) -> None:
    signed_in(widget, platform)
    first = ring(widget, "+16505550123")
    widget.send({"type": "rc-adapter-logout"})  # the webphone disconnects: its sessions end
    assert widget.wait_posted("rc-call-end-notify")["call"]["id"] == first
    widget.wait_posted("rc-login-status-notify", loggedIn=False)
    for action in ("answer", "reject", "hangup", "hold", "unhold", "mute", "unmute", "toVoicemail"):
        control(widget, action, first)
    control(widget, "answer")
    widget.send({"type": "rc-adapter-logout"})
    widget.settle()
    assert widget.drops() == [("rc-adapter-control-call", "signed out")] * 9 + [("rc-adapter-logout", "signed out")]
    assert widget.posted("rc-call-start-notify") == [] and len(widget.posted("rc-call-end-notify")) == 1
    assert widget.js("__fakeWidgetTest.incomingCall('+16505550123', '')") is False


def test_missed_calls_voicemail_and_the_far_end(widget: WidgetHarness, platform: FakePlatform) -> None:
    signed_in(widget, platform)
    missed = ring(widget, "+16505550123", "Bob Smith")
    assert widget.js(f"__fakeWidgetTest.callEnds('{missed}')") is True  # the caller gives up
    ended = widget.wait_posted("rc-call-end-notify")["call"]
    assert ended["id"] == missed and ended["endTime"] and ended["callStatus"] == "webphone-session-finished"
    assert widget.js(f"__fakeWidgetTest.callEnds('{missed}')") is False  # gone

    to_voicemail = ring(widget, "+16505550124")
    control(widget, "toVoicemail")
    widget.qtbot.waitUntil(lambda: ids(widget, "rc-call-end-notify") == [missed, to_voicemail], timeout=10_000)
    assert widget.posted("rc-call-end-notify")[-1]["call"]["isToVoicemail"] is True
    assert widget.js("__fakeWidgetTest.voicemail('+16505550124', 'Carol', 20)") is True
    voicemail = widget.wait_posted("rc-inbound-message-notify")["message"]
    assert (voicemail["type"], voicemail["direction"], voicemail["readStatus"]) == ("VoiceMail", "Inbound", "Unread")
    assert voicemail["from"] == {"phoneNumber": "+16505550124", "name": "Carol"}
    assert voicemail["attachments"][0]["vmDuration"] == 20
    assert widget.js("__fakeWidgetTest.inboundMessage('+16505550125', 'Dan', 'Invoice', 'Fax')") is True
    widget.qtbot.waitUntil(lambda: len(widget.posted("rc-inbound-message-notify")) == 2, timeout=10_000)
    assert widget.posted("rc-inbound-message-notify")[-1]["message"]["type"] == "Fax"

    # An outbound call: the far end answers, then hangs up.
    widget.send({"type": "rc-adapter-new-call", "phoneNumber": "+15550004444", "toCall": True})
    outbound = widget.wait_posted("rc-call-init-notify")["call"]["id"]
    control(widget, "hold")  # not answered yet: it cannot be held
    widget.settle()
    assert widget.drops() == [("rc-adapter-control-call", "the call is not connected")]
    assert widget.js(f"__fakeWidgetTest.callAnswered('{outbound}')") is True
    assert widget.wait_posted("rc-call-start-notify")["call"]["id"] == outbound
    assert widget.js(f"__fakeWidgetTest.callEnds('{outbound}')") is True
    widget.qtbot.waitUntil(lambda: ids(widget, "rc-call-end-notify")[-1:] == [outbound], timeout=10_000)
    assert live(widget) == {}


def test_presence_is_synced_and_set_presence_needs_the_feature(widget: WidgetHarness, platform: FakePlatform) -> None:
    params = base_params(platform)
    seed_session(widget, params, platform.widget_token_blob(APP, code_verifier="v" * 43))  # signed out page
    widget.send({"type": "rc-adapter-set-presence", "userStatus": "Busy"})
    widget.settle()
    assert widget.drops() == [("rc-adapter-set-presence", "presence not ready")]
    assert widget.posted("rc-adapter-syncPresence") == []

    # Signed in (the platform as it is by default: no EditPresenceStatus): presence is synced, not settable.
    widget.load(params)
    sync = widget.wait_posted("rc-adapter-syncPresence")
    assert {k: sync[k] for k in ("userStatus", "dndStatus", "telephonyStatus", "presenceOption")} == {
        "userStatus": "Available", "dndStatus": "TakeAllCalls", "telephonyStatus": "NoCall",
        "presenceOption": "Available"}
    assert any(r["path"] == PRESENCE and r["method"] == "GET" for r in platform.api_requests)
    puts = len([r for r in platform.api_requests if r["method"] == "PUT"])
    widget.send({"type": "rc-adapter-set-presence", "userStatus": "Busy"})
    widget.settle()
    assert widget.drops() == [("rc-adapter-set-presence", "no EditPresenceStatus feature")]
    assert len([r for r in platform.api_requests if r["method"] == "PUT"]) == puts


def test_set_presence_with_edit_presence_status(widget: WidgetHarness, platform: FakePlatform) -> None:
    features = {"records": [{"id": name, "available": True} for name in (
        "ReadExtensionInfo", "ReadCompanyInfo", "WebPhone", "ReadPresenceStatus", "EditPresenceStatus")]}
    platform.api_overrides[FEATURES] = (200, features)
    try:
        signed_in(widget, platform)
        widget.wait_posted("rc-adapter-syncPresence")
        # The platform refuses the PUT (404 here): the presence stays as it was.
        widget.send({"type": "rc-adapter-set-presence", "userStatus": "Busy"})
        widget.wait_js("window.__fakeWidget.presenceRequests.length === 1")
        assert widget.status("presenceRequests")[0]["ok"] is False
        platform.api_overrides[PRESENCE] = (200, {})  # accepted
        widget.send({"type": "rc-adapter-set-presence", "userStatus": "Away"})  # not an enum value: dropped
        widget.send({"type": "rc-adapter-set-presence", "userStatus": "Busy", "dndStatus": "DoNotAcceptAnyCalls"})
        sync = widget.wait_posted("rc-adapter-syncPresence", dndStatus="DoNotAcceptAnyCalls")
        assert (sync["userStatus"], sync["presenceOption"]) == ("Busy", "DoNotAcceptAnyCalls")
        put = [r for r in platform.api_requests if r["method"] == "PUT"][-1]
        assert put["path"] == PRESENCE and put["status"] == 200 and put["bearer_valid"]
        assert widget.status("presenceRequests")[-1] == {"userStatus": "Busy", "dndStatus": "DoNotAcceptAnyCalls",
                                                         "ok": True, "error": None}
        assert widget.drops() == [("rc-adapter-set-presence", "unknown userStatus")]
        # Do Not Disturb: the platform sends no calls here.
        assert widget.js("__fakeWidgetTest.incomingCall('+16505550123', '')") is False
        # A missing field keeps its value.
        widget.send({"type": "rc-adapter-set-presence", "dndStatus": "TakeAllCalls"})
        sync = widget.wait_posted("rc-adapter-syncPresence", dndStatus="TakeAllCalls", userStatus="Busy")
        assert sync["presenceOption"] == "Busy"
        # Calls change the telephony status (and the presence's active calls).
        first = ring(widget, "+16505550123")
        assert widget.wait_posted("rc-adapter-syncPresence", telephonyStatus="Ringing")["userStatus"] == "Busy"
        active = wait_call(widget, "rc-active-call-notify")
        assert (active["direction"], active["from"], active["telephonyStatus"]) == ("Inbound", "+16505550123",
                                                                                    "Ringing")
        assert "id" not in active and "sipData" not in active
        control(widget, "answer", first)
        widget.wait_posted("rc-adapter-syncPresence", telephonyStatus="CallConnected")
        wait_call(widget, "rc-active-call-notify", telephonyStatus="CallConnected")
        control(widget, "hangup", first)
        widget.wait_posted("rc-adapter-syncPresence", telephonyStatus="NoCall", userStatus="Busy")
        # Signed out: the presence is reset.
        widget.send({"type": "rc-adapter-logout"})
        widget.wait_posted("rc-login-status-notify", loggedIn=False)
        sync = widget.wait_posted("rc-adapter-syncPresence", userStatus=None)
        assert (sync["dndStatus"], sync["telephonyStatus"], sync["presenceOption"]) == (None, None, None)
    finally:
        platform.api_overrides.pop(FEATURES, None)
        platform.api_overrides.pop(PRESENCE, None)
