"""Permission, popup and navigation policy, and the Chromium flags."""

import shlex

import pytest

from desktop.core.chromium_flags import chromium_flags
from desktop.core.policy import PopupAction, main_frame_navigation_allowed, permission_decision, popup_decision

WIDGET = "https://apps.ringcentral.com/integration/ringcentral-embeddable/latest/app.html?x=1"
SERVER = "https://platform.ringcentral.com"


@pytest.mark.parametrize(("kind", "origin", "granted"), [
    ("MediaAudioCapture", "https://apps.ringcentral.com", True),
    ("MediaAudioCapture", "https://apps.ringcentral.com/", True),
    ("Notifications", "https://apps.ringcentral.com", True),
    ("MediaVideoCapture", "https://apps.ringcentral.com", False),
    ("MediaAudioVideoCapture", "https://apps.ringcentral.com", False),
    ("DesktopAudioVideoCapture", "https://apps.ringcentral.com", False),
    ("Geolocation", "https://apps.ringcentral.com", False),
    ("ClipboardReadWrite", "https://apps.ringcentral.com", False),
    ("Unsupported", "https://apps.ringcentral.com", False),
    ("MediaAudioCapture", "https://evil.example.com", False),
    ("MediaAudioCapture", "http://apps.ringcentral.com", False),
    ("MediaAudioCapture", "https://apps.ringcentral.com:444", False),
    ("Notifications", "https://ringcentral.github.io", False),
])
def test_permissions(kind: str, origin: str, granted: bool) -> None:
    assert permission_decision(kind, origin, WIDGET) is granted


def test_permissions_follow_the_configured_widget_origin() -> None:
    assert permission_decision("MediaAudioCapture", "https://127.0.0.1:8443", "https://127.0.0.1:8443/w/app.html")
    assert not permission_decision("MediaAudioCapture", "https://apps.ringcentral.com", "https://127.0.0.1:8443/a")


@pytest.mark.parametrize(("url", "loopback", "action"), [
    (SERVER + "/restapi/oauth/authorize?client_id=x", True, PopupAction.SYSTEM_BROWSER_LOGIN),
    (SERVER + "/restapi/oauth/authorize?client_id=x", False, PopupAction.IN_APP_LOGIN),
    ("https://support.ringcentral.com/help", True, PopupAction.EXTERNAL),
    ("http://example.com/", True, PopupAction.EXTERNAL),
    ("javascript:alert(1)", True, PopupAction.REFUSE),
    ("file:///etc/passwd", True, PopupAction.REFUSE),
    ("data:text/html,hi", True, PopupAction.REFUSE),
    ("rcapp://call", True, PopupAction.REFUSE),
    ("about:blank", True, PopupAction.REFUSE),
    ("", True, PopupAction.REFUSE),
])
def test_popups(url: str, loopback: bool, action: PopupAction) -> None:
    assert popup_decision(url, app_server=SERVER, loopback_login=loopback) is action


def test_main_frame_stays_on_the_widget_origin() -> None:
    assert main_frame_navigation_allowed("https://apps.ringcentral.com/other", WIDGET)
    assert not main_frame_navigation_allowed("https://evil.example.com/", WIDGET)
    assert not main_frame_navigation_allowed("http://apps.ringcentral.com/", WIDGET)


def test_flags_are_appended_never_replaced() -> None:
    flags = shlex.split(chromium_flags("--lang=de --use-fake-device-for-media-stream", running_as_root=False))
    assert flags[:2] == ["--lang=de", "--use-fake-device-for-media-stream"]
    assert "--autoplay-policy=no-user-gesture-required" in flags
    assert "--no-sandbox" not in flags


def test_no_sandbox_only_as_root_and_never_twice() -> None:
    assert "--no-sandbox" in shlex.split(chromium_flags(None, running_as_root=True))
    assert shlex.split(chromium_flags("--no-sandbox", running_as_root=True)).count("--no-sandbox") == 1
    user_choice = shlex.split(chromium_flags("--autoplay-policy=user-gesture-required", running_as_root=False))
    assert user_choice[0] == "--autoplay-policy=user-gesture-required"
    assert not [f for f in user_choice[1:] if f.startswith("--autoplay-policy")]  # the person's choice stays
    assert "--disable-background-timer-throttling" in user_choice
