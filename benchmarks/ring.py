"""Ring benchmark: from the widget posting ``rc-call-ring-notify`` to the desktop's notification service
confirming the notification, against a baseline of the same page posting a message the bridge only delivers.

Runs in one process with the real window, the stand-in platform and widget, signed in, and a private D-Bus
session bus with the stand-in notification server (tests/support). Each round the page stamps the moment
it posts (epoch ms); Python stamps when ``Notify`` has answered (ring) or when the bridge delivers the
message (baseline). The difference is what the launcher adds to a ring: call state, title, tray and the
D-Bus round trip. A first ring (connecting to the bus) is not counted. Prints medians and the ratio.

    .venv/bin/python benchmarks/ring.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SCRIPTED_BROWSER_MODE", "follow")

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import tests.conftest  # noqa: E402, F401 - offscreen platform, Chromium flags, no session bus
from benchmarks.stand_ins import app_on_stand_ins, report  # noqa: E402
from desktop.core.widget_commands import CallAction  # noqa: E402
from tests.integration.harness import AppUnderTest, wait_until  # noqa: E402
from tests.support.notification_server import FakeNotificationServer, PrivateBus  # noqa: E402

POSTED = "performance.timeOrigin + performance.now()"


def stamp_arrivals(app: AppUnderTest) -> dict[str, float]:
    """When (epoch ms) each kind of message reached Python, and when the last notification went out."""
    window = app.window
    arrived: dict[str, float] = {}
    window.bridge.message_received.connect(lambda m: arrived.__setitem__(m["type"], time.time() * 1000))
    record = window.notifier._record

    def stamped(backend: str, note: object) -> None:
        record(backend, note)  # type: ignore[arg-type]
        arrived["notification"] = time.time() * 1000

    window.notifier._record = stamped  # type: ignore[method-assign]
    return arrived


async def measure(app: AppUnderTest, rounds: int, rings: list[float], baselines: list[float]) -> None:
    window, arrived = app.window, stamp_arrivals(app)
    app.start()
    await app.wait_loaded()
    await app.click("#sign-in")
    await wait_until(app.signed_in, 20)
    await wait_until(lambda: app.events("rc-dialer-status-notify")[-1:] == [
        {"type": "rc-dialer-status-notify", "ready": True}], 20)
    for n in range(rounds + 1):  # round 0 connects to the bus: not counted
        arrived.clear()
        ring = f"__fakeWidgetTest.incomingCall('+1650555{n:04d}', 'Caller {n}')"
        posted = await app.js(f"(() => {{ const t = {POSTED}; {ring}; return t; }})()")
        await wait_until(lambda: "notification" in arrived)
        assert window.notifier.delivered[-1][0] == "dbus", window.notifier.delivered[-1]
        if n:
            rings.append(arrived["notification"] - posted)
        # A bare hangup acts on the active call only (protocol notes); the ringing one is declined.
        assert window.phone.control(CallAction.REJECT) is None
        await wait_until(lambda: not window.calls.book)
        route = "window.postMessage({type: 'rc-route-changed-notify', path: '/dialer'}, '*')"
        posted = await app.js(f"(() => {{ const t = {POSTED}; {route}; return t; }})()")
        await wait_until(lambda: "rc-route-changed-notify" in arrived)
        if n:
            baselines.append(arrived["rc-route-changed-notify"] - posted)
    await app.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    qapp = QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)  # closing the window at the end must not stop the loop early
    # The app's own loop (qasync over Qt's), run once as the app runs it; the tests' QtLoop polls every 10 ms.
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    rings: list[float] = []
    baselines: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        bus = PrivateBus(Path(tmp))
        server = FakeNotificationServer(bus.address)
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        try:
            with app_on_stand_ins(qapp, Path(tmp)) as (app, _), loop:
                loop.run_until_complete(asyncio.wait_for(measure(app, args.rounds, rings, baselines),
                                                         60 + 5 * args.rounds))
        finally:
            server.stop()
            bus.stop()
    report("ring posted -> Notify answered", rings, "page post -> bridge", baselines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
