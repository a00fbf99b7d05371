"""Help → Diagnostics, Save Support Bundle and About in the real window; the widget's console warnings in
the log. The bundle is made after a full sign-in and a ringing call, then searched for every secret used."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from desktop.services.logs import setup_logging
from tests.integration.desktop_helpers import signed_in_and_ready
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine

CALLER_NUMBER, CALLER_NAME = "+16505550123", "Bob Smith"


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[Path]:
    """The app's own logging (redacting formatter, rotating file) into the data folder, as app.run sets it up."""
    root = logging.getLogger()
    before = list(root.handlers)
    path = setup_logging(tmp_path / "data" / "logs")
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()


def test_diagnostics_dialog_copy_save_and_about(run_app, platform, tmp_path: Path) -> None:
    async def scenario(app: AppUnderTest) -> None:
        dialog = app.window.help.open_diagnostics()
        assert "Collecting" in dialog.status.text() and not dialog.copy_button.isEnabled()
        await wait_until(dialog.copy_button.isEnabled, 30, "the report")
        text = dialog.text.toPlainText()
        host = platform.origin.removeprefix("https://")
        for expected in ("Versions:", "Chromium:", "System:", "Settings:", "Keychain:", "Sign-in:",
                         "Microphone (as the phone sees it):", "Network: the widget:", "Network: the app server:",
                         "Data folders:", "Recent log problems:",
                         f"environments.custom.app_server: \"{platform.origin}\""):
            assert expected in text, expected
        # The stand-in platform answers over TLS signed by the CA the profile trusts: diagnose trusts it too.
        widget = text.split("Network: the widget:")[1].split("\n\n")[0]
        assert "tls: [ok]" in widget and "http: [ok] 200" in widget, widget
        assert f"127.0.0.1:{app.options.redirect_port} is free" in text  # no sign-in pending
        assert "audio inputs: [ok]" in text.split("Microphone (as the phone sees it):")[1]  # Chromium's fake device
        assert "clientId" not in text and host in text
        dialog.copy()
        assert QGuiApplication.clipboard().text() == text
        dialog.save_to(tmp_path / "report.txt")
        assert (tmp_path / "report.txt").read_text() == text
        about = app.window.help.about_text()
        assert "Chromium" in about and f"Data: {app.options.data_dir}" in about and "Log: " in about
        dialog.close()

    run_app(scenario)


def test_widget_console_warnings_reach_the_log_redacted(run_app, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="desktop.js")

    async def scenario(app: AppUnderTest) -> None:
        await app.js("console.warn('voice backend failed for code=SECRET-CODE-1 ' + '+16505550199')")
        await app.js("console.log('an ordinary message')")
        await wait_until(lambda: "voice backend failed" in caplog.text, what="the console warning in the log")
        warning, = [r for r in caplog.records if "voice backend failed" in r.getMessage()]
        assert warning.levelno == logging.WARNING and warning.name == "desktop.js"
        ordinary, = [r for r in caplog.records if "an ordinary message" in r.getMessage()]
        assert ordinary.levelno == logging.DEBUG

    run_app(scenario)


def test_support_bundle_after_sign_in_and_a_ring_holds_no_secret(run_app, platform, browser, app_log: Path,
                                                                tmp_path: Path) -> None:
    target = tmp_path / "support.zip"

    async def scenario(app: AppUnderTest) -> None:
        await signed_in_and_ready(app)
        assert await app.js(f"__fakeWidgetTest.incomingCall('{CALLER_NUMBER}', '{CALLER_NAME}')") is True
        await wait_until(lambda: app.window.notifier.delivered, what="the ring")
        await app.js(f"console.error('ring from {CALLER_NUMBER}')")  # the widget itself may log a caller
        await wait_until(lambda: "widget console error" in app_log.read_text(), what="the console line in the log")
        names = await app.window.help.save_bundle(target)
        assert names[:2] == ["report.txt", "logs/embeddable-desktop.log"]
        assert "Support bundle saved to" in app.window.notice_bar.label.text()

    run_app(scenario)
    with zipfile.ZipFile(target) as bundle:
        contents = {name: bundle.read(name).decode() for name in bundle.namelist()}
    assert "widget login status: signed in" in contents["logs/embeddable-desktop.log"]  # the real log is in it
    assert "Network: the widget:" in contents["report.txt"]
    codes = [r["code"] for r in platform.authorize_requests if r["code"]]
    states = [r["state"] for r in platform.authorize_requests if r.get("state")]
    secrets = [*codes, *states, *platform.oauth.tokens.every_token(), CALLER_NUMBER,
               CALLER_NUMBER.removeprefix("+1"), "5550123", CALLER_NAME]
    assert codes and platform.oauth.tokens.every_token()  # a sign-in did happen: there is something to find
    for name, text in contents.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} found in {name}"


def test_diagnostics_on_the_offline_screen_say_the_phone_is_not_loaded(run_app, platform) -> None:
    """No widget page, no view of the microphone from inside it: the report says that, not a script error."""

    async def scenario(app: AppUnderTest) -> None:
        platform.stop()  # the widget's address refuses connections, as when offline
        app.start()
        offline = app.window.offline
        await wait_until(lambda: app.window.stack.currentWidget() is offline, what="the offline screen")
        text = await app.window.help.report(timeout=5)
        microphone = text.split("Microphone (as the phone sees it):")[1].split("\n\n")[0]
        assert microphone.strip() == ("widget page: not loaded, so what Chromium sees of the microphone is not "
                                      "known (the window says why)"), microphone
        assert "Error" not in microphone and "audio inputs" not in microphone

    run_app(scenario, start=False)
