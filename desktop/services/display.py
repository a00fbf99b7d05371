"""Is there a display to open the window on? Checked before Qt starts (Linux), because Qt without one aborts
with a paragraph about plugins and reinstalling, which sends people looking in the wrong place.

X11: ``DISPLAY`` names a server; a local one is reached through its socket (the abstract one first, as libxcb
does, then ``/tmp/.X11-unix/X<n>``), a remote one over TCP 6000+n. Wayland: ``WAYLAND_DISPLAY`` names a socket in
``XDG_RUNTIME_DIR`` (or is a path). Only the connection is tried: authorisation problems are left to Qt.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping
from pathlib import Path

_X_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(?:\.\d+)?$")
#: Platforms that draw without a display server (tests, kiosks, VNC); nothing to check for them.
_NO_DISPLAY_NEEDED = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "minimalegl", "vkkhrdisplay"}
CONNECT_TIMEOUT = 2.0


def display_problem(platforms: list[str], env: Mapping[str, str] = os.environ) -> str | None:
    """None when one of ``platforms`` (Qt's candidates, in order) has a display it can reach; else why not."""
    if any(name in _NO_DISPLAY_NEEDED for name in platforms):
        return None
    reasons = []
    for name in platforms:
        reason = _wayland_problem(env) if name == "wayland" else _x11_problem(env) if name == "xcb" else None
        if reason is None:
            return None
        reasons.append(reason)
    if not reasons:
        return None
    return (f"No display to open the window on: {'; '.join(reasons)}. Start Embeddable Desktop from your "
            "desktop session (or set DISPLAY); 'embeddable-desktop diagnose' works without one")


def _x11_problem(env: Mapping[str, str]) -> str | None:
    value = env.get("DISPLAY", "")
    if not value:
        return "DISPLAY is not set"
    match = _X_DISPLAY.match(value)
    if match is None:
        return f"DISPLAY={value!r} is not an X display name (like :0)"
    host, number = match["host"], int(match["number"])
    try:
        if host in ("", "unix"):
            _connect_unix(number)
        else:
            socket.create_connection((host, 6000 + number), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        return f"the X server DISPLAY={value} does not answer ({exc.strerror or exc})"
    return None


def _connect_unix(number: int) -> None:
    path = f"/tmp/.X11-unix/X{number}"
    for address in ("\0" + path, path):  # the abstract socket first, as libxcb tries it
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(CONNECT_TIMEOUT)
            try:
                probe.connect(address)
            except OSError as exc:
                error = exc
                continue
            return
    raise error


def _wayland_problem(env: Mapping[str, str]) -> str | None:
    name = env.get("WAYLAND_DISPLAY", "")
    if not name:
        return "WAYLAND_DISPLAY is not set"
    path = Path(name) if name.startswith("/") else Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / name
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(CONNECT_TIMEOUT)
        try:
            probe.connect(str(path))
        except OSError as exc:
            return f"the Wayland compositor {path} does not answer ({exc.strerror or exc})"
    return None
