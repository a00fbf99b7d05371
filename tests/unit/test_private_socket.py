"""The command socket's folder and its checks: only the person's own private folder, socket and process count.

Each test here stands for one way another user on the machine could take the phone's commands over: a folder they
made first, one open to everybody, a socket or a listener of theirs, a name that follows ``$USER``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import sys
import threading
from pathlib import Path

import pytest

from desktop.services import instance_link, private_socket
from desktop.services.instance_link import NotYours, exchange, hand_over
from desktop.services.private_socket import NotPrivate
from tests.support.requirements import require

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets; the pipe: test_windows_pipe.py")

OTHER_UID = 4242


@pytest.fixture(autouse=True)
def no_logind_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own /run/user/<uid>, if it has one, takes no part unless a test names a stand-in."""
    monkeypatch.setattr(private_socket, "LOGIND_RUNTIME", str(tmp_path / "no-logind-{uid}"))


def other_uid_possible() -> None:
    require(os.getuid() == 0, "changing a file's owner needs root (CI runs as root)")


def private(path: Path) -> Path:
    path.mkdir(mode=0o700)
    return path


class Listener:
    """A Unix socket server in a thread that records what each connection sent (nothing: b"")."""

    def __init__(self, path: Path) -> None:
        self.received: list[bytes] = []
        self._server = socket.socket(socket.AF_UNIX)
        self._server.bind(str(path))
        self._server.listen(1)
        self._server.settimeout(10)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._server:
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                return
            with connection:
                connection.settimeout(10)
                self.received.append(connection.makefile("rb").readline())
                with contextlib.suppress(OSError):  # the client may leave without waiting for an answer
                    connection.sendall(b"ok\n")

    def close(self) -> list[bytes]:
        # End a still waiting accept(); that connection records b"".
        with socket.socket(socket.AF_UNIX) as poke, contextlib.suppress(OSError):
            poke.connect(self._server.getsockname())
        self._thread.join(10)
        return self.received


def test_the_session_s_runtime_folder_is_used_when_it_is_private(tmp_path: Path) -> None:
    runtime = private(tmp_path / "run")
    env = {"XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(tmp_path)}
    assert private_socket.socket_folders(env)[0] == runtime / "embeddable-desktop"


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o711, 0o701])
def test_a_runtime_folder_others_can_enter_is_not_used(tmp_path: Path, mode: int) -> None:
    runtime = private(tmp_path / "run")
    runtime.chmod(mode)
    env = {"XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(tmp_path)}
    assert private_socket.socket_folders(env, uid=os.getuid())[0] == tmp_path / f"embeddable-desktop-{os.getuid()}"


def test_another_user_s_runtime_folder_is_not_used(tmp_path: Path) -> None:
    other_uid_possible()
    runtime = private(tmp_path / "run")
    os.chown(runtime, OTHER_UID, OTHER_UID)  # e.g. after su, XDG_RUNTIME_DIR still names the first user's
    env = {"XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(tmp_path)}
    assert private_socket.socket_folders(env)[0].parent == tmp_path


def test_the_fallback_folder_is_per_user_and_the_user_is_the_uid(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"TMPDIR": str(tmp_path)}
    assert private_socket.socket_folders(env, uid=1000) != private_socket.socket_folders(env, uid=1001)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    name = instance_link.server_name(Path("/data"))
    assert Path(name).parent == tmp_path / f"embeddable-desktop-{os.getuid()}"
    # $USER and $LOGNAME are anyone's to set: they change nothing.
    monkeypatch.setenv("USER", "somebody-else")
    monkeypatch.setenv("LOGNAME", "somebody-else")
    assert instance_link.server_name(Path("/data")) == name
    # The uid does: two people with the same data folder path get two names.
    monkeypatch.setattr(os, "getuid", lambda: 1001)
    assert instance_link.server_name(Path("/data")) != name


@pytest.mark.parametrize(("make", "why"), [
    (lambda p: None, "does not exist"),
    (lambda p: p.write_text(""), "is not a folder"),
    (lambda p: p.symlink_to(private(p.with_name("real"))), "is not a folder (it is a link)"),
    (lambda p: private(p).chmod(0o755), "is open to other users (mode 755)"),
    (lambda p: private(p).chmod(0o1777), "is open to other users (mode 1777)"),
    (lambda p: private(p).chmod(0o720), "is open to other users (mode 720)"),
])
def test_what_makes_a_folder_not_private(tmp_path: Path, make, why: str) -> None:
    folder = tmp_path / "sockets"
    make(folder)
    assert private_socket.folder_problem(folder, os.getuid()) == f"{folder} {why}"
    assert private_socket.folder_problem(private(tmp_path / "mine"), os.getuid()) is None


def test_a_folder_is_made_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        private_socket.make_private_folder(tmp_path / "sockets")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "sockets").stat().st_mode) == 0o700


def test_someone_else_s_folder_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    other_uid_possible()
    squatted = private(tmp_path / "sockets")
    squatted.chmod(0o777)
    os.chown(squatted, OTHER_UID, OTHER_UID)
    with pytest.raises(NotPrivate, match=f"^{squatted} belongs to another user \\(uid {OTHER_UID}\\)$"):
        private_socket.make_private_folder(squatted)
    assert stat.S_IMODE(squatted.stat().st_mode) == 0o777 and squatted.stat().st_uid == OTHER_UID


def test_an_open_folder_of_the_person_s_is_refused_too(tmp_path: Path) -> None:
    opened = private(tmp_path / "sockets")
    opened.chmod(0o755)
    with pytest.raises(NotPrivate, match="is open to other users"):
        private_socket.make_private_folder(opened)


def test_nothing_is_sent_into_a_folder_someone_else_holds(tmp_path: Path) -> None:
    other_uid_possible()
    folder = private(tmp_path / "sockets")
    listener = Listener(folder / "phone")
    os.chown(folder / "phone", OTHER_UID, OTHER_UID)
    os.chown(folder, OTHER_UID, OTHER_UID)
    with pytest.raises(NotYours, match="belongs to another user"):
        exchange(str(folder / "phone"), {"command": ["call", "answer"]})
    with pytest.raises(NotYours):
        hand_over([str(folder / "phone")], ["tel:+16505550100"])
    assert listener.close() == [b""]  # only the poke that ended it: no command, no link


def test_nothing_is_sent_through_an_open_folder(tmp_path: Path) -> None:
    folder = private(tmp_path / "sockets")
    listener = Listener(folder / "phone")
    folder.chmod(0o777)  # anybody could have put that socket there
    with pytest.raises(NotYours, match="is open to other users"):
        exchange(str(folder / "phone"), {"command": ["call", "answer"]})
    assert listener.close() == [b""]


def test_nothing_is_sent_to_another_user_s_socket_or_a_file(tmp_path: Path) -> None:
    other_uid_possible()
    folder = private(tmp_path / "sockets")
    listener = Listener(folder / "phone")
    os.chown(folder / "phone", OTHER_UID, OTHER_UID)
    with pytest.raises(NotYours, match=f"phone belongs to another user \\(uid {OTHER_UID}\\)"):
        exchange(str(folder / "phone"), {"command": ["call", "answer"]})
    assert listener.close() == [b""]
    (folder / "plain").write_text("")
    with pytest.raises(NotYours, match="plain is not a socket"):
        exchange(str(folder / "plain"), {"command": ["call", "answer"]})


def test_the_kernel_s_word_on_who_listens_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folder and socket file look like the person's (uid 4242 here), but the process listening is another
    user's (this test's own uid): SO_PEERCRED tells, and nothing is sent."""
    other_uid_possible()
    folder = private(tmp_path / "sockets")
    listener = Listener(folder / "phone")
    os.chown(folder / "phone", OTHER_UID, OTHER_UID)
    os.chown(folder, OTHER_UID, OTHER_UID)
    monkeypatch.setattr(os, "getuid", lambda: OTHER_UID)
    with pytest.raises(NotYours, match=f"phone is served by another user \\(uid {os.geteuid()}\\)"):
        exchange(str(folder / "phone"), {"command": ["call", "answer"]})
    assert listener.close() == [b""]


def test_peer_uid_is_the_kernel_s(tmp_path: Path) -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert private_socket.peer_uid(left) == os.getuid()
        assert private_socket.peer_uid_of(right.fileno()) == os.getuid()
        right.sendall(b"x")  # the descriptor is still open and usable after peer_uid_of
        assert left.recv(1) == b"x"


def test_a_command_finds_the_phone_whichever_runtime_folder_its_process_knows(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A phone started in the session listens below $XDG_RUNTIME_DIR; a hotkey daemon or cron job without the
    variable finds it below logind's /run/user/<uid> (here a stand-in folder). And a phone that listens in the
    temporary folder is found by a client whose runtime folder is private."""
    logind = private(tmp_path / "run-user")
    monkeypatch.setattr(private_socket, "LOGIND_RUNTIME", str(logind))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(logind))
    in_session = Path(instance_link.server_name(Path("/data")))
    assert in_session.parent == logind / "embeddable-desktop"
    in_session.parent.mkdir(mode=0o700)
    listener = Listener(in_session)
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    names = instance_link.server_names(Path("/data"))
    assert instance_link.exchange_first(names, {"command": ["call", "mute"]}) == "ok"
    assert listener.close() == [b'{"command": ["call", "mute"]}\n']

    fallback = Path(instance_link.server_names(Path("/other"))[-1])
    assert fallback.parent == tmp_path / f"embeddable-desktop-{os.getuid()}"
    fallback.parent.mkdir(mode=0o700)
    listener = Listener(fallback)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(logind))
    assert instance_link.hand_over(instance_link.server_names(Path("/other")), ["tel:+16505550100"]) is True
    assert listener.close() == [b'{"argv": ["tel:+16505550100"]}\n']


def test_a_squatted_folder_does_not_hide_the_person_s_running_phone(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user holds the temporary-folder name, the phone listens in the runtime folder: the command reaches
    the phone; with no phone running, the squatted name is reported rather than 'not running'."""
    other_uid_possible()
    runtime = private(tmp_path / "run")
    monkeypatch.setattr(private_socket, "LOGIND_RUNTIME", str(tmp_path / "no-logind"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    names = instance_link.server_names(Path("/data"))
    squatted = Path(names[-1])
    squatted.parent.mkdir(mode=0o777)
    squatter = Listener(squatted)
    os.chown(squatted, OTHER_UID, OTHER_UID)
    os.chown(squatted.parent, OTHER_UID, OTHER_UID)
    with pytest.raises(NotYours):
        instance_link.exchange_first(names, {"command": ["call", "mute"]})
    Path(names[0]).parent.mkdir(mode=0o700)
    phone = Listener(Path(names[0]))
    assert instance_link.exchange_first(names, {"command": ["call", "mute"]}) == "ok"
    assert phone.close() == [b'{"command": ["call", "mute"]}\n']
    assert squatter.close() == [b""]
