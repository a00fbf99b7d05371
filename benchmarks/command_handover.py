"""Hand-over benchmark: a second process giving the running phone a command, process start to exit.

The running app (offscreen, the stand-in platform, signed in) is started once. Then, alternating, each way
is started as a subprocess and timed from its start to its exit:

* new: ``embeddable-desktop presence available`` (plain local socket, no Qt imported);
* old: the way before this change, a Python process that imports PySide6 and hands a line over with
  ``QLocalSocket`` (what a second start did), to the same running instance;
* and a whole second start with a ``tel:`` link (it reads the settings first, then hands over the new way).

Prints the medians and the new/old ratio. Target: new median under 100 ms.

    .venv/bin/python benchmarks/command_handover.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.test_app_process import Running, signing_in  # noqa: E402
from tests.fakes.platform import FakeClient, FakePlatform  # noqa: E402
from tests.fakes.tls import make_server_tls  # noqa: E402
from tests.integration.conftest import CLIENT_ID, free_port  # noqa: E402

OLD_WAY = """
import json, sys
from PySide6.QtNetwork import QLocalSocket
from desktop.services.instance_link import server_name
from pathlib import Path
socket = QLocalSocket()
socket.connectToServer(server_name(Path(sys.argv[1])))
assert socket.waitForConnected(300)
socket.write(json.dumps({"command": ["presence", "available"]}).encode() + b"\\n")
socket.waitForBytesWritten(300)
socket.waitForReadyRead(2000)
sys.exit(0 if bytes(socket.readAll().data()).startswith(b"ok") else 1)
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {done.stderr}")
    return elapsed * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    program = Path(sys.executable).with_name("embeddable-desktop")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        context, ca = make_server_tls(tmp / "tls")
        port = free_port()
        platform = FakePlatform(context, {})
        platform.start()
        platform.register_client(CLIENT_ID, FakeClient(redirect_uris=[f"http://127.0.0.1:{port}/oauth/callback"]))
        os.environ["SCRIPTED_BROWSER_MODE"] = "follow"
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the running app needs no screen here
        argv, env, log_file = signing_in((platform, ca, port), tmp)
        data = argv[argv.index("--data-dir") + 1]
        app = Running(program, argv, env, log_file)
        try:
            app.wait_for("widget login status: signed in")
            new, old, link = [], [], []
            for _ in range(args.runs):
                new.append(timed([str(program), "presence", "available", "--data-dir", data], env))
                old.append(timed([sys.executable, "-c", OLD_WAY, data], env))
                # A second start with a link (settings read, then the same plain hand-over).
                link.append(timed([str(program), *argv, "tel:+16505550188"], env))
        finally:
            app.terminate()
            platform.stop()
    new_median, old_median = statistics.median(new), statistics.median(old)
    print(f"runs: {args.runs} each, alternating, against one running app")
    print(f"new (plain socket, no Qt): median {new_median:.0f} ms (min {min(new):.0f}, max {max(new):.0f})")
    print(f"old (PySide6 QLocalSocket): median {old_median:.0f} ms (min {min(old):.0f}, max {max(old):.0f})")
    print(f"a second start handing over a tel: link: median {statistics.median(link):.0f} ms")
    print(f"ratio new/old: {new_median / old_median:.2f}x; target new < 100 ms: "
          f"{'met' if new_median < 100 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
