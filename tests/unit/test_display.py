"""The display check before Qt starts: real sockets stand in for an X server and a Wayland compositor."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.display import display_problem

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def compositor(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "wayland-1"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(1)
        yield path


def test_platforms_that_need_no_display() -> None:
    assert display_problem(["offscreen"], {}) is None
    assert display_problem(["vnc"], {}) is None


def test_no_display_named(compositor: Path) -> None:
    problem = display_problem(["xcb"], {})
    assert problem is not None and problem.startswith("No display to open the window on: DISPLAY is not set.")
    assert "diagnose" in problem
    assert "WAYLAND_DISPLAY is not set; DISPLAY is not set" in (display_problem(["wayland", "xcb"], {}) or "")
    assert "is not an X display name" in (display_problem(["xcb"], {"DISPLAY": "nonsense"}) or "")


def test_wayland_socket_answers_or_not(compositor: Path) -> None:
    env = {"WAYLAND_DISPLAY": compositor.name, "XDG_RUNTIME_DIR": str(compositor.parent)}
    assert display_problem(["wayland", "xcb"], env) is None
    assert display_problem(["wayland"], {"WAYLAND_DISPLAY": str(compositor)}) is None  # a path works too
    gone = {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(compositor.parent)}
    assert "the Wayland compositor" in (display_problem(["wayland"], gone) or "")


def listening_x_port(server: socket.socket) -> int:
    """Bind ``server`` to a free port an X display number can name (6000 + n)."""
    for port in range(16000, 16500):
        try:
            server.bind(("127.0.0.1", port))
        except OSError:
            continue
        server.listen(1)
        return port
    raise AssertionError("no free port between 16000 and 16500")


def test_x_server_over_tcp_answers_or_not() -> None:
    with socket.socket() as server:
        port = listening_x_port(server)
        assert display_problem(["xcb"], {"DISPLAY": f"127.0.0.1:{port - 6000}.0"}) is None
    assert "does not answer" in (display_problem(["xcb"], {"DISPLAY": f"127.0.0.1:{port - 6000}"}) or "")


def test_the_app_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert errors == ["embeddable-desktop: error: No display to open the window on: DISPLAY is not set. Start "
                      "Embeddable Desktop from your desktop session (or set DISPLAY); 'embeddable-desktop diagnose' "
                      "works without one"], done.stderr
    assert "Aborted" not in done.stderr and "qt.qpa" not in done.stderr
