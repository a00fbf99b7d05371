"""``embeddable-desktop diagnose`` as a process: on a machine with no network it finishes within its limits
and names each failure; after a real sign-in its support bundle holds no code, token or state."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from tests.e2e.test_app_process import Running, setup, signing_in
from tests.support.requirements import require

pytestmark = pytest.mark.e2e
__all__ = ["setup"]


def diagnose(program: Path, *argv: str, env: dict[str, str] | None = None, wrapper: tuple[str, ...] = ()
             ) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([*wrapper, str(program), "diagnose", *argv], capture_output=True, text=True, timeout=120,
                          env=env or dict(os.environ))
    return done, time.monotonic() - started


def test_no_network_every_failure_named_within_the_limit(app_program: Path, tmp_path: Path) -> None:
    require(shutil.which("unshare") is not None and os.geteuid() == 0,
            "a network namespace of its own (unshare -n) needs root and util-linux")
    # A new network namespace has no interface up, not even loopback: as offline as a machine gets.
    done, took = diagnose(app_program, "--data-dir", str(tmp_path / "data"), "--timeout", "2",
                          wrapper=("unshare", "--net"))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    report = done.stdout
    for section in ("Network: the widget:", "Network: the app server:"):
        part = report.split(section)[1].split("\n\n")[0]
        assert "dns: [FAILED]" in part and "tcp: skipped: dns failed" in part, part
    assert "Failed: Network: the widget / dns; Network: the app server / dns" in report
    assert "Versions:" in report and "Settings:" in report and "Data folders:" in report
    # Each check has 2 s; the probes a few steps of that side by side: far less than everything in a row.
    print(f"\ndiagnose without a network took {took:.1f} s")
    assert took < 2 * 6 + 15


def test_a_server_that_never_answers_is_named_within_the_limit(app_program: Path, tmp_path: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # accepts at the TCP level (the kernel's backlog), never says a word
        origin = f"https://127.0.0.1:{silent.getsockname()[1]}"
        done, took = diagnose(app_program, "--data-dir", str(tmp_path / "data"), "--timeout", "1", "--env", "custom",
                              "--app-server", origin, "--widget-url", origin + "/widget/app.html?clientId=abc")
    assert done.returncode == 1, done.stderr
    widget = done.stdout.split("Network: the widget:")[1].split("\n\n")[0]
    assert "tcp: [ok]" in widget and "tls: [FAILED]" in widget and "within 1 s" in widget, widget
    assert "clientId" not in widget  # the probe shows no query (the settings section does: it is configured)
    print(f"\ndiagnose against a silent server took {took:.1f} s")
    assert took < 1 * 6 + 15


def test_bundle_after_a_real_sign_in_holds_no_code_token_or_state(app_program: Path, setup, tmp_path: Path) -> None:
    platform, _, _ = setup
    argv, env, log_file = signing_in(setup, tmp_path)
    app = Running(app_program, argv, env, log_file)
    app.wait_for("widget login status: signed in")
    assert app.terminate() == 0
    bundle = tmp_path / "support.zip"
    done, _ = diagnose(app_program, *argv[:argv.index("--browser")], "--bundle", str(bundle), env=env)
    assert f"Support bundle written to {bundle}" in done.stdout, done.stdout + done.stderr
    with zipfile.ZipFile(bundle) as archive:
        contents = {name: archive.read(name).decode() for name in archive.namelist()}
    assert {"report.txt", "logs/embeddable-desktop.log"} <= set(contents)
    assert "sign-in callback handed to the widget" in contents["logs/embeddable-desktop.log"]
    leaks = [r["code"] for r in platform.authorize_requests if r["code"]]
    leaks += [r["state"] for r in platform.authorize_requests if r.get("state")]
    leaks += platform.oauth.tokens.every_token()
    assert len(leaks) >= 4
    for name, text in contents.items():
        for secret in leaks:
            assert secret not in text, f"{secret!r} in {name}"
