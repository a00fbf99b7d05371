"""Talking to the running instance without Qt: a second start hands over its links, and ``embeddable-desktop
call|presence ...`` its command, over the running instance's local socket.

The running app listens with Qt's QLocalServer: a Unix domain socket in a folder only the person can enter
(:mod:`desktop.services.private_socket`), a named pipe for the person alone on Windows
(:mod:`desktop.services.windows_pipe`). A plain socket reaches it in a few milliseconds, where importing PySide6
alone costs a quarter of a second: a hotkey bound to ``embeddable-desktop call mute`` must feel instant.

Nothing is sent before the other end is known to be the person's own app: a folder, socket or pipe that another
user holds raises :class:`NotYours`, and the caller says so and sends nothing.

One JSON line each way: ``{"argv": [...]}`` or ``{"command": ["call", "mute"]}``, answered by ``ok`` or
``error <reason>``.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
from pathlib import Path

from desktop import APP_ID
from desktop.services import private_socket

CONNECT_SECONDS = 0.3
#: The running app answers a command after checking it against the widget's state; that is quick.
REPLY_SECONDS = 3.0


class NotRunning(Exception):
    """Nobody listens: no instance runs for this user and data folder (or it is a crash's leftover)."""


class NotYours(Exception):
    """Another user holds the socket's folder, the socket or the pipe; the message says which and how."""


def _person() -> str:
    """Who the socket is for: the uid (never ``$USER``, which anyone can set), the user SID on Windows."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        from desktop.services.windows_pipe import current_user_sid

        return current_user_sid()
    return str(os.getuid())


def server_names(data_dir: Path) -> list[str]:
    """Where the running instance may listen, per person and data folder, the one it listens on first: full
    socket paths in the person's private folders on Linux and macOS (QLocalServer takes a path as it is), a pipe
    name on Windows."""
    digest = hashlib.sha256(f"{_person()}\0{data_dir}".encode()).hexdigest()[:16]
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return [f"{APP_ID}-{digest}"]
    # Short: macOS's temporary folder is long, and a socket path has at most 104 bytes there.
    return [str(folder / digest) for folder in private_socket.socket_folders()]


def server_name(data_dir: Path) -> str:
    """What the running instance listens on: the first of :func:`server_names`."""
    return server_names(data_dir)[0]


def pipe_path(name: str) -> str:  # pragma: no cover - Windows only
    """The file system name of the pipe ``name`` on Windows."""
    return rf"\\.\pipe\{name}"


def exchange_first(names: list[str], message: dict[str, object]) -> str:
    """:func:`exchange` with the first of ``names`` that answers.

    Raises:
        NotRunning: none answers.
        NotYours: none answers, and another user holds one of them (nothing was sent there).
    """
    refused: NotYours | None = None
    for name in names:
        try:
            return exchange(name, message)
        except NotRunning:
            continue
        except NotYours as exc:
            refused = refused or exc
    if refused is not None:
        raise refused
    raise NotRunning("nothing answers at " + ", ".join(names))


def exchange(name: str, message: dict[str, object]) -> str:
    """Send one message and return the reply line.

    Raises:
        NotRunning: nothing answers on the socket.
        NotYours: the socket, its folder or the pipe belongs to another user; nothing was sent.
    """
    data = json.dumps(message).encode() + b"\n"
    if sys.platform == "win32":  # pragma: no cover - a named pipe is a file on Windows
        return _exchange_over_pipe(pipe_path(name), data)
    try:
        if not private_socket.check_socket(Path(name)):
            raise NotRunning(f"{name} does not exist")
    except private_socket.NotPrivate as exc:
        raise NotYours(str(exc)) from None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as link:
        link.settimeout(CONNECT_SECONDS)
        try:
            link.connect(name)
        except OSError as exc:  # refused (a stale socket), or no answer
            raise NotRunning(str(exc)) from None
        # The file was the person's a moment ago; the kernel says who actually listens.
        if (uid := private_socket.peer_uid(link)) != os.getuid():
            raise NotYours(f"{name} is served by another user (uid {uid})")
        link.settimeout(REPLY_SECONDS)
        reply = b""
        try:
            link.sendall(data)
            while not reply.endswith(b"\n") and (chunk := link.recv(4096)):
                reply += chunk
        except TimeoutError:
            return "error the running phone did not answer in time"
        except ConnectionError:  # it closed the connection unanswered (a refused peer, a crash), maybe mid-send
            pass
    return reply.decode(errors="replace").strip()


def _exchange_over_pipe(path: str, data: bytes) -> str:  # pragma: no cover - Windows only
    from desktop.services import windows_pipe

    try:
        with open(path, "r+b", buffering=0) as pipe:
            if not windows_pipe.served_by_this_user(windows_pipe.open_pipe_handle(pipe)):
                raise NotYours(f"{path} is served by another user's process")
            pipe.write(data)
            return pipe.readline().decode(errors="replace").strip()
    except OSError as exc:
        raise NotRunning(str(exc)) from None


def hand_over(names: list[str], argv: list[str]) -> bool:
    """Give a second start's ``argv`` (links) to the running instance (at the first of ``names`` that answers);
    False when none runs.

    Raises:
        NotYours: another user holds a name and none of the person's answers; nothing was handed over.
    """
    try:
        return exchange_first(names, {"argv": argv}) == "ok"
    except NotRunning:
        return False
