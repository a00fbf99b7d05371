"""JavaScript is built from JSON only; logs never carry secrets."""

import json
import logging
from pathlib import Path

import pytest

from desktop.core.bridge_js import parse_bridge_message, post_message_js
from desktop.core.widget_commands import AuthorizationCode
from desktop.services.logs import redact, setup_logging


def test_post_message_js_is_json() -> None:
    nasty = "http://127.0.0.1:1/cb?code=a'b\"c</script><script>alert(1)</script>\u2028\n"
    js = post_message_js(AuthorizationCode(nasty))
    prefix, suffix = "window.__embeddableDesktopBridge.post(", ");"
    assert js.startswith(prefix) and js.endswith(suffix)
    literal = js[len(prefix):-len(suffix)]
    assert "</script>" not in literal and "\u2028" not in literal and "\n" not in literal
    assert json.loads(literal)["callbackUri"] == nasty


class Impostor:
    """Shaped like a command, but of a type the launcher never sends."""

    type = "rc-login-status-notify"

    def message(self) -> dict[str, str]:
        return {"type": self.type}


def test_only_launcher_commands_can_be_posted() -> None:
    with pytest.raises(ValueError, match="not a launcher command"):
        post_message_js(Impostor())  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["", "null", "[]", '"rc-x"', '{"type": 1}', '{"type": "other"}', "{bad json"])
def test_bridge_rejects_malformed_messages(raw: str) -> None:
    assert parse_bridge_message(raw) is None


def test_bridge_accepts_widget_events() -> None:
    assert parse_bridge_message('{"type": "rc-login-status-notify", "loggedIn": true}') == {
        "type": "rc-login-status-notify", "loggedIn": True}


@pytest.mark.parametrize("text", [
    "GET /oauth/callback?code=SECRETCODE&state=SECRETSTATE",
    '{"access_token": "SECRETCODE", "refresh_token": "SECRETSTATE"}',
    "Authorization: Bearer SECRETCODE",
    "authorization: basic SECRETCODE",
    "clientSecret=SECRETCODE&jwt=SECRETSTATE",
    "code_verifier=SECRETCODE",
])
def test_redaction(text: str) -> None:
    out = redact(text)
    assert "SECRETCODE" not in out and "SECRETSTATE" not in out
    assert "[redacted]" in out


@pytest.mark.parametrize(("text", "gone"), [
    ("assertion eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl in a message", "eyJhbGci"),
    ("dialing tel:+16505550100 now", "6505550100"),
    ("incoming from +1 (650) 555-0100", "555-0100"),
    ("caller 6505550100 rang", "6505550100"),
    ("call (650) 555-0173 back", "555-0173"),
    ("call 650-555-0173 back", "555-0173"),
    ("sms:5550100?body=hi", "5550100"),
])
def test_jwts_and_numbers_are_redacted(text: str, gone: str) -> None:
    assert gone not in redact(text)


@pytest.mark.parametrize("text", [
    "2026-11-30 12:11:30,123 INFO desktop.ui: sign-in callback handed to the widget in 3.1 ms",
    "Qt 6.11.3, Chromium 122.0.6261.171 (security patches 133.0.6943.141), port 47612, 412.3 MiB",
    "listening on http://127.0.0.1:47612/oauth/callback",
])
def test_redaction_leaves_timestamps_versions_and_ports(text: str) -> None:
    assert redact(text) == text


def test_log_file_is_redacted(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = setup_logging(tmp_path / "logs")
        logging.getLogger("desktop.test").info("callback http://127.0.0.1/cb?code=TOPSECRET&state=x")
        for handler in root.handlers:
            handler.flush()
        text = path.read_text()
        assert "TOPSECRET" not in text and "code=[redacted]" in text
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
