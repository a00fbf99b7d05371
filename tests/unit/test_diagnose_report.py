"""The local diagnose checks, the report's time limits and the support bundle, against real files, sockets,
a private D-Bus and keychains that hang; ``diagnose`` in a process whose name lookups never return."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from desktop.core.findings import Finding, Status
from desktop.core.settings import NO_POLICY, Layer, resolve
from desktop.diagnostics import machine, setup
from desktop.diagnostics.bundle import write_bundle
from desktop.diagnostics.report import Subject, collect, render
from tests.support.notification_server import FakeNotificationServer, PrivateBus

ROOT = Path(__file__).resolve().parents[2]


def test_settings_show_sources_locks_and_problems(tmp_path: Path) -> None:
    user = Layer("user file", str(tmp_path / "s.json"), {"allow_environment_switching": False})
    found = setup.settings(resolve(NO_POLICY, [user]), tmp_path / "s.json", ["user file x: bad value"])
    lines = {f.name: f for f in found}
    assert lines["problem"].status is Status.FAILED and lines["problem"].detail == "user file x: bad value"
    assert "locked: fixed: allow_environment_switching is false" in lines["environment"].detail
    assert lines["IT policy"].detail == "(no policy)"


def test_sign_in_port_free_and_taken() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        taken = setup.sign_in_port(port)
        assert taken.status is Status.WARNING and f"127.0.0.1:{port} is in use" in taken.detail
    assert setup.sign_in_port(port).status is Status.OK


def test_folder_sizes_and_recent_problems(tmp_path: Path) -> None:
    (tmp_path / "profiles" / "production").mkdir(parents=True)
    (tmp_path / "profiles" / "production" / "blob").write_bytes(b"x" * 3 * 1024 * 1024)
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "embeddable-desktop.log.1").write_text("2026-11-30 10:00:00,000 ERROR desktop.ui: older failure\n")
    (logs / "embeddable-desktop.log").write_text(
        "2026-11-30 11:00:00,000 INFO desktop.ui: fine\n"
        "2026-11-30 11:00:01,000 WARNING desktop.js: widget console error at x:1: ring from +16505550123\n")
    sizes = {f.name: f.detail for f in setup.folder_sizes(tmp_path)}
    assert sizes["profiles"] == "3.0 MiB" and "free space" in sizes
    problems = setup.recent_problems(logs / "embeddable-desktop.log")
    assert "the last 2 of 2 warnings and errors" in problems[0].detail
    assert "older failure" in problems[1].detail and "[number]" in problems[2].detail
    assert "6505550123" not in "".join(f.detail for f in problems)


def test_desktop_services_on_a_private_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bus = PrivateBus(tmp_path)
    server = FakeNotificationServer(bus.address)
    try:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        found = {f.name: f for f in asyncio.run(machine.desktop_services(5))}
        assert found["notification service"].status is Status.OK
        assert found["tray"].status is Status.WARNING and "StatusNotifierWatcher" in found["tray"].detail
    finally:
        server.stop()
        bus.stop()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/nothing-here")
    found = {f.name: f for f in asyncio.run(machine.desktop_services(5))}
    assert found["tray"].status is Status.WARNING and "no session bus" in found["tray"].detail


def test_audio_inputs_from_the_sound_system(tmp_path: Path) -> None:
    pcm = tmp_path / "pcm"
    pcm.write_text("00-00: ALC257 Analog : ALC257 Analog : playback 1 : capture 1\n"
                   "00-03: HDMI 0 : HDMI 0 : playback 1\n")
    assert machine.audio_inputs(pcm)[0].detail == "ALC257 Analog"
    pcm.write_text("00-03: HDMI 0 : HDMI 0 : playback 1\n")
    assert machine.audio_inputs(pcm)[0].status is Status.WARNING


def test_a_check_that_hangs_or_breaks_is_named_and_the_rest_still_report(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def hangs(*_: object) -> list[Finding]:
        time.sleep(30)
        return []

    def breaks(*_: object) -> list[Finding]:
        raise RuntimeError("broken for code=SECRET-1")

    monkeypatch.setattr(setup, "folder_sizes", hangs)
    monkeypatch.setattr(setup, "recent_problems", breaks)
    subject = Subject(settings_path=tmp_path / "settings.json", data_dir=tmp_path, redirect_port=None)
    started = time.monotonic()
    found = asyncio.run(collect(subject, timeout=0.5))
    assert time.monotonic() - started < 5
    checks = {f.name: f.detail for f in found if f.section == "Checks"}
    assert checks["data folders"] == "did not finish within 1.5 s"
    assert checks["log"].startswith("could not run (RuntimeError") and "SECRET-1" not in checks["log"]
    assert any(f.section == "Versions" for f in found) and any(f.section == "Settings" for f in found)
    assert "Failed: Checks / data folders; Checks / log" in render(found)


def test_the_command_outlives_no_hung_name_lookup_or_keychain(tmp_path: Path) -> None:
    """getaddrinfo that never returns (a dead DNS server) and a keychain that never answers: the command
    still ends within its limits, naming both."""
    script = (
        "import socket, sys, time, keyring\n"
        "from keyring.backend import KeyringBackend\n"
        "class Stuck(KeyringBackend):\n"
        "    priority = 1\n"
        "    def get_password(self, s, u): time.sleep(120)\n"
        "    def set_password(self, s, u, p): time.sleep(120)\n"
        "    def delete_password(self, s, u): time.sleep(120)\n"
        "keyring.set_keyring(Stuck())\n"
        "socket.getaddrinfo = lambda *a, **k: time.sleep(120)\n"
        "from desktop.cli.diagnose import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"environments.production.auth_mode": "jwt"}))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, "--data-dir", str(data), "--timeout", "1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=100, env={**os.environ, "HTTPS_PROXY": ""})
    took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "dns: [FAILED] no answer within 1 s" in done.stdout, done.stdout
    assert "Keychain:\n  keychain: [FAILED]" in done.stdout and "did not answer" in done.stdout, done.stdout
    assert took < 30, took


def test_bundle_is_redacted_complete_or_absent(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    # A line written by an older version, or edited by hand, before today's filter.
    (logs / "embeddable-desktop.log").write_text("GET /oauth/callback?code=OLD-CODE-1&state=OLD-STATE-1\n"
                                                "Authorization: Bearer OLD-TOKEN-1\ncaller +16505550123\n")
    (logs / "embeddable-desktop.log.2").write_text("rotated line\n")
    target = tmp_path / "bundle.zip"
    names = write_bundle(target, "report with jwt=eyJhbGciOi.e30.sig", logs)
    assert names == ["report.txt", "logs/embeddable-desktop.log", "logs/embeddable-desktop.log.2"]
    with zipfile.ZipFile(target) as bundle:
        text = "".join(bundle.read(name).decode() for name in bundle.namelist())
    for secret in ("OLD-CODE-1", "OLD-STATE-1", "OLD-TOKEN-1", "6505550123", "eyJhbGciOi"):
        assert secret not in text
    assert "rotated line" in text
    with pytest.raises(OSError):
        write_bundle(tmp_path / "missing" / "bundle.zip", "report", logs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip", "logs"]  # nothing half-written left
