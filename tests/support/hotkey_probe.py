"""A GlobalHotkeys on a real X display, in a process of its own (tests/integration/test_global_hotkeys.py).

``python hotkey_probe.py [--seconds N] ACTION=HOTKEY ...`` starts a QGuiApplication on Qt's xcb platform
(``$DISPLAY``), grabs the hotkeys and prints, one line each: ``problem <message>`` for a hotkey it could not
grab, ``ready``, then ``triggered <action>`` for every press, and ``closed`` once the hotkeys are given back.
It stops when stdin closes or after N seconds. A process of its own because the test process already has its
one QApplication, on the offscreen platform.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from any directory

from PySide6.QtCore import QSocketNotifier, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

from desktop.core.hotkeys import parse_hotkey  # noqa: E402
from desktop.ui.system.global_hotkeys import GlobalHotkeys  # noqa: E402


def say(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("hotkeys", nargs="+", metavar="ACTION=HOTKEY")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    app = QGuiApplication(["hotkey-probe"])
    hotkeys = GlobalHotkeys({action: parse_hotkey(text) for action, text in
                             (pair.split("=", 1) for pair in args.hotkeys)})
    hotkeys.triggered.connect(lambda action: say(f"triggered {action}"))
    for problem in hotkeys.problems:
        say(f"problem {problem}")
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def stdin_readable() -> None:
        if not os.read(sys.stdin.fileno(), 1024):  # closed: the test is done with us
            app.quit()

    stdin.activated.connect(stdin_readable)
    QTimer.singleShot(int(args.seconds * 1000), app.quit)
    say("ready")
    app.exec()
    hotkeys.close()
    say("closed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
