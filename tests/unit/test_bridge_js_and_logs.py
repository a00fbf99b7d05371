"""JavaScript is built from JSON only; logs never carry secrets."""

import json
import logging
from pathlib import Path

import pytest

from desktop.core.bridge_js import parse_bridge_message, post_message_js
from desktop.services.logs import redact, setup_logging


def test_post_message_js_is_json() -> None:
    nasty = "http://127.0.0.1:1/cb?code=a'b\"c</script><script>alert(1)</script>\u2028\n"
    js = post_message_js({"type": "rc-adapter-authorization-code", "callbackUri": nasty})
    prefix, suffix = "window.__embeddableDesktopBridge.post(", ");"
    assert js.startswith(prefix) and js.endswith(suffix)
    literal = js[len(prefix):-len(suffix)]
    assert "</script>" not in literal and "\u2028" not in literal and "\n" not in literal
    assert json.loads(literal)["callbackUri"] == nasty


def test_only_launcher_commands_can_be_posted() -> None:
    with pytest.raises(ValueError, match="not a launcher command"):
        post_message_js({"type": "rc-login-status-notify"})


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
