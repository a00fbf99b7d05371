"""The app on a real X server (Xvfb, Qt's xcb platform), as a person sees it: the window's title as the X
server has it, and the sign-in bar while the browser is out of sight. A screenshot is kept for a person."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.test_app_process import Running, setup, signing_in
from tests.integration.conftest import free_port
from tests.support.requirements import require
from tests.support.xvfb import screenshot, virtual_screen, virtual_screen_server

pytestmark = pytest.mark.e2e
__all__ = ["setup"]  # the fixture, shared with the other process tests


def window_titles(display: str) -> list[str]:
    """``_NET_WM_NAME`` (UTF-8) of every top-level window that has one."""
    tree = subprocess.run(["xwininfo", "-display", display, "-root", "-children"], capture_output=True, text=True,
                          check=True, timeout=30).stdout
    titles = []
    for line in tree.splitlines():
        words = line.split()
        if not words or not words[0].startswith("0x"):
            continue
        name = subprocess.run(["xprop", "-display", display, "-id", words[0], "_NET_WM_NAME"], capture_output=True,
                              text=True, timeout=30).stdout
        if "=" in name:
            titles.append(name.split("=", 1)[1].strip().strip('"'))
    return titles


def test_title_names_the_app_once_and_the_sign_in_bar_shows(app_program: Path, setup, tmp_path: Path) -> None:
    require(all(shutil.which(t) for t in ("Xvfb", "import", "xprop", "xwininfo")),
            "Xvfb, ImageMagick's import and x11-utils (xprop, xwininfo) are needed")
    argv, env, log_file = signing_in(setup, tmp_path)
    env["SCRIPTED_BROWSER_MODE"] = "record"  # the browser opens "somewhere else": nobody comes back
    with virtual_screen() as display:
        app = Running(app_program, argv, dict(env, QT_QPA_PLATFORM="xcb", DISPLAY=display), log_file)
        try:
            app.wait_for("sign-in opened in the browser; waiting for the redirect")
            deadline = time.monotonic() + 20
            while "custom — Embeddable Desktop" not in (titles := window_titles(display)):
                assert time.monotonic() < deadline, titles
                time.sleep(0.2)
            assert titles.count("custom — Embeddable Desktop") == 1, titles
            assert not any(t.count("Embeddable Desktop") > 1 for t in titles), titles
            time.sleep(1.0)  # let the bar paint
            assert screenshot(display, tmp_path / "sign-in-pending.png") > 20, "the screen is blank"
        finally:
            assert app.terminate() == 0


def test_a_hotkey_pressed_on_the_x_server_mutes_the_call(app_program: Path, setup, tmp_path: Path) -> None:
    require(all(shutil.which(t) for t in ("Xvfb", "xdotool")), "Xvfb and xdotool are needed to press a hotkey")
    argv, env, log_file = signing_in(setup, tmp_path)
    argv.append("tel:+16505550109")  # an outgoing call once signed in
    env["EMBEDDABLE_DESKTOP_HOTKEY_MUTE"] = "Ctrl+Alt+M"
    with virtual_screen() as display:
        app = Running(app_program, argv, dict(env, QT_QPA_PLATFORM="xcb", DISPLAY=display), log_file)
        try:
            app.wait_for("phone state: on call")
            posted = app.log().count("posted rc-adapter-control-call")
            # The key goes to the X server, not to the window: a global grab takes it wherever the focus is.
            subprocess.run(["xdotool", "key", "ctrl+alt+m"], env={"DISPLAY": display}, check=True, timeout=30)
            app.wait_for("hotkey: mute")
            deadline = time.monotonic() + 10
            while app.log().count("posted rc-adapter-control-call") == posted:
                assert time.monotonic() < deadline, app.log()
                time.sleep(0.1)
        finally:
            assert app.terminate() == 0


def ended_with_its_screen(app_program: Path, argv: list[str], env: dict[str, str], log_file: Path, ready: str,
                          end: Callable[[Running, subprocess.Popen[str]], None]) -> tuple[int, str]:
    """Start the app on an X server of its own, wait for ``ready``, let ``end`` stop the server (and maybe the app);
    the app's exit status and log, once it is sure that no traceback or Python crash reached its stderr."""
    with virtual_screen_server() as (display, server):
        app = Running(app_program, argv, dict(env, QT_QPA_PLATFORM="xcb", DISPLAY=display), log_file)
        try:
            app.wait_for(ready)
            end(app, server)
            server.wait(10)
            status = app.proc.wait(30)
            errors = app.proc.stderr.read() if app.proc.stderr else ""
            assert "Traceback" not in errors and "Fatal Python error" not in errors, errors[-3000:]
            return status, app.log()
        finally:
            if app.proc.poll() is None:
                app.proc.kill()


def test_the_display_going_away_stops_the_app_without_a_traceback(app_program: Path, setup,  # noqa: F811
                                                                   tmp_path: Path) -> None:
    """The X server dies under the signed-in phone (it crashed, or the session ended). Qt ends its event loop by
    itself; the app says so in its log and exits 1: no traceback, no crash."""
    require(shutil.which("Xvfb") is not None, "Xvfb is needed")
    argv, env, log_file = signing_in(setup, tmp_path)
    status, log = ended_with_its_screen(app_program, argv, env, log_file, "widget login status: signed in",
                                        lambda _app, server: server.kill())
    assert status == 1, f"exit status {status}"
    assert "Qt's event loop ended by itself" in log


def test_the_session_ending_with_a_signal_stops_the_app_without_a_crash(app_program: Path, setup,  # noqa: F811
                                                                        tmp_path: Path) -> None:
    """A session that ends can take the X server away and send SIGTERM at the same moment. The signal's quit must
    not run the usual shutdown against the dead display: here, on the offline screen while Qt's first loop waits for
    the widget, Qt WebEngine crashed there (exit -11 in 3 of 3 tries without the check in
    desktop/ui/system/display_connection.py). The app stops with 1, or with 0 if its shutdown was through first."""
    require(shutil.which("Xvfb") is not None, "Xvfb is needed")
    argv, env, log_file = signing_in(setup, tmp_path)
    widget = argv.index("--widget-url") + 1
    argv[widget] = f"https://127.0.0.1:{free_port()}/app.html"  # the offline screen: where the crash showed

    def signal_then_server(app: Running, server: subprocess.Popen[str]) -> None:
        time.sleep(1)  # still in the first loop (desktop/ui/system/first_loop.py): the widget cannot speak
        app.proc.terminate()  # SIGTERM, as one `kill -TERM app server` sends it: the app first
        server.terminate()

    status, log = ended_with_its_screen(app_program, argv, env, log_file, "the phone did not load",
                                        signal_then_server)
    assert status in (0, 1), f"exit status {status}"
    assert "quitting" in log
    assert ("stopping without the usual shutdown" in log) == (status == 1), log[-2000:]
