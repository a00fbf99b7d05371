"""The installed ``embeddable-desktop`` as a subprocess: sign in, quit, start again, still signed in."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.platform import FakeClient, FakePlatform
from tests.fakes.tls import make_server_tls
from tests.integration.conftest import CLIENT_ID, browser_command, free_port

pytestmark = pytest.mark.e2e



@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[FakePlatform, Path, int]]:
    context, ca = make_server_tls(tmp_path / "tls")
    port = free_port()
    platform = FakePlatform(context, {})
    platform.start()
    platform.register_client(CLIENT_ID, FakeClient(redirect_uris=[f"http://127.0.0.1:{port}/oauth/callback"]))
    yield platform, ca, port
    platform.stop()


class Running:
    def __init__(self, program: Path, argv: list[str], env: dict[str, str], log_file: Path) -> None:
        self.log_file = log_file
        self.offset = log_file.stat().st_size if log_file.exists() else 0
        self.proc = subprocess.Popen([str(program), *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)

    def log(self) -> str:
        return self.log_file.read_text()[self.offset:] if self.log_file.exists() else ""

    def wait_for(self, text: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.proc.poll() is not None:
                raise AssertionError(f"the app exited ({self.proc.returncode}) before {text!r}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} within {timeout} s:\n{self.log()}")
            time.sleep(0.1)

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def signing_in(setup: tuple[FakePlatform, Path, int], tmp_path: Path) -> tuple[list[str], dict[str, str], Path]:
    """argv and environment of an app that signs itself in through the scripted browser, and its log file."""
    platform, ca, port = setup
    data = tmp_path / "data"
    env = dict(os.environ, EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS=str(ca),
               SCRIPTED_BROWSER_LOG=str(tmp_path / "browser.jsonl"), SCRIPTED_BROWSER_CA=str(ca),
               SCRIPTED_BROWSER_MODE="follow")
    # autoSignIn is read by the fake widget only: it clicks its Sign In button when it loads signed out,
    # standing in for the person's click.
    argv = ["--env", "custom", "--app-server", platform.origin, "--client-id", CLIENT_ID,
            "--widget-url", platform.widget_url + "?autoSignIn=1", "--redirect-port", str(port),
            "--data-dir", str(data), "--browser", browser_command()]
    return argv, env, data / "logs" / "embeddable-desktop.log"


def test_sign_in_quit_and_still_signed_in(app_program: Path, setup, tmp_path: Path) -> None:
    platform, _, _ = setup
    argv, env, log_file = signing_in(setup, tmp_path)
    browser_log = tmp_path / "browser.jsonl"

    first = Running(app_program, argv, env, log_file)
    first.wait_for("widget login status: signed in")
    assert "sign-in callback handed to the widget in" in first.log()
    assert first.terminate() == 0
    assert "Embeddable Desktop stopped" in first.log()
    assert len(platform.successful_code_exchanges()) == 1
    entries = [json.loads(line) for line in browser_log.read_text().splitlines()]
    assert len(entries) == 1 and entries[0]["callback_status"] == 200

    second = Running(app_program, argv, env, log_file)
    second.wait_for("widget login status: signed in")
    assert second.terminate() == 0
    # Signed in from the stored session: no second browser trip, no second code exchange.
    assert len(browser_log.read_text().splitlines()) == 1
    assert len(platform.successful_code_exchanges()) == 1
    # The authorization code passed through the app (listener, bridge); it must not be in the log.
    codes = [r["code"] for r in platform.authorize_requests if r["code"]]
    assert len(codes) == 1 and codes[0] not in log_file.read_text()


def test_unwritable_data_dir_is_named(app_program: Path, tmp_path: Path) -> None:
    # (a read-only folder would not do: the tests may run as root, who can write anywhere)
    blocker = tmp_path / "data"
    blocker.mkdir()
    (blocker / "logs").write_text("not a folder")
    result = subprocess.run([str(app_program), "--data-dir", str(blocker)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"--data-dir: cannot write below {blocker}" in result.stderr and "Traceback" not in result.stderr


def test_unusable_settings_file_stops_or_resets_with_a_copy(app_program: Path, setup, tmp_path: Path) -> None:
    platform, ca, port = setup
    data = tmp_path / "data"
    data.mkdir()
    settings = data / "settings.json"
    settings.write_text('{"environments.sandbox.redirect_port": "http", "environmnt": "sandbox"}')
    result = subprocess.run([str(app_program), "--data-dir", str(data)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "did you mean 'environment'?" in result.stderr and "'http' is not a port" in result.stderr
    assert "--reset-settings" in result.stderr and "environmnt" in settings.read_text()  # untouched

    env = dict(os.environ, EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS=str(ca))
    argv = ["--env", "custom", "--app-server", platform.origin, "--widget-url", platform.widget_url,
            "--data-dir", str(data), "--reset-settings"]
    app = Running(app_program, argv, env, data / "logs" / "embeddable-desktop.log")
    app.wait_for("widget login status: signed out")
    assert "started on default settings" in app.log()
    assert app.terminate() == 0
    copies = list(data.glob("settings.json.unreadable-*"))
    assert len(copies) == 1 and "environmnt" in copies[0].read_text()


@pytest.mark.parametrize(("argv", "expected"), [
    (["--app-server", "http://platform.example.com"], "--app-server: 'http://platform.example.com' must start"),
    (["--redirect-port", "x", "--client-id", "a b"], "--client-id"),
])
def test_bad_options_exit_2_with_one_line_per_problem(app_program: Path, tmp_path: Path, argv: list[str],
                                                      expected: str) -> None:
    result = subprocess.run([str(app_program), *argv, "--data-dir", str(tmp_path)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("embeddable-desktop: error: --") for line in lines)


def test_a_second_start_hands_its_link_to_the_running_one(app_program: Path, setup, tmp_path: Path) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    first = Running(app_program, argv, env, log_file)
    first.wait_for("widget login status: signed in")

    started = time.monotonic()
    second = subprocess.run([str(app_program), *argv, "tel:+16505550100"], env=env, capture_output=True, text=True,
                            timeout=30)
    handover = time.monotonic() - started
    print(f"\nsecond start handed over and exited in {handover * 1000:.0f} ms (process start to exit)")
    assert second.returncode == 0, second.stderr
    first.wait_for("sending a call request to the widget")
    assert "a second start handed over" in first.log()
    handed = [line for line in log_file.read_text().splitlines() if "handed over to the running instance" in line]
    assert len(handed) == 1
    # The second start never set up a web profile (Qt WebEngine was not started): only the first one did.
    assert log_file.read_text().count("web profile 'custom-") == 1
    assert first.terminate() == 0

    # A crash leaves the socket behind: the next start must notice nobody answers and take over.
    crashed = Running(app_program, argv, env, log_file)
    crashed.wait_for("widget login status: signed in")
    crashed.proc.kill()
    crashed.proc.wait(10)
    after = Running(app_program, argv, env, log_file)
    after.wait_for("widget login status: signed in")
    assert after.terminate() == 0


def test_a_ring_reaches_the_desktop_and_a_click_shows_the_phone(app_program: Path, setup, tmp_path: Path) -> None:
    from tests.support.notification_server import FakeNotificationServer, PrivateBus

    argv, env, log_file = signing_in(setup, tmp_path)
    # ringWhenReady is read by the fake widget only: a call comes in once it is signed in and ready.
    widget = argv.index("--widget-url") + 1
    argv[widget] += "&ringWhenReady=%2B16505550123"
    bus = PrivateBus(tmp_path)
    server = FakeNotificationServer(bus.address)
    # Minimized, and a ring does not bring the window up by itself: only the click on the notification may.
    env = dict(env, DBUS_SESSION_BUS_ADDRESS=bus.address, EMBEDDABLE_DESKTOP_RAISE_ON_RING="false")
    app = Running(app_program, [*argv, "--minimized"], env, log_file)
    try:
        app.wait_for("call notification shown (dbus)")
        assert [(c["summary"], c["body"]) for c in server.calls] == [("Incoming call", "E2E Caller (+16505550123)")]
        assert "phone state: ringing" in app.log()
        # The sign-in hand-off brought the window up once; the ring did not.
        assert app.log().count("window brought to the front") == 1
        server.click(server.calls[0]["id"])
        app.wait_for("notification clicked: showing the window")
        deadline = time.monotonic() + 10
        while app.log().count("window brought to the front") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.log().count("window brought to the front") == 2
        assert app.terminate() == 0
        # Who called is for the person, not for the log file (the test's own widget URL carries the number).
        logged = [line for line in log_file.read_text().splitlines() if "loading the widget from" not in line]
        assert not [line for line in logged if "6505550123" in line or "E2E Caller" in line]
    finally:
        if app.proc.poll() is None:
            app.proc.kill()
        server.stop()
        bus.stop()


def test_version_names_the_app_and_what_it_runs_on(app_program: Path) -> None:
    result = subprocess.run([str(app_program), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"Embeddable Desktop \d+\.\d+\.\d+", lines[0])
    assert re.fullmatch(r"Qt 6\.\d+\.\d+", lines[1])
    assert re.fullmatch(r"Chromium \d+\.\d+\.\d+\.\d+ \(security patches \d+\.\d+\.\d+\.\d+\)", lines[2])
    assert re.fullmatch(r"PySide6 6\.\d+\.\d+", lines[3])
    assert re.fullmatch(r"Python 3\.\d+\.\d+ \((bundle|Python package), Linux \w+\)", lines[4])
