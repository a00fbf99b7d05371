"""Ring benchmark: from the widget posting ``rc-call-ring-notify`` to the desktop notification being handed
to the system, against a baseline of the same page posting a message that the bridge only delivers.

Runs in one process with the real window, the stand-in platform and widget, signed in. Each round the page
stamps the moment it posts (epoch ms); Python stamps when the notification goes out (ring) or when the
bridge delivers the message (baseline). The difference is what the launcher adds to a ring: call state,
title, tray, notification. Prints medians and the ratio.

    .venv/bin/python benchmarks/ring.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SCRIPTED_BROWSER_MODE", "follow")

from PySide6.QtWidgets import QApplication  # noqa: E402

import tests.conftest  # noqa: E402, F401 - offscreen platform, Chromium flags, no session bus
from tests.fakes.platform import FakeClient, FakePlatform  # noqa: E402
from tests.fakes.tls import make_server_tls  # noqa: E402
from tests.integration.conftest import CLIENT_ID, QtLoop, app_argv, free_port  # noqa: E402
from tests.integration.harness import AppUnderTest, wait_until  # noqa: E402

POSTED = "performance.timeOrigin + performance.now()"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    qapp = QApplication(sys.argv[:1])
    loop = QtLoop(qapp)
    rings: list[float] = []
    baselines: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        context, ca = make_server_tls(Path(tmp) / "tls")
        os.environ["SCRIPTED_BROWSER_CA"] = str(ca)
        os.environ["SCRIPTED_BROWSER_LOG"] = str(Path(tmp) / "browser.jsonl")
        port = free_port()
        with FakePlatform(context, {}) as platform:
            platform.register_client(CLIENT_ID, FakeClient(redirect_uris=[f"http://127.0.0.1:{port}/oauth/callback"]))
            app = AppUnderTest(qapp, app_argv(platform, port), Path(tmp) / "data", ca)
            window = app.window
            arrived: dict[str, float] = {}
            window.bridge.message_received.connect(
                lambda m: arrived.__setitem__(m["type"], time.time() * 1000))
            record = window.notifier._record

            def stamped(backend: str, note: object) -> None:
                record(backend, note)  # type: ignore[arg-type]
                arrived["notification"] = time.time() * 1000

            window.notifier._record = stamped  # type: ignore[method-assign]

            async def rounds() -> None:
                app.start()
                await app.wait_loaded()
                await app.click("#sign-in")
                await wait_until(app.signed_in, 20)
                await wait_until(lambda: app.events("rc-dialer-status-notify")[-1:] == [
                    {"type": "rc-dialer-status-notify", "ready": True}], 20)
                for n in range(args.rounds):
                    arrived.clear()
                    ring = f"__fakeWidgetTest.incomingCall('+1650555{n:04d}', 'Caller {n}')"
                    posted = await app.js(f"(() => {{ const t = {POSTED}; {ring}; return t; }})()")
                    await wait_until(lambda: "notification" in arrived)
                    rings.append(arrived["notification"] - posted)
                    window.bridge.post({"type": "rc-adapter-control-call", "callAction": "hangup"})
                    await wait_until(lambda: not window.calls.book)
                    posted = await app.js(f"(() => {{ const t = {POSTED}; "
                                          "window.postMessage({type: 'rc-route-changed-notify', path: '/dialer'}, '*');"
                                          " return t; })()")
                    await wait_until(lambda: "rc-route-changed-notify" in arrived)
                    baselines.append(arrived["rc-route-changed-notify"] - posted)
                await app.close()

            loop.run_until_complete(rounds(), timeout=60 + 5 * args.rounds)
    ring, base = statistics.median(rings), statistics.median(baselines)
    print(f"ring posted -> notification sent     median {ring:6.2f} ms   max {max(rings):6.2f} ms  "
          f"({args.rounds} rounds)")
    print(f"baseline: page post -> bridge       median {base:6.2f} ms   max {max(baselines):6.2f} ms")
    print(f"ratio {ring / base:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
