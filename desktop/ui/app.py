"""Start-up, in order: options → logging → Chromium flags → Qt → profile → window → widget load → Qt's own event
loop until the widget has spoken (``desktop/ui/system/first_loop.py``) → asyncio and qasync.

The widget load is started as early as possible: nothing slow (keyring, network, migrations) runs
before it, and Qt is imported only once the options are known to be valid.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import APP_ID, APP_NAME, __version__
from desktop.core.errors import UsageError
from desktop.core.footprint import apply_tuning, decide
from desktop.services.gpu_probe import this_machine
from desktop.services.logs import FILE_ONLY, setup_logging
from desktop.services.sandbox_preflight import preflight
from desktop.services.settings_files import SettingsFileError, default_data_dir
from desktop.services.settings_loader import LoadedSettings, UnusableSettingsFile, load_settings
from desktop.services.tls_trust import extra_ca_file

if TYPE_CHECKING:  # Qt is imported only once the options are known to be valid
    import qasync
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QApplication

log = logging.getLogger("desktop")

#: Extra PEM CA certificates trusted by the web profile (custom servers behind a private CA, tests).


def run(argv: list[str]) -> int:
    """Run the app; returns the process exit status (2 for bad options)."""
    try:
        try:
            loaded = load_settings(argv, os.environ, default_data_dir())
        except UnusableSettingsFile as exc:
            for problem in exc.problems:
                print(f"embeddable-desktop: error: {problem}", file=sys.stderr)
            if not _person_agrees_to_defaults(exc):
                raise
            loaded = load_settings(argv, os.environ, default_data_dir(), reset=True)
        options = loaded.options
        try:
            log_path = setup_logging(options.data_dir / "logs", data_dir=options.data_dir)
        except OSError as exc:
            raise UsageError([f"--data-dir: cannot write below {options.data_dir} ({exc.strerror or exc})"]) from None
    except UnusableSettingsFile as exc:
        print(f"embeddable-desktop: fix {exc.path}, or start with --reset-settings to start on default settings "
              "(a copy of the file is kept)", file=sys.stderr)
        return 2
    except (UsageError, SettingsFileError) as exc:
        for problem in exc.problems:
            print(f"embeddable-desktop: error: {problem}", file=sys.stderr)
        return 2
    from desktop.services.instance_link import NotYours, hand_over, server_name

    started = time.perf_counter()
    try:
        if hand_over(server_name(options.data_dir), argv):
            # Handed over before Qt WebEngine was touched: the running instance dials the links.
            log.info("handed over to the running instance in %.0f ms", (time.perf_counter() - started) * 1000)
            return 0
    except NotYours as exc:
        # Never hand links to someone else: this start becomes a phone of its own (without single instance).
        log.warning("not handing over to the running instance: %s; starting here", exc)
    _keep_quit_signals()
    for notice in loaded.notices:
        log.warning(notice)
    log.info("%s %s starting: env=%s server=%s", APP_NAME, __version__, options.env_name, options.app_server)
    for warning in options.warnings:
        log.warning(warning)
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    tuning = decide(options.performance_tuning, this_machine())
    log.info("%s", tuning.decision)
    lost = apply_tuning(tuning, os.environ, running_as_root=is_root, proxy=options.proxy)
    if lost:
        log.info("performance tuning: %s not applied; the environment sets its own", ", ".join(lost))
    if options.proxy != "system":
        log.info("proxy: %s (setting proxy, %s)", options.proxy, loaded.resolution.source("proxy"))
    if options.proxy.startswith("pac:"):
        log.info("the PAC script applies to the phone; the app's own requests use the proxy variables")
    if why := preflight(os.environ, running_as_root=is_root, allowed=loaded.resolution.get("allow_no_sandbox")):
        return _cannot_start(why)  # before Qt WebEngine reads the flags: it would only show a blank window
    from desktop.services.qt_platform import platform_plugin_problem, webengine_problem

    try:
        from desktop.services.trusted_cache import startup_cache
        from desktop.ui.pyside_imports import import_pyside

        # First, so that the Qt modules load through the plain import; the cache is part of the tuning.
        import_pyside(startup_cache() if options.performance_tuning else None)
        import PySide6.QtWebEngineWidgets  # noqa: F401 - fail here, with a message, not deep inside Qt
    except ImportError as exc:
        return _cannot_start(webengine_problem(exc))
    plugin_problem = platform_plugin_problem()  # Qt would abort with its own paragraph instead
    if plugin_problem:
        return _cannot_start(plugin_problem)
    return _run_qt(loaded, log_path, argv)


_early_app: object = None


#: The signals that ask the app to quit (start-up, the first loop and the event loop all handle these).
QUIT_SIGNALS = tuple(s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)) if s is not None)
#: Why the app stops without its usual shutdown when Qt ends its event loop by itself.
QT_LOOP_ENDED = "Qt's event loop ended by itself (its display went away, or the session ended)"
#: Quit signals that came while start-up set things up, before an event loop could act on them.
_asked_to_quit: list[int] = []


def _keep_quit_signals() -> None:
    """From here on a quit signal is kept, not fatal: start-up goes on to its event loop and then straight to the
    usual shutdown (exit status 0, storage flushed). Not earlier: the settings dialog must not hold a signal."""
    for signum in QUIT_SIGNALS:
        signal.signal(signum, lambda signum, _frame: _asked_to_quit.append(signum))


def _nothing() -> None:
    pass


def _asked_early() -> bool:
    return bool(_asked_to_quit)


def _cannot_start(problem: str) -> int:
    """Qt cannot start on this machine: one line on stderr (someone at a terminal) and in the log (IT)."""
    print(f"embeddable-desktop: error: {problem}", file=sys.stderr)
    log.error("%s", problem, extra=FILE_ONLY)
    return 1


def _person_agrees_to_defaults(exc: UnusableSettingsFile) -> bool:
    """Ask, in a dialog, whether to start on default settings; never where nobody can answer."""
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal") or not (
            sys.platform in ("win32", "darwin") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    from desktop.services.qt_platform import platform_plugin_problem

    try:
        from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - must precede QApplication
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError:
        return False
    if platform_plugin_problem() is not None:
        return False  # no dialog can be shown; the settings problems are already on stderr
    global _early_app  # noqa: PLW0603 - the one QApplication must outlive this function; _run_qt reuses it
    from desktop.ui.system.single_instance import LinkAwareApplication

    _early_app = QApplication.instance() or LinkAwareApplication([sys.argv[0]])
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, f"Your settings file {exc.path} cannot be used.")
    box.setInformativeText("\n".join(exc.problems[:10]) + "\n\nStart with default settings? A copy of the file "
                           "is kept next to it, so nothing you wrote is lost.")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


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


def _run_qt(loaded: LoadedSettings, log_path: Path, argv: list[str]) -> int:
    options = loaded.options
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - must precede QApplication

    from desktop.ui.binding_check import warn_if_the_binding_loses_references
    from desktop.ui.controller import AppController, default_loader
    from desktop.ui.system.single_instance import accept_links

    warn_if_the_binding_loses_references()
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
    quit_now: Callable[[], bool] = _asked_early
    start_held: Callable[[], None] = _nothing
    if window.service_user is None:
        first.watch(window.bridge.message_received, controller.quit_requested)
        window.load_widget()  # first: the widget starts loading before anything else is set up
        controller.start(window)
        window.errors.install_excepthook()
        # Qt's own loop until the widget has spoken: nothing before needs asyncio (first_loop.py).
        first.run(asked_to_quit=_asked_early)
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
                    quit_now: Callable[[], bool] = _asked_early) -> int:
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
