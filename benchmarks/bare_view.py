"""Baseline for the start-up benchmark: a bare QWebEngineView loading a URL, nothing else.

Prints ``LOADED`` on stderr when the page has loaded (and ``READY`` when its title becomes "ready", as the
widget-sized page does once its login event has been delivered), then keeps running until terminated. With
``--hide`` the view is hidden once ready; with ``--profile DIR`` the page is in a persistent profile stored in DIR
(with a disk cache, as the app's is), instead of Qt's default profile, which keeps nothing on disk.
"""

import sys

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfileBuilder
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication


def main() -> int:
    app = QApplication(sys.argv[:1])
    view = QWebEngineView()
    if "--profile" in sys.argv:
        storage = sys.argv[sys.argv.index("--profile") + 1]
        builder = QWebEngineProfileBuilder()
        builder.setPersistentStoragePath(f"{storage}/storage")
        builder.setCachePath(f"{storage}/cache")
        view.setPage(QWebEnginePage(builder.createProfile("bare", app), view))
    view.loadFinished.connect(lambda ok: print("LOADED" if ok else "FAILED", file=sys.stderr, flush=True))
    hide = "--hide" in sys.argv  # hidden once ready, as the app sits in the tray

    def ready(title: str) -> None:
        if title == "ready":
            print("READY", file=sys.stderr, flush=True)
            if hide:
                view.hide()

    view.titleChanged.connect(ready)
    view.load(QUrl(sys.argv[1]))
    view.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
