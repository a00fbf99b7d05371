"""The Qt side of start-up (:mod:`desktop.launch` runs everything before it): the QApplication → the controller
with its window and profile → widget load → Qt's own event loop until the widget has spoken
(``desktop/ui/system/first_loop.py``) → asyncio and qasync → the event loop until the app is asked to quit → the
usual shutdown.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import APP_ID, APP_NAME, __version__
from desktop.services.quit_signals import QUIT_SIGNALS, EarlyQuit
from desktop.services.settings_files import default_data_dir
from desktop.services.settings_loader import LoadedSettings
from desktop.services.tls_trust import extra_ca_file

if TYPE_CHECKING:
    import qasync
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QApplication

log = logging.getLogger("desktop")

#: Why the app stops without its usual shutdown when Qt ends its event loop by itself.
QT_LOOP_ENDED = "Qt's event loop ended by itself (its display went away, or the session ended)"


def _nothing() -> None:
    pass


def _application() -> QApplication:
    """The one QApplication (the settings dialog may have made it already), named for the desktop."""
    from PySide6.QtWidgets import QApplication

    from desktop.ui.system.single_instance import LinkAwareApplication

    app = QApplication.instance() or LinkAwareApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    return app


def run_qt(loaded: LoadedSettings, log_path: Path, argv: list[str], *, early_quit: EarlyQuit,
           early_app: object = None) -> int:
    """Run the phone until it is asked to quit; the exit status. ``early_quit`` holds the quit signals that came
    during start-up; ``early_app`` is the QApplication the settings question made, if it asked one."""
    options = loaded.options
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - must precede QApplication

    from desktop.ui.binding_check import warn_if_the_binding_loses_references
    from desktop.ui.controller import AppController, default_loader
    from desktop.ui.system.single_instance import accept_links

    warn_if_the_binding_loses_references()
    # The settings question's QApplication (early_app, kept alive until here) is the instance _application() takes.
    app = _application()
    extra_ca = extra_ca_file(os.environ)
    from desktop.ui.system.first_loop import FirstLoop

    # Made first, so that the window can hand it tasks for asyncio while it runs (it runs only in PKCE mode).
    first = FirstLoop()
    controller = AppController(loaded, argv, default_loader(default_data_dir()), log_path=str(log_path),
                               extra_ca_file=extra_ca, hold=first.hold)
    window = controller.window
    app.setQuitOnLastWindowClosed(False)  # the tray keeps the app; quitting goes through quit_requested
    accept_links(app, options.data_dir, controller, controller.handle_forwarded, controller.run_command)
    quit_now: Callable[[], bool] = early_quit.asked
    start_held: Callable[[], None] = _nothing
    if window.service_user is None:
        first.watch(window.bridge.message_received, controller.quit_requested)
        window.load_widget()  # first: the widget starts loading before anything else is set up
        controller.start(window)
        window.errors.install_excepthook()
        # Qt's own loop until the widget has spoken: nothing before needs asyncio (first_loop.py).
        first.run(asked_to_quit=early_quit.asked)
        if first.ended_because is None:
            from desktop.ui.system.display_connection import stop_at_once

            stop_at_once(f"{QT_LOOP_ENDED}, before the widget spoke")
        log.debug("asyncio starts: %s", first.ended_because)
        # A signal before run() was read by it; from there on the first loop's handlers note it.
        quit_now, start_held = (lambda: first.quit_asked), first.start_held

    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    from desktop.ui.system.tray import app_icon

    app.setWindowIcon(app_icon())
    if window.service_user is not None:
        controller.start(window)  # the secret modes read and check their secrets on asyncio before loading
    start_held()
    from desktop.ui.system.hotkey_actions import HotkeyActions

    # After the event loop exists: the Wayland portal talks D-Bus on it.
    hotkeys = HotkeyActions(loaded.resolution, lambda: controller.window, controller.toggle_window)
    window.errors.install_excepthook()
    controller.window_changed.connect(lambda new: new.errors.install_excepthook())

    async def shutdown() -> None:
        hotkeys.close()
        await controller.shutdown()
        await asyncio.sleep(0.1)  # Qt deletes the page before the profiles, so storage is flushed
        controller.deleteLater()
        await asyncio.sleep(0.1)

    return _run_until_quit(app, loop, controller.quit_requested, shutdown, quit_now=quit_now)


def _run_until_quit(app: QApplication, loop: qasync.QEventLoop, quit_requested: SignalInstance,
                    shutdown: Callable[[], Coroutine[Any, Any, None]], *,
                    quit_now: Callable[[], bool]) -> int:
    """Run the event loop until the app is asked to quit (``quit_requested``, SIGTERM, SIGINT, SIGHUP; at once
    with ``quit_now``: asked while the widget loaded), then ``shutdown`` on it; the exit status."""
    import asyncio

    from PySide6.QtCore import QTimer

    from desktop.ui.system.display_connection import display_lost, stop_at_once

    # Quitting always goes through this event, so the loop stops from inside itself and the shutdown
    # below runs (listener closed, page released before the profile, storage flushed).
    quit_event = asyncio.Event()
    quit_requested.connect(quit_event.set)
    ended_by_qt = False

    def qt_loop_ending() -> None:
        # Qt ends its event loop by itself when its display goes away (or the desktop session ends); the async
        # shutdown then cannot run any more (see below).
        nonlocal ended_by_qt
        ended_by_qt = ended_by_qt or not quit_event.is_set()
        quit_event.set()

    app.aboutToQuit.connect(qt_loop_ending)

    # Python signal handlers only run when Python gets control; this timer gives it control while Qt's
    # loop is idle, so SIGTERM quits through the event loop like the Quit action.
    ticker = QTimer(app)
    ticker.start(250)
    ticker.timeout.connect(lambda: None)
    for signum in QUIT_SIGNALS:
        signal.signal(signum, lambda *_: loop.call_soon_threadsafe(quit_event.set))
    if quit_now():  # asked while the widget loaded (first_loop.py), up to the handlers above
        quit_event.set()

    async def main() -> None:
        await quit_event.wait()
        log.info("quitting")
        if ended_by_qt or display_lost(app):  # a session's end may send its signal before Qt sees the display go
            stop_at_once(QT_LOOP_ENDED if ended_by_qt else "the display went away as the app was asked to quit")
        await shutdown()

    with loop:
        try:
            loop.run_until_complete(main())
        except RuntimeError:
            if not ended_by_qt:
                raise
            # Running Qt's loop again to shut down in order crashes in Qt once its display is gone, so stop here:
            # the web profile's storage is written by Chromium as it goes.
            stop_at_once(QT_LOOP_ENDED)
    log.info("%s stopped", APP_NAME)
    return 0
