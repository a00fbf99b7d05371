"""Talking to the running instance without Qt: a second start hands over its links, and ``embeddable-desktop
call|presence ...`` its command, over the running instance's local socket.

The running app listens with Qt's QLocalServer, which is a Unix domain socket in the temporary folder (named
pipe on Windows). A plain socket reaches it in a few milliseconds, where importing PySide6 alone costs a
quarter of a second: a hotkey bound to ``embeddable-desktop call mute`` must feel instant.

One JSON line each way: ``{"argv": [...]}`` or ``{"command": ["call", "mute"]}``, answered by ``ok`` or
``error <reason>``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import sys
from pathlib import Path

from desktop import APP_ID

CONNECT_SECONDS = 0.3
#: The running app answers a command after checking it against the widget's state; that is quick.
REPLY_SECONDS = 3.0


class NotRunning(Exception):
    """Nobody listens: no instance runs for this user and data folder (or it is a crash's leftover)."""


def server_name(data_dir: Path) -> str:
    """Per user and data folder, so two profiles (or two users) never talk to each other."""
    digest = hashlib.sha256(f"{getpass.getuser()}\0{data_dir}".encode()).hexdigest()[:16]
    return f"{APP_ID}-{digest}"


def socket_path(name: str) -> str:
    """Where QLocalServer puts ``name``: Qt's temporary folder ($TMPDIR or /tmp) on Unix, a pipe on Windows."""
    if sys.platform == "win32":
        return rf"\\.\pipe\{name}"
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", name)  # noqa: S108 - what QDir::tempPath() uses


def exchange(name: str, message: dict[str, object]) -> str:
    """Send one message and return the reply line.

    Raises:
        NotRunning: nothing answers on the socket.
    """
    data = json.dumps(message).encode() + b"\n"
    if sys.platform == "win32":  # pragma: no cover - a named pipe is a file on Windows
        try:
            with open(socket_path(name), "r+b", buffering=0) as pipe:
                pipe.write(data)
                return pipe.readline().decode(errors="replace").strip()
        except OSError as exc:
            raise NotRunning(str(exc)) from None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as link:
        link.settimeout(CONNECT_SECONDS)
        try:
            link.connect(socket_path(name))
        except OSError as exc:  # no file, refused (a stale socket), or no answer
            raise NotRunning(str(exc)) from None
        link.settimeout(REPLY_SECONDS)
        link.sendall(data)
        reply = b""
        try:
            while not reply.endswith(b"\n") and (chunk := link.recv(4096)):
                reply += chunk
        except TimeoutError:
            return "error the running phone did not answer in time"
    return reply.decode(errors="replace").strip()


def hand_over(name: str, argv: list[str]) -> bool:
    """Give a second start's ``argv`` (links) to the running instance; False when none runs."""
    try:
        return exchange(name, {"argv": argv}) == "ok"
    except NotRunning:
        return False
