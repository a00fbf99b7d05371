"""The pure parts of the agent's desktop: call state, load failures, window placement, autostart, options."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from desktop.core.call_state import CallBook, PhoneState, caller, message_notification, ring_notification
from desktop.core.load_errors import describe_load_failure, retry_delay
from desktop.core.options import argv_for_environment, parse_options
from desktop.core.settings import Layer, Policy
from desktop.core.window_geometry import Rect, place_window, screen_setup_key
from desktop.services.autostart import LaunchAgent, XdgAutostart, autostart_for, desktop_exec

ALICE = {"id": "s1", "direction": "Inbound", "fromNumber": "+16505550123", "fromUserName": "Alice Jones",
         "callStatus": "webphone-session-connecting"}


def test_a_ringing_call_then_answered_then_ended() -> None:
    book = CallBook()
    assert book.state is PhoneState.IDLE and book.status_text() == ""
    assert book.apply("rc-call-ring-notify", ALICE)
    assert book.state is PhoneState.RINGING and book.status_text() == "Ringing: Alice Jones (+16505550123)"
    assert book.apply("rc-call-start-notify", {**ALICE, "callStatus": "webphone-session-connected"})
    assert book.state is PhoneState.ON_CALL and book.status_text().startswith("On call: Alice Jones")
    assert not book.apply("rc-call-hold-notify", {**ALICE, "isOnHold": True})  # still on the call
    assert book.apply("rc-call-end-notify", ALICE)
    assert book.state is PhoneState.IDLE and not book


def test_an_answered_call_wins_over_a_second_one_ringing() -> None:
    book = CallBook()
    book.apply("rc-call-init-notify", {"id": "out", "direction": "Outbound", "to": "+442071234567"})
    book.apply("rc-call-ring-notify", {"id": "in", "direction": "Inbound", "from": "+16505550199"})
    assert book.state is PhoneState.ON_CALL and book.who == "+442071234567" and book.ids == {"out", "in"}
    book.apply("rc-call-end-notify", {"id": "out"})
    assert book.state is PhoneState.RINGING and book.who == "+16505550199"


def test_callers_in_words() -> None:
    assert caller({"fromNumber": "+1650", "contactMatch": {"name": "Bob"}}) == "Bob (+1650)"
    assert caller({"from": "+1650"}) == "+1650"
    assert caller({}) == "Unknown caller"
    assert caller({"fromUserName": "+1650", "fromNumber": "+1650"}) == "+1650"
    assert ring_notification(ALICE).body == "Alice Jones (+16505550123)"
    assert ring_notification("nonsense").body == "Unknown caller"


def test_message_notifications_only_for_unread_inbound_messages() -> None:
    sms = {"direction": "Inbound", "readStatus": "Unread", "type": "SMS", "subject": "Running  late\n" + "x" * 200,
           "from": {"phoneNumber": "+16505550111", "name": "Carol"}}
    note = message_notification(sms)
    assert note is not None and note.title == "New message from Carol"
    assert note.body.startswith("Running late x") and len(note.body) == 120
    assert message_notification({**sms, "direction": "Outbound"}) is None
    assert message_notification({**sms, "readStatus": "Read"}) is None
    voicemail = message_notification({"direction": "Inbound", "type": "VoiceMail", "from": {}})
    assert voicemail is not None and voicemail.title == "New voicemail"
    assert message_notification(None) is None


@pytest.mark.parametrize(("code", "words"), [
    (-106, "This computer is offline."),
    (-105, "The address phone.example.com could not be found"),
    (-102, "phone.example.com refused the connection"),
    (-130, "The proxy server cannot be reached"),
    (-9999, "The phone could not be loaded from phone.example.com"),
])
def test_load_failures_in_plain_words(code: int, words: str) -> None:
    failure = describe_load_failure("https://phone.example.com/app.html?clientId=secretish#x",
                                    "ConnectionErrorDomain", code, "ERR_SOMETHING")
    assert words in failure.error.message and "(ERR_SOMETHING)" in failure.error.message
    assert "clientId" not in str(failure.error) and "https://phone.example.com/app.html" in str(failure.error)
    assert failure.retry_by_itself


def test_certificate_and_http_failures() -> None:
    cert = describe_load_failure("https://phone.example.com/a", "CertificateErrorDomain", -202,
                                 "ERR_CERT_AUTHORITY_INVALID")
    assert "not trusted" in cert.error.message and not cert.retry_by_itself
    http = describe_load_failure("https://phone.example.com/a", "HttpErrorDomain", 503, "")
    assert "HTTP 503" in http.error.message and http.retry_by_itself
    assert not describe_load_failure("https://p.example.com/a", "HttpErrorDomain", 404, "").retry_by_itself
    # Qt puts Chromium's net errors -300..-399 in the HTTP domain too: they are not HTTP statuses.
    unsafe = describe_load_failure("https://p.example.com:9/a", "HttpErrorDomain", -312, "net::ERR_UNSAFE_PORT")
    assert "browsers refuse for safety" in unsafe.error.message and "HTTP -312" not in unsafe.error.message
    assert not unsafe.retry_by_itself and "tries again" not in str(unsafe.error)
    empty = describe_load_failure("https://p.example.com/a", "HttpErrorDomain", -324, "net::ERR_EMPTY_RESPONSE")
    assert "closed the connection" in empty.error.message and empty.retry_by_itself
    assert [retry_delay(n) for n in (0, 1, 4, 50)] == [2.0, 5.0, 60.0, 60.0]


SCREEN = Rect(0, 0, 1920, 1040)
RIGHT = Rect(1920, 0, 1280, 1000)


def test_window_placement() -> None:
    assert screen_setup_key([RIGHT, SCREEN]) == screen_setup_key([SCREEN, RIGHT]) == \
        "1280x1000+1920+0;1920x1040+0+0"
    assert place_window(None, [SCREEN], SCREEN) == Rect(770, 200, 380, 640)  # centred
    on_right = Rect(2500, 100, 400, 700)
    assert place_window(on_right, [SCREEN, RIGHT], SCREEN) == on_right
    # The right monitor was unplugged: back onto the nearest screen, at its edge.
    assert place_window(on_right, [SCREEN], SCREEN) == Rect(1520, 100, 400, 700)
    # Title bar above the top of the screen (unreachable): moved down; too tall: shrunk to fit.
    assert place_window(Rect(100, -300, 400, 2000), [SCREEN], SCREEN) == Rect(100, 0, 400, 1040)
    # Mostly off to the left but the title bar still reachable: left alone.
    assert place_window(Rect(-250, 10, 400, 600), [SCREEN], SCREEN) == Rect(-250, 10, 400, 600)
    assert Rect.from_value([1, 2, 3, 4]) == Rect(1, 2, 3, 4)
    for bad in ([1, 2, 3], [1, 2, 0, 4], ["1", 2, 3, 4], [1, 2, True, 4], None):
        assert Rect.from_value(bad) is None


def test_desktop_options_and_settings(tmp_path: Path) -> None:
    options = parse_options(["--minimized", "--devtools"], tmp_path)
    assert options.desktop.start_minimized and options.desktop.devtools and options.desktop.close_to_tray
    plain = parse_options([], tmp_path, layers=[Layer("file", "settings.json", {"always_on_top": "yes"})])
    assert plain.desktop.always_on_top and not plain.desktop.devtools
    # IT locks DevTools off: --devtools is refused with a warning naming the policy, and stays off.
    policy = Policy("policy.json", {"devtools": False})
    locked = parse_options(["--devtools"], tmp_path, policy=policy)
    assert not locked.desktop.devtools and any("devtools" in w for w in locked.warnings)
    # Start-up only: a switch of environment does not carry --minimized over.
    assert argv_for_environment(["--minimized", "--devtools"], "sandbox") == ["--devtools", "--env", "sandbox"]


def test_xdg_autostart_entry(tmp_path: Path) -> None:
    entry = autostart_for("linux", {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}, tmp_path)
    assert isinstance(entry, XdgAutostart) and entry.path == tmp_path / "cfg/autostart/embeddable-desktop.desktop"
    assert not entry.is_enabled()
    entry.enable(["/opt/my apps/python", "-m", "desktop", "--data-dir", "/home/a/100%"])
    text = entry.path.read_text()
    assert 'Exec="/opt/my apps/python" -m desktop --data-dir "/home/a/100%%"\n' in text
    assert text.startswith("[Desktop Entry]\nType=Application\n") and entry.is_enabled()
    entry.path.write_text(text.replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false"))
    assert not entry.is_enabled()  # switched off in the desktop's own settings
    entry.disable()
    assert not entry.path.exists() and not entry.is_enabled()
    entry.disable()  # twice is fine
    relative = autostart_for("linux", {"XDG_CONFIG_HOME": "relative"}, tmp_path)
    assert isinstance(relative, XdgAutostart) and relative.path.parent == tmp_path / ".config/autostart"
    # Quoting rule (backslash before " ` $ \\), then the string escape doubles each backslash: a literal
    # backslash is four, as the Desktop Entry Specification says.
    assert desktop_exec(['say "hi"', "a$b", "back\\slash"]) == \
        r'"say \\"hi\\"" "a\\$b" "back\\\\slash"'


def test_macos_launch_agent(tmp_path: Path) -> None:
    agent = autostart_for("darwin", {}, tmp_path)
    assert isinstance(agent, LaunchAgent) and not agent.is_enabled()
    agent.enable(["/usr/bin/python3", "-m", "desktop"])
    data = plistlib.loads(agent.path.read_bytes())
    assert data == {"Label": "com.embeddabledesktop.app", "ProgramArguments": ["/usr/bin/python3", "-m", "desktop"],
                    "RunAtLoad": True, "ProcessType": "Interactive"}
    assert agent.path == tmp_path / "Library/LaunchAgents/com.embeddabledesktop.app.plist" and agent.is_enabled()
    agent.path.write_bytes(b"not a plist")
    assert not agent.is_enabled()
    agent.disable()
    assert not agent.path.exists()
