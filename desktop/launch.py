"""Start-up before Qt, in order: options and settings → logging → hand-over to a running phone → quit signals
kept → tuning and Chromium flags → the sandbox check → importing PySide6 → :func:`desktop.ui.app.run_qt`.

Nothing here imports Qt: a second start hands its links over and ends before Qt is loaded, and a start that cannot
work (bad options, no usable sandbox, missing libraries) says why in one line. The one Qt exception is the
question whether to start on default settings when the settings file cannot be used
(:mod:`desktop.ui.window.settings_prompt`), asked only where someone can answer it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from desktop import APP_NAME, __version__
from desktop.core.errors import UsageError
from desktop.core.footprint import apply_tuning, decide
from desktop.services.gpu_probe import this_machine
from desktop.services.logs import FILE_ONLY, setup_logging
from desktop.services.quit_signals import EarlyQuit
from desktop.services.sandbox_preflight import preflight
from desktop.services.settings_files import SettingsFileError, default_data_dir
from desktop.services.settings_loader import LoadedSettings, UnusableSettingsFile, load_settings

log = logging.getLogger("desktop")


def run(argv: list[str]) -> int:
    """Run the app; returns the process exit status (2 for bad options)."""
    settled = _settings_and_log(argv)
    if isinstance(settled, int):
        return settled
    loaded, log_path, early_app = settled
    if _handed_over(loaded.options.data_dir, argv):
        return 0
    early_quit = EarlyQuit()
    early_quit.keep()
    _log_start(loaded)
    problem = _prepare_chromium(loaded) or _import_qt(loaded.options.performance_tuning)
    if problem:
        return _cannot_start(problem)
    from desktop.ui.app import run_qt

    return run_qt(loaded, log_path, argv, early_quit=early_quit, early_app=early_app)


def _settings_and_log(argv: list[str]) -> tuple[LoadedSettings, Path, object] | int:
    """The settings and the log file, and the QApplication a question about the settings made (or None); else
    the exit status, the problems said on stderr."""
    early_app: object = None
    try:
        try:
            loaded = load_settings(argv, os.environ, default_data_dir())
        except UnusableSettingsFile as exc:
            for problem in exc.problems:
                print(f"embeddable-desktop: error: {problem}", file=sys.stderr)
            from desktop.ui.window.settings_prompt import ask_to_start_on_defaults

            # The QApplication a dialog made must outlive it: run_qt uses the same one.
            agreed, early_app = ask_to_start_on_defaults(exc)
            if not agreed:
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
    return loaded, log_path, early_app


def _handed_over(data_dir: Path, argv: list[str]) -> bool:
    """Whether a phone already running for this person and data folder took ``argv`` (its links)."""
    from desktop.services.instance_link import NotYours, hand_over, server_names

    started = time.perf_counter()
    try:
        if hand_over(server_names(data_dir), argv):
            # Handed over before Qt WebEngine was touched: the running instance dials the links.
            log.info("handed over to the running instance in %.0f ms", (time.perf_counter() - started) * 1000)
            return True
    except NotYours as exc:
        # Never hand links to someone else: this start becomes a phone of its own (without single instance).
        log.warning("not handing over to the running instance: %s; starting here", exc)
    return False


def _log_start(loaded: LoadedSettings) -> None:
    options = loaded.options
    for notice in loaded.notices:
        log.warning(notice)
    log.info("%s %s starting: env=%s server=%s", APP_NAME, __version__, options.env_name, options.app_server)
    for warning in options.warnings:
        log.warning(warning)


def _prepare_chromium(loaded: LoadedSettings) -> str | None:
    """The tuning and Chromium's flags for this machine; why the sandbox cannot start here, or None."""
    options = loaded.options
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
    # Before Qt WebEngine reads the flags: it would only show a blank window.
    return preflight(os.environ, running_as_root=is_root, allowed=loaded.resolution.get("allow_no_sandbox"))


def _import_qt(performance_tuning: bool) -> str | None:
    """Import PySide6 (through the start-up cache with the tuning); why Qt cannot start here, or None."""
    from desktop.services.qt_platform import platform_plugin_problem, webengine_problem

    try:
        from desktop.services.trusted_cache import startup_cache
        from desktop.ui.pyside_imports import import_pyside

        # First, so that the Qt modules load through the plain import; the cache is part of the tuning.
        import_pyside(startup_cache() if performance_tuning else None)
        import PySide6.QtWebEngineWidgets  # noqa: F401 - fail here, with a message, not deep inside Qt
    except ImportError as exc:
        return webengine_problem(exc)
    return platform_plugin_problem()  # Qt would abort with its own paragraph instead


def _cannot_start(problem: str) -> int:
    """Qt cannot start on this machine: one line on stderr (someone at a terminal) and in the log (IT)."""
    print(f"embeddable-desktop: error: {problem}", file=sys.stderr)
    log.error("%s", problem, extra=FILE_ONLY)
    return 1
