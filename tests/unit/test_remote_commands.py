"""The words of ``embeddable-desktop call|presence`` and the Qt-free link to the running instance: what it
sends, what it makes of the reply, and a socket a crash left behind."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from desktop.core.remote_commands import parse_remote
from desktop.core.widget_commands import CallAction, ControlCall, Presence, SetPresence
from desktop.services import instance_link
from desktop.services.instance_link import NotRunning, exchange, hand_over


@pytest.mark.parametrize(("words", "command"), [
    (["call", "answer"], ControlCall(CallAction.ANSWER)), (["call", "decline"], ControlCall(CallAction.REJECT)),
    (["call", "resume"], ControlCall(CallAction.UNHOLD)), (["presence", "dnd"], SetPresence(Presence.DO_NOT_DISTURB)),
])
def test_words_to_commands(words: list[str], command: object) -> None:
    assert parse_remote(words) == command


@pytest.mark.parametrize(("words", "message"), [
    (["call", "explode"], "call 'explode': choose one of answer, decline, hangup, mute, unmute, hold, resume"),
    (["presence"], "expected 'call ACTION' or 'presence STATE', got 'presence'"),
    (["dial", "1"], "expected 'call ACTION' or 'presence STATE', got 'dial 1'"),
])
def test_bad_words_are_named(words: list[str], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_remote(words)


@pytest.fixture
def tmp_socket_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The person's private socket folder, as the app makes it below $XDG_RUNTIME_DIR."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    folder = runtime / "embeddable-desktop"
    folder.mkdir(mode=0o700)
    return folder


def serve_once(path: str, reply: bytes) -> tuple[threading.Thread, list[bytes]]:
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    received: list[bytes] = []

    def run() -> None:
        with server:
            connection, _ = server.accept()
            with connection:
                received.append(connection.makefile("rb").readline())
                connection.sendall(reply)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, received


def test_the_name_is_in_the_person_s_private_folder(tmp_socket_dir: Path) -> None:
    name = instance_link.server_name(Path("/data"))
    assert Path(name).parent == tmp_socket_dir
    assert name != instance_link.server_name(Path("/other-data"))


def test_a_command_and_its_reply(tmp_socket_dir: Path) -> None:
    thread, received = serve_once(str(tmp_socket_dir / "phone"), b"error no call is ringing\n")
    assert exchange(str(tmp_socket_dir / "phone"), {"command": ["call", "answer"]}) == "error no call is ringing"
    thread.join(5)
    assert json.loads(received[0]) == {"command": ["call", "answer"]}
    thread, received = serve_once(str(tmp_socket_dir / "phone2"), b"ok\n")
    assert hand_over([str(tmp_socket_dir / "phone2")], ["tel:+16505550100"]) is True
    thread.join(5)
    assert json.loads(received[0]) == {"argv": ["tel:+16505550100"]}


def test_no_instance_and_a_stale_socket(tmp_socket_dir: Path) -> None:
    with pytest.raises(NotRunning):
        exchange(str(tmp_socket_dir / "nobody"), {"command": ["call", "mute"]})
    with pytest.raises(NotRunning):  # no folder yet: the phone never ran this session
        exchange(str(tmp_socket_dir / "missing" / "phone"), {"command": ["call", "mute"]})
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(tmp_socket_dir / "crashed"))  # the file stays, nobody listens: as after a crash
    stale.close()
    assert (tmp_socket_dir / "crashed").exists()
    assert hand_over([str(tmp_socket_dir / "crashed")], ["tel:1"]) is False  # this start becomes the instance


def test_the_command_process_never_loads_qt(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = ("import sys\nsys.argv = ['embeddable-desktop', 'call', 'mute', '--data-dir', sys.argv[1]]\n"
              "from desktop.__main__ import main\ncode = main()\n"
              "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'httpx')))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "1 []", done.stdout + done.stderr  # 1: no phone runs there; no Qt, no httpx
