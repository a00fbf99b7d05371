"""The app exits with status 0 on SIGTERM and SIGINT in every state, never with "Fatal Python error".

The crash this guards against was PySide6 6.12.0 losing references to True and None (see
desktop/ui/binding_check.py); ``binding_refcount_repro.py`` is its minimal reproduction.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.ui.binding_check import disconnect_loses_a_reference
from tests.e2e.test_app_process import Running, setup, signing_in  # noqa: F401 - setup is a fixture
from tests.integration.conftest import free_port
from tests.support.processes import command_line, tree_pids
from tests.support.requirements import require
from tests.support.xvfb import virtual_screen

pytestmark = pytest.mark.e2e
REPRO = Path(__file__).with_name("binding_refcount_repro.py")


def test_the_binding_survives_the_minimal_reproduction() -> None:
    result = subprocess.run([sys.executable, str(REPRO)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "finished" in result.stdout, result.stderr[-2000:]
    assert "Fatal Python error" not in result.stderr


def test_the_installed_binding_keeps_its_references(qapp) -> None:
    assert not disconnect_loses_a_reference()


def renderer_pids(root: int) -> list[int]:
    """QtWebEngineProcess renderers among ``root``'s descendants."""
    return [pid for pid in tree_pids(root) if "--type=renderer" in command_line(pid)]


STATES = ["starting", "widget still loading", "signed in", "signed out", "sign-in pending, 300 connections open",
          "ringing", "on a call", "offline screen", "after a renderer crash and two tel: links"]


def quit_with_the_keyboard(display: str) -> None:
    """Ctrl+Q into the app's window, as a person presses it (XTEST key events, the window focused)."""
    deadline = time.monotonic() + 20
    while True:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "Embeddable Desktop"],
                               env={"DISPLAY": display}, capture_output=True, text=True, timeout=30).stdout.split()
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found, "the window never showed"
    subprocess.run(["xdotool", "windowfocus", "--sync", found[0], "key", "--clearmodifiers", "ctrl+q"],
                   env={"DISPLAY": display}, check=True, timeout=30)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "Quit"])
@pytest.mark.parametrize("state", STATES)
def test_exit_status_is_0_in_every_state(app_program: Path, setup, tmp_path: Path, state: str,  # noqa: F811
                                         how: str) -> None:
    if how == "Quit":
        require(shutil.which("Xvfb") is not None and shutil.which("xdotool") is not None,
                "Xvfb and xdotool are needed to press Ctrl+Q in the window")
        with virtual_screen() as display:
            exit_in_state(app_program, setup, tmp_path, state, how, display)
    else:
        exit_in_state(app_program, setup, tmp_path, state, how, None)


def crash_and_hand_over_links(app: Running, app_program: Path, argv: list[str], env: dict[str, str]) -> None:
    """Kill the renderer (the app reloads it, still signed in), then hand two tel: links to the running app."""
    renderers = renderer_pids(app.proc.pid)
    assert renderers, "no renderer process found"
    for pid in renderers:
        subprocess.run(["kill", "-9", str(pid)], check=True)
    deadline = time.monotonic() + 40
    while app.log().count("widget login status: signed in") < 2:
        assert time.monotonic() < deadline, app.log()
        time.sleep(0.1)
    for number in ("+16505550101", "+16505550102"):
        handed = subprocess.run([str(app_program), *argv, f"tel:{number}"], env=env, capture_output=True,
                                text=True, timeout=60)
        assert handed.returncode == 0, handed.stderr
    app.wait_for("sending a call request to the widget")


def exit_in_state(app_program: Path, setup, tmp_path: Path, state: str, how: str,  # noqa: F811, PLR0915
                  display: str | None) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    if display is not None:
        env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
    widget = argv.index("--widget-url") + 1
    port = int(argv[argv.index("--redirect-port") + 1])
    crowd: list[socket.socket] = []
    if state == "widget still loading":  # asyncio is not running yet then (desktop/ui/system/first_loop.py)
        silent = socket.create_server(("127.0.0.1", 0))  # connections wait in its backlog: no answer, ever
        crowd.append(silent)
        argv[widget] = f"https://127.0.0.1:{silent.getsockname()[1]}/app.html"
    elif state == "signed out":
        argv[widget] = argv[widget].replace("?autoSignIn=1", "")
    elif state.startswith("sign-in pending"):
        env["SCRIPTED_BROWSER_MODE"] = "record"  # the browser never comes back
    elif state == "ringing":
        argv[widget] += "&ringWhenReady=%2B16505550123"
    elif state == "on a call":
        argv.append("tel:+16505550109")  # dialed once signed in: an outgoing call is under way
    elif state == "offline screen":
        argv[widget] = f"https://127.0.0.1:{free_port()}/app.html"  # nothing listens there
    app = Running(app_program, argv, env, log_file)
    try:
        if state == "starting":  # Qt, the profile and the window still to come: the signal waits for the loop
            app.wait_for("starting: env=")
        elif state == "widget still loading":
            app.wait_for("loading the widget from")
            time.sleep(0.5)
        elif state == "signed out":
            app.wait_for("widget login status: signed out")
        elif state.startswith("sign-in pending"):
            app.wait_for("sign-in opened in the browser")
            crowd = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
            time.sleep(0.5)
        elif state == "ringing":
            app.wait_for("phone state: ringing")
        elif state == "on a call":
            app.wait_for("phone state: on call")
        elif state == "offline screen":
            app.wait_for("the phone did not load")
        else:
            app.wait_for("widget login status: signed in")
        if state.startswith("after a renderer crash"):
            crash_and_hand_over_links(app, app_program, argv, env)
        if how == "Quit":
            assert display is not None
            quit_with_the_keyboard(display)
        else:
            app.proc.send_signal(signal.Signals[how])
        status = app.proc.wait(60)
        errors = app.proc.stderr.read() if app.proc.stderr else ""
        assert status == 0, errors[-3000:]
        assert "Fatal Python error" not in errors and "Traceback" not in errors
        assert "Embeddable Desktop stopped" in app.log()
    finally:
        for sock in crowd:
            sock.close()
        if app.proc.poll() is None:
            app.proc.kill()
