"""Another person on the same machine squats the phone's command socket first: the phone user's links and
``call`` commands must never reach them, and the phone runs anyway.

The attack this replays: the socket's place was predictable (``/tmp/embeddable-desktop-<hash>``) and nobody
checked who listened there, so a second user who bound it first read every ``tel:`` link and answered ``ok`` to
``call answer``. Here the second user makes the folder the app would fall back to (no ``$XDG_RUNTIME_DIR``, a
shared, world-writable temporary folder) and listens in it on the exact name.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from desktop.services import instance_link
from tests.e2e.test_app_process import Running, setup, signing_in
from tests.support.other_user import other_user
from tests.support.requirements import require

pytestmark = pytest.mark.e2e
__all__ = ["setup"]

#: Listens on the given socket and records every byte any connection sends, answering "ok" as a hijacker would.
SQUATTER = """
import os, socket, sys
path, record = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(path), mode=0o777, exist_ok=True)
os.chmod(os.path.dirname(path), 0o777)
server = socket.socket(socket.AF_UNIX)
server.bind(path)
os.chmod(path, 0o777)
server.listen(16)
open(record, "ab").close()
while True:
    connection, _ = server.accept()
    data = connection.recv(65536)
    with open(record, "ab") as out:
        out.write(b"connection: " + data + b"\\n")
    connection.sendall(b"ok\\n")
    connection.close()
"""


def test_a_squatted_socket_gets_nothing_and_the_phone_runs_anyway(app_program: Path, setup, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    require(Path("/usr/bin/python3").exists(), "the system's python3 (for the other user's listener)")
    # With a logind runtime folder the phone would listen there, out of the squatter's reach: the fallback in the
    # shared temporary folder, where the attack happens, is what this replays (CI has no login session).
    require(not Path(f"/run/user/{os.getuid()}").exists(), "no logind runtime folder for this user")
    argv, env, log_file = signing_in(setup, tmp_path)
    data = Path(argv[argv.index("--data-dir") + 1])
    shared = Path(tempfile.mkdtemp(prefix="ed-shared-tmp-", dir="/tmp"))  # noqa: S108 - a shared /tmp, on purpose
    shared.chmod(0o1777)
    env = {k: v for k, v in env.items() if k != "XDG_RUNTIME_DIR"} | {"TMPDIR": str(shared)}
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(shared))
    name = instance_link.server_name(data)
    assert Path(name).parent == shared / f"embeddable-desktop-{os.getuid()}"
    with other_user("ed-squatter") as squatter:
        record = shared / "squatter-record"
        listener = subprocess.Popen(squatter.command(["/usr/bin/python3", "-c", SQUATTER, name, str(record)]))
        try:
            deadline = time.monotonic() + 20
            while not (Path(name).exists() and record.exists()) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert Path(name).exists(), "the squatter did not start listening"

            # A link: not handed to the squatter; this start becomes the phone itself.
            app = Running(app_program, [*argv, "tel:+15551234567"], env, log_file)
            try:
                app.wait_for("widget login status: signed in", timeout=90)
                log = app.log()
                assert (f"not handing over to the running instance: {shared}/embeddable-desktop-{os.getuid()} "
                        f"belongs to another user (uid {squatter.uid}); starting here") in log
                assert "single instance unavailable:" in log and f"(uid {squatter.uid})" in log
                app.wait_for("sending a call request to the widget")  # the link is dialled here, not there

                # A command: refused with one line, not reported as done.
                done = subprocess.run([str(app_program), "call", "answer", "--data-dir", str(data)], env=env,
                                      capture_output=True, text=True, timeout=60)
                assert done.returncode == 1
                assert done.stderr.startswith("embeddable-desktop: error: not sent: ")
                assert f"belongs to another user (uid {squatter.uid})" in done.stderr
                assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
                assert app.terminate() == 0
            finally:
                if app.proc.poll() is None:
                    app.proc.kill()
            assert record.read_bytes() == b"", "the other user received something"
        finally:
            listener.kill()
            listener.wait(10)
            subprocess.run(["rm", "-rf", str(shared)], check=False, timeout=60)
