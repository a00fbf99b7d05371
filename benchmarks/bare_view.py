"""Baseline for the start-up benchmark: a bare QWebEngineView loading a URL, nothing else.

Prints ``LOADED`` on stderr when the page has loaded (and ``READY`` when its title becomes "ready", as the
widget-sized page does once it has posted its login and dialer events), then keeps running until terminated.
"""

import sys

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication


def main() -> int:
    app = QApplication(sys.argv[:1])
    view = QWebEngineView()
    view.loadFinished.connect(lambda ok: print("LOADED" if ok else "FAILED", file=sys.stderr, flush=True))
    view.titleChanged.connect(lambda title: title == "ready" and print("READY", file=sys.stderr, flush=True))
    view.load(QUrl(sys.argv[1]))
    view.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
