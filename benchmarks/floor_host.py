"""The bare host with pieces of the app's start-up added one by one, for ``chromium_floor.py --build-up``.

Run with the app's Chromium tuning in its environment (``chromium_floor.tuned``), it starts like ``bare_view.py
--profile``: a persistent profile in a new folder below ``--data DIR``, one ``QWebEngineView``, the page loaded.
Each option adds one piece of the app, in the place the app has it:
- ``--settings``: the app's settings read (policy, files, variables, command line) and its logging set up, before
  Qt is imported, as the app's first steps;
- ``--bridge``: the app's page bridge on the page (its modules, its script and web channel); "signed in" is then
  the login event arriving in Python over the bridge, as the app counts it;
- ``--app-profile``: the profile made by the app's own ``create_profile``;
- ``--page-and-window``: the app's ``WidgetPage`` (its permission, popup and navigation policy), in a
  ``QMainWindow`` of the app's default size;
- ``--window-modules``: every module the app's window imports (``desktop.ui.controller`` and what it needs).
Prints ``READY`` on stderr once the login event has arrived (the page's title with ``--bridge`` off), then keeps
running until terminated. Needs ``--settings`` for ``--page-and-window`` (the page's policy reads the options).

    python benchmarks/floor_host.py URL --data DIR [--settings] [--bridge] [--app-profile] [--page-and-window]
        [--window-modules]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGS.add_argument("url")
ARGS.add_argument("--data", required=True, help="a folder for the profile (a new one below it each start)")
for piece in ("settings", "bridge", "app-profile", "page-and-window", "window-modules"):
    ARGS.add_argument(f"--{piece}", action="store_true")
OPTIONS = ARGS.parse_args()
if OPTIONS.page_and_window and not OPTIONS.settings:
    ARGS.error("--page-and-window needs --settings: the app's page reads its options from them")
DATA = Path(tempfile.mkdtemp(dir=OPTIONS.data))

LOADED: Any = None
if OPTIONS.settings:  # before Qt, as in the app (desktop/ui/app.py)
    from desktop.services.logs import setup_logging
    from desktop.services.settings_files import default_data_dir
    from desktop.services.settings_loader import load_settings

    server = OPTIONS.url.rsplit("/", 1)[0]
    argv = ["--env", "custom", "--app-server", server, "--client-id", "bench", "--widget-url", OPTIONS.url,
            "--data-dir", str(DATA / "app")]
    LOADED = load_settings(argv, os.environ, default_data_dir())
    setup_logging(LOADED.options.data_dir / "logs")

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineProfileBuilder  # noqa: E402
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QVBoxLayout, QWidget  # noqa: E402


def ready() -> None:
    print("READY", file=sys.stderr, flush=True)


def profile_for(app: QApplication) -> QWebEngineProfile:
    if OPTIONS.app_profile:
        from desktop.ui.phone.profile import create_profile

        return create_profile("floor", DATA, app)
    builder = QWebEngineProfileBuilder()
    builder.setPersistentStoragePath(str(DATA / "storage"))
    builder.setCachePath(str(DATA / "cache"))
    return builder.createProfile("floor", app)


def in_a_window(view: QWebEngineView) -> QMainWindow:
    """The view in a stack in a main window, as the app's window holds it, at the app's default size."""
    window = QMainWindow()
    central = QWidget(window)
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    stack = QStackedWidget(central)
    view.setParent(stack)
    stack.addWidget(view)
    layout.addWidget(stack, 1)
    window.setCentralWidget(central)
    window.setGeometry(450, 192, 380, 640)
    return window


def main() -> int:
    if OPTIONS.bridge or OPTIONS.app_profile or OPTIONS.page_and_window or OPTIONS.window_modules:
        from desktop.ui.pyside_imports import plain_imports

        plain_imports()  # as the app does, once PySide6 is imported
    if OPTIONS.window_modules:
        import desktop.ui.controller  # noqa: F401 - what importing the app's window costs
    app = QApplication(sys.argv[:1])
    view = QWebEngineView()
    shown: QWidget = in_a_window(view) if OPTIONS.page_and_window else view
    profile = profile_for(app)
    if OPTIONS.page_and_window:
        from desktop.ui.phone.widget_page import WidgetPage

        page: QWebEnginePage = WidgetPage(profile, LOADED.options, view, open_in_app=lambda _request: None,
                                          reload_blocked=lambda: None)
    else:
        page = QWebEnginePage(profile, view)
    view.setPage(page)
    if OPTIONS.bridge:
        from desktop.ui.phone.bridge import PageBridge

        bridge = PageBridge(page)
        bridge.message_received.connect(lambda message: message.get("type") == "rc-login-status-notify" and ready())
    else:
        view.titleChanged.connect(lambda title: title == "ready" and ready())
    view.load(QUrl(OPTIONS.url))
    shown.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
