"""The running instance's side of the command socket, with Qt's real QLocalServer: who it listens for, where,
what it does with a socket a crash left, an oversized message, and the connections of a day of hotkeys."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalSocket

from desktop.services.instance_link import NotRunning, exchange
from desktop.ui.system.single_instance import MAX_MESSAGE, InstanceServer
from tests.support.requirements import require

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets; the pipe: test_windows_pipe.py")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "sockets"
    made.mkdir(mode=0o700)
    return made


@pytest.fixture
def owner(qapp) -> Iterator[QObject]:
    parent = QObject()
    yield parent
    parent.deleteLater()


class Commands:
    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def __call__(self, words: list[str]) -> str | None:
        self.seen.append(words)
        return None


def in_thread(qtbot, work: Callable[[], object]) -> object:
    """Run a blocking client call while Qt's loop serves it; return its result or raise its error."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=15_000)
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def live_sockets(server: InstanceServer) -> int:
    return len(server.findChildren(QLocalSocket))


def test_a_day_of_hotkeys_leaves_no_connection_behind(qtbot, owner: QObject, folder: Path) -> None:
    commands = Commands()
    server = InstanceServer(str(folder / "phone"), owner, commands)
    assert server.listening
    name = str(folder / "phone")
    for _ in range(200):
        assert in_thread(qtbot, lambda: exchange(name, {"command": ["call", "mute"]})) == "ok"
    assert len(commands.seen) == 200
    qtbot.waitUntil(lambda: live_sockets(server) == 0, timeout=10_000)


def test_a_message_over_the_limit_is_dropped_and_freed(qtbot, owner: QObject, folder: Path, caplog) -> None:
    commands = Commands()
    server = InstanceServer(str(folder / "phone"), owner, commands)

    def flood() -> bytes:
        with socket.socket(socket.AF_UNIX) as link:
            link.settimeout(10)
            link.connect(str(folder / "phone"))
            try:
                link.sendall(b"x" * (MAX_MESSAGE + 4096))  # no newline: it would never end
                return link.recv(100)  # b"": the phone closed it
            except ConnectionResetError:
                return b""

    with caplog.at_level(logging.WARNING, logger="desktop.instance"):
        assert in_thread(qtbot, flood) == b""
    assert f"longer than {MAX_MESSAGE} bytes" in caplog.text
    assert commands.seen == []
    qtbot.waitUntil(lambda: live_sockets(server) == 0, timeout=10_000)
    # The phone still takes the next command.
    assert in_thread(qtbot, lambda: exchange(str(folder / "phone"), {"command": ["call", "mute"]})) == "ok"


def test_a_socket_a_crash_left_is_taken_over(qtbot, owner: QObject, folder: Path) -> None:
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(folder / "phone"))  # bound and closed: the file stays, nobody listens
    stale.close()
    with pytest.raises(NotRunning):
        exchange(str(folder / "phone"), {"command": ["call", "mute"]})
    commands = Commands()
    server = InstanceServer(str(folder / "phone"), owner, commands)
    assert server.listening
    assert in_thread(qtbot, lambda: exchange(str(folder / "phone"), {"command": ["call", "hangup"]})) == "ok"
    assert commands.seen == [["call", "hangup"]]


def test_the_folder_is_made_private(qtbot, owner: QObject, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        server = InstanceServer(str(tmp_path / "new-folder" / "phone"), owner, Commands())
    finally:
        os.umask(old)
    assert server.listening
    assert (tmp_path / "new-folder").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "new-folder" / "phone").stat().st_mode & 0o077 == 0  # UserAccessOption


def test_a_folder_someone_else_holds_is_not_listened_in(qtbot, owner: QObject, folder: Path, caplog) -> None:
    require(os.getuid() == 0, "changing a folder's owner needs root (CI runs as root)")
    os.chown(folder, 4242, 4242)
    with caplog.at_level(logging.WARNING, logger="desktop.instance"):
        server = InstanceServer(str(folder / "phone"), owner, Commands())
    assert not server.listening
    assert not (folder / "phone").exists()
    assert (f"single instance unavailable: {folder} belongs to another user (uid 4242); this window takes no "
            "links or commands from other starts") in caplog.text


def test_a_connection_from_another_user_is_dropped_unread(qtbot, owner: QObject, folder: Path, caplog) -> None:
    """The server asks the kernel who connected: here the phone is 'uid 4242' and the test's process is not."""
    commands = Commands()
    server = InstanceServer(str(folder / "phone"), owner, commands, owner_uid=4242)
    with caplog.at_level(logging.WARNING, logger="desktop.instance"):
        reply = in_thread(qtbot, lambda: exchange(str(folder / "phone"), {"command": ["call", "answer"]}))
    assert reply == ""  # closed without an answer
    assert commands.seen == []
    assert f"dropped a connection from another user (uid {os.getuid()})" in caplog.text
    qtbot.waitUntil(lambda: live_sockets(server) == 0, timeout=10_000)
