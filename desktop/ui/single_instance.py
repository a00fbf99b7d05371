"""One running instance per user and data directory (``QLocalServer``/``QLocalSocket``).

A second start hands its arguments (links, ``--call``) to the running instance and exits, before Qt
WebEngine is touched. A socket left behind by a crash is removed when nobody answers on it.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication

from desktop import APP_ID

log = logging.getLogger("desktop.instance")
CONNECT_MS = 300
MAX_MESSAGE = 64 * 1024


def server_name(data_dir: Path) -> str:
    """Per user and data directory, so two profiles (or two users) never talk to each other."""
    digest = hashlib.sha256(f"{getpass.getuser()}\0{data_dir}".encode()).hexdigest()[:16]
    return f"{APP_ID}-{digest}"


def forward_to_running(name: str, argv: list[str]) -> bool:
    """Give ``argv`` to a running instance; False when there is none (then this one becomes it)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps({"argv": argv}).encode() + b"\n")
    socket.waitForBytesWritten(CONNECT_MS)
    answered = socket.waitForReadyRead(2000) and bytes(socket.readAll().data()).startswith(b"ok")
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for later starts; ``received`` carries each one's argv."""

    received = Signal(list)

    def __init__(self, name: str, parent: QObject) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            # Nobody answered on it (forward_to_running failed), so it is a leftover of a crash.
            QLocalServer.removeServer(name)
            if not self._server.listen(name):
                log.warning("single instance unavailable: %s", self._server.errorString())
        self._server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_MESSAGE:
                socket.abort()
            return
        line = bytes(socket.readLine().data())
        try:
            argv = json.loads(line)["argv"]
            if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
                raise ValueError("argv is not a list of strings")
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignored a malformed message from another start: %s", exc)
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
        log.info("a second start handed over %d argument(s)", len(argv))
        self.received.emit(argv)


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


def accept_links(app: QApplication, data_dir: Path, owner: QObject, handle: Callable[[list[str]], None]) -> None:
    """Links from later starts (argv over the local socket) and from the OS (macOS open-URL events)."""
    instance = InstanceServer(server_name(data_dir), owner)
    instance.received.connect(handle)
    if isinstance(app, LinkAwareApplication):
        app.link_opened.connect(handle)
