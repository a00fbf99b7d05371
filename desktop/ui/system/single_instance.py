"""One running instance per user and data directory: the ``QLocalServer`` later starts talk to.

A second start hands its arguments (links, ``--call``) over, and ``embeddable-desktop call|presence ...`` its
command, both without Qt (:mod:`desktop.services.instance_link`). A command is answered after the phone has
checked it (``ok`` or ``error <reason>``), so a script or hotkey learns that nothing rang. A socket left behind
by a crash is replaced when nobody answers on it.

Only the person reaches it: the socket is made in their private folder (or, on Windows, the pipe name is claimed
for them alone first), and a connection from another uid is dropped unread. When someone else holds the folder or
the name, the app says so in one line and runs without taking links or commands from other starts.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

from desktop.services import private_socket
from desktop.services.instance_link import pipe_path, server_name

log = logging.getLogger("desktop.instance")
MAX_MESSAGE = 64 * 1024
#: Runs a forwarded command (["call", "mute"]) and returns why it was refused, or None when it was done.
CommandHandler = Callable[[list[str]], str | None]


def _words(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValueError(f"{what} is not a list of strings")
    return value


class InstanceServer(QObject):
    """Listens for later starts; ``received`` carries each one's argv, commands go to ``run_command``."""

    received = Signal(list)

    def __init__(self, name: str, parent: QObject, run_command: CommandHandler | None = None,
                 *, owner_uid: int | None = None) -> None:
        super().__init__(parent)
        self._run_command = run_command
        # Who may talk to this instance: the person running it (a parameter so a test can be someone else).
        self._owner_uid = os.getuid() if owner_uid is None and hasattr(os, "getuid") else owner_uid
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        problem, claim = _claim(name)
        if problem is not None:
            log.warning("single instance unavailable: %s; this window takes no links or commands from other "
                        "starts", problem)
            return
        # A socket a crash left at the name (nobody answered on it, so this start runs) is replaced: with an
        # access option Qt binds in a new temporary folder beside it, sets the mode, and renames the socket
        # over the name. In the person's private folder, only they could have left it.
        if not self._server.listen(name):
            log.warning("single instance unavailable: %s", self._server.errorString())
        if claim is not None:  # pragma: no cover - Windows only: Qt's instances now keep the name
            from desktop.services import windows_pipe

            windows_pipe.release(claim)
        self._server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            # Each connection is freed once it is over (answered, or aborted: abort() emits disconnected too): a
            # hotkey sends a command per press, all day long.
            socket.disconnected.connect(socket.deleteLater)
            if not self._from_owner(socket):
                socket.abort()
                continue
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _from_owner(self, socket: QLocalSocket) -> bool:
        if self._owner_uid is None:  # Windows: the pipe's ACL admits only the person
            return True
        try:
            uid = private_socket.peer_uid_of(int(socket.socketDescriptor()))
        except OSError as exc:
            log.warning("dropped a connection whose user cannot be told (%s)", exc.strerror or exc)
            return False
        if uid != self._owner_uid:
            log.warning("dropped a connection from another user (uid %d)", uid)
            return False
        return True

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE:
                log.warning("dropped a message from another start: longer than %d bytes", MAX_MESSAGE)
                socket.abort()
            return
        line = bytes(socket.readLine().data())
        try:
            message = json.loads(line)
            if not isinstance(message, dict):
                raise ValueError("not an object")
            command = _words(message["command"], "command") if "command" in message else None
            argv = _words(message["argv"], "argv") if command is None else []
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignored a malformed message from another start: %s", exc)
            socket.abort()
            return
        if command is not None:
            reason = self._run_command(command) if self._run_command else "this instance takes no commands"
            log.info("command %s from another process: %s", " ".join(command[:2]), reason or "done")
            self._reply(socket, "ok" if reason is None else f"error {reason}")
            return
        self._reply(socket, "ok")
        log.info("a second start handed over %d argument(s)", len(argv))
        self.received.emit(argv)

    @staticmethod
    def _reply(socket: QLocalSocket, text: str) -> None:
        socket.write(text.encode() + b"\n")
        socket.flush()
        socket.disconnectFromServer()


def _claim(name: str) -> tuple[str | None, int | None]:
    """Make the name the person's before listening: why it cannot be (or None), and on Windows the handle of
    the first pipe instance, to close once Qt's own instances exist."""
    if sys.platform == "win32":  # pragma: no cover - Windows only (the Windows workflow runs it)
        from desktop.services import windows_pipe

        handle = windows_pipe.claim_name(pipe_path(name))
        if handle is None:
            return f"another user's process holds the pipe {pipe_path(name)}", None
        return None, handle
    try:
        private_socket.make_private_folder(Path(name).parent)
    except private_socket.NotPrivate as exc:
        return str(exc), None
    return None, None


def link_from_event(event: QEvent) -> str | None:
    """The ``tel:``/``callto:``/``sms:`` link of a macOS open-URL event (``QFileOpenEvent``), else None."""
    if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
        return None
    url = event.url().toString()
    return url if url.lower().startswith(("tel:", "callto:", "sms:")) else None


class LinkAwareApplication(QApplication):
    """The app's QApplication. macOS hands links to a running app as open-URL events sent to the application
    object, not as argv; they are passed on like a forwarded command line.

    An override of ``event()`` rather than an application-wide event filter: a Python filter would see every
    event of every object (and one crashed Qt WebEngine 6.12 here); this sees only the application's own.
    """

    link_opened = Signal(list)

    def event(self, event: QEvent) -> bool:
        link = link_from_event(event)
        if link is not None:
            log.info("link received from the OS (open-URL event)")
            self.link_opened.emit([link])
            return True
        return super().event(event)


def accept_links(app: QApplication, data_dir: Path, owner: QObject, handle: Callable[[list[str]], None],
                 run_command: CommandHandler | None = None) -> None:
    """Links from later starts (argv over the local socket) and from the OS (macOS open-URL events), and
    commands from ``embeddable-desktop call|presence``."""
    instance = InstanceServer(server_name(data_dir), owner, run_command)
    instance.received.connect(handle)
    if isinstance(app, LinkAwareApplication):
        app.link_opened.connect(handle)
