"""``embeddable-desktop call|presence`` as a separate process against the running app: accepted commands exit 0,
refused ones exit 1 with the reason, and the hand-over needs no Qt."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.test_app_process import Running, setup, signing_in

pytestmark = pytest.mark.e2e
__all__ = ["setup"]


def command(program: Path, data: Path, *words: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(program), *words, "--data-dir", str(data)], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ))


def test_answer_a_ringing_call_from_another_process(app_program: Path, setup, tmp_path: Path) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    data = Path(argv[argv.index("--data-dir") + 1])
    widget = argv.index("--widget-url") + 1
    argv[widget] += "&ringWhenReady=%2B16505550123"
    gone = command(app_program, data, "call", "answer")  # before the app runs
    assert gone.returncode == 1 and "the phone is not running" in gone.stderr
    app = Running(app_program, argv, env, log_file)
    try:
        app.wait_for("phone state: ringing")
        started = time.monotonic()
        done = command(app_program, data, "call", "answer")
        print(f"\n'call answer' took {1000 * (time.monotonic() - started):.0f} ms end to end")
        assert done.returncode == 0 and done.stderr == "", done.stderr
        app.wait_for("phone state: on call")
        assert "command call answer from another process: done" in app.log()
        again = command(app_program, data, "call", "answer")
        assert again.returncode == 1
        assert again.stderr == "embeddable-desktop: error: no call is ringing\n"
        assert command(app_program, data, "call", "mute").returncode == 0
        app.wait_for("posted rc-adapter-control-call to the widget")
        wrong = command(app_program, data, "call", "explode")
        assert wrong.returncode == 2 and "invalid choice: 'explode'" in wrong.stderr
    finally:
        assert app.terminate() == 0


def test_a_signed_out_phone_says_so(app_program: Path, setup, tmp_path: Path) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    data = Path(argv[argv.index("--data-dir") + 1])
    widget = argv.index("--widget-url") + 1
    argv[widget] = argv[widget].replace("?autoSignIn=1", "")
    app = Running(app_program, argv, env, log_file)
    try:
        app.wait_for("widget login status: signed out")
        for words in (("call", "hangup"), ("presence", "busy")):
            refused = command(app_program, data, *words)
            assert refused.returncode == 1
            assert refused.stderr == "embeddable-desktop: error: the phone is not signed in\n"
    finally:
        assert app.terminate() == 0
