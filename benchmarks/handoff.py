"""Hand-off benchmark: from the browser's request to the loopback listener to the widget holding the
callback, against a baseline of Python posting a message straight into the same page.

Runs in one process with the real window, the stand-in platform and widget (as the integration tests
do). Each round: Sign In, the authorize redirect, then the timed GET of the callback; the widget stamps
the moment its message listener gets the callback. Baseline: the same page, the bridge posting a
command directly (no HTTP, no listener). Prints medians and the ratio.

    .venv/bin/python benchmarks/handoff.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import socket
import ssl
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SCRIPTED_BROWSER_MODE", "record")

import httpx  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import tests.conftest  # noqa: E402, F401 - offscreen platform and Chromium flags
from benchmarks.stand_ins import app_on_stand_ins, report  # noqa: E402
from tests.integration.conftest import QtLoop  # noqa: E402
from tests.integration.harness import AppUnderTest, in_thread, wait_until  # noqa: E402


def visit(url: str) -> float:
    """GET ``url`` over a plain socket (what a browser does); returns when the request was sent (epoch ms)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        sent = time.time() * 1000
        conn.sendall(f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        while conn.recv(65536):
            pass
    return sent


async def measure(app: AppUnderTest, ca: Path, rounds: int, handoffs: list[float],
                  baselines: list[float]) -> None:
    async def stamp(kind: str) -> float:
        return float((await app.widget_state())["arrivedAt"].get(kind, 0))

    app.start()
    await app.wait_loaded()
    for _ in range(rounds):
        count = len(app.events("rc-login-popup-notify"))
        await app.click("#sign-in")
        await wait_until(lambda c=count: len(app.events("rc-login-popup-notify")) > c)
        await wait_until(app.window.login_pending)
        uri = app.events("rc-login-popup-notify")[-1]["oAuthUri"]
        with httpx.Client(verify=ssl.create_default_context(cafile=str(ca))) as client:
            location = (await in_thread(client.get, uri)).headers["location"]
        sent = await in_thread(visit, location)
        await wait_until(lambda: not app.window.login_pending())
        await wait_until(app.signed_in, 20)
        handoffs.append(await stamp("callbackUri") - sent)
        sent = time.time() * 1000
        app.window.bridge.post({"type": "rc-adapter-new-sms", "phoneNumber": "+15550100"})
        for _ in range(200):
            got = await stamp("rc-adapter-new-sms")
            if got >= sent:
                break
        baselines.append(got - sent)
        app.window.bridge.post({"type": "rc-adapter-logout"})
        await wait_until(lambda: not app.signed_in(), 20)
    await app.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    qapp = QApplication(sys.argv[:1])
    loop = QtLoop(qapp)
    handoffs: list[float] = []
    baselines: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, app_on_stand_ins(qapp, Path(tmp)) as (app, ca):
        loop.run_until_complete(measure(app, ca, args.rounds, handoffs, baselines), timeout=60 + 20 * args.rounds)
    report("callback request -> widget listener", handoffs, "bridge post -> listener", baselines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
