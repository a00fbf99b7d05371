"""Owns the window and the web profiles, and switches environments without restarting the process.

A switch builds the new environment's settings the way start-up does (the command line with the
environment options replaced), remembers the choice in the user settings file, opens a window on that
environment's own profile and closes the old one. Profiles are kept until the app quits: each environment's
storage stays intact, and Qt WebEngine does not like a profile re-created under the same name.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QSystemTrayIcon

from desktop.core.errors import LauncherError
from desktop.core.options import LaunchOptions, argv_for_environment, build_parser, dial_requests
from desktop.core.remote_commands import parse_remote
from desktop.core.widget_commands import CallAction, SetPresence
from desktop.services.settings_edit import edit_user_setting
from desktop.services.settings_files import SettingsFileError
from desktop.services.settings_loader import LoadedSettings
from desktop.ui.phone.profile import create_profile
from desktop.ui.system.after_start import AfterStart, release_garbage_collector
from desktop.ui.system.first_loop import Hold, never_held
from desktop.ui.system.notifier import Notifier
from desktop.ui.system.tray import AppTray
from desktop.ui.window.assembly import open_window
from desktop.ui.window.phone_window import PhoneWindow

log = logging.getLogger("desktop.ui")

#: Resolves settings for an argv, like start-up does (tests give their own policy and layers).
SettingsLoader = Callable[[Sequence[str]], LoadedSettings]


class AppController(QObject):
    quit_requested = Signal()
    #: A new window was opened (after start-up or a switch).
    window_changed = Signal(object)

    def __init__(self, loaded: LoadedSettings, argv: Sequence[str], load: SettingsLoader, *, log_path: str,
                 extra_ca_file: Path | None, hold: Hold = never_held,
                 tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable) -> None:
        super().__init__()
        self._hold = hold
        # One tray and one notifier for the app; they follow whichever window is current.
        self.tray = AppTray(tray_available)
        self.tray.quit_requested.connect(self.quit_requested)
        self.tray.toggle_requested.connect(self.toggle_window)
        self.notifier = Notifier(self.tray, enabled=self._notifications_on)
        self.notifier.activated.connect(self._bring_to_front)
        self._argv = list(argv)
        self._load = load
        self._log_path = log_path
        self._extra_ca_file = extra_ca_file
        self._profiles: dict[str, QWebEngineProfile] = {}
        self.settings_path = loaded.settings_path
        self.window: PhoneWindow = self._open(loaded)
        self.window.placement.restore()

    def _profile(self, options: LaunchOptions) -> QWebEngineProfile:
        if options.profile_name not in self._profiles:
            self._profiles[options.profile_name] = create_profile(
                options.profile_name, options.data_dir, self, extra_ca_file=self._extra_ca_file,
                memory_cache=options.auth_mode != "pkce")
            # The widget's own web notifications (new Notification(...)) are shown natively.
            self._profiles[options.profile_name].setNotificationPresenter(self.notifier.present_web_notification)
        return self._profiles[options.profile_name]

    def _open(self, loaded: LoadedSettings) -> PhoneWindow:
        window = open_window(loaded.options, self._profile(loaded.options), log_path=self._log_path,
                             resolution=loaded.resolution, notices=loaded.notices,
                             extra_ca_file=self._extra_ca_file, settings_path=loaded.settings_path,
                             tray=self.tray, notifier=self.notifier, hold=self._hold)
        window.quit_requested.connect(self.quit_requested)
        window.switch_requested.connect(self.switch)
        window.state_changed.connect(self.tray.update)
        self.tray.set_window(window)
        return window

    def start(self, window: PhoneWindow, *, first: bool = True) -> None:
        """Everything after the first load: secret modes, showing the window, and once the widget is up the
        sign-in service (on the first start also Python's garbage collector; see ``after_start``)."""
        after_start = AfterStart(window.bridge.message_received, window)
        after_start.add(window.start_login_service)
        if first:
            after_start.add(release_garbage_collector)
        if window.service_user is not None:
            window.start()
        if first and window.options.desktop.start_minimized:
            if self.tray.available:
                log.info("started hidden in the tray")
            else:
                window.showMinimized()  # no tray to come back from: minimized, never invisible
        else:
            window.show()
        window.show_startup_notices()

    def _notifications_on(self) -> bool:
        return self.window.options.desktop.notifications

    def _bring_to_front(self) -> None:
        self.window.bring_to_front()

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.window.bring_to_front()

    def switch(self, env: str) -> None:
        self.window.spawn(self._switch(env))

    async def _switch(self, env: str) -> None:
        old = self.window
        argv = argv_for_environment(self._argv, env)
        try:
            loaded = self._load(argv)
        except LauncherError as exc:
            old.errors.show_error(LauncherError(f"Cannot switch to {env}: {exc}"))
            return
        if not old.resolution or not old.resolution.is_locked("environment"):
            try:
                edit_user_setting(self.settings_path, "environment", env)  # the next start opens it too
            except (LauncherError, SettingsFileError, OSError) as exc:
                log.warning("the switch to %s is not remembered: %s", env, exc)
        log.info("switching from %s to %s", old.options.env_name, env)
        if old.login is not None:
            await old.login.aclose()  # the new window may use the same port
        self._argv = argv
        old.placement.save(old.view.zoomFactor())  # the new window reads zoom and place from there
        self.window = self._open(loaded)
        place = old.placement.phone_geometry()  # the new phone starts with its side drawer closed
        self.window.setGeometry(place.x, place.y, place.width, place.height)
        if self.window.service_user is None:
            self.window.load_widget()
        self.start(self.window, first=False)
        old.closing_for_switch = True
        old.close()
        self.window_changed.emit(self.window)
        await old.shutdown()
        old.deleteLater()

    def run_command(self, words: list[str]) -> str | None:
        """``embeddable-desktop call|presence ...`` from another process: done (None) or why not."""
        try:
            command = parse_remote(words)
        except ValueError as exc:
            return str(exc)
        phone = self.window.phone
        if isinstance(command, SetPresence):
            return phone.set_presence(command.presence)
        reason = phone.control(command.action)
        if reason is None and command.action is CallAction.ANSWER:
            self.window.bring_to_front()
        return reason

    def handle_forwarded(self, argv: list[str]) -> None:
        """A second start handed over its arguments: dial its links here, and come to the front."""
        problems: list[str] = []
        try:
            requests = dial_requests(build_parser().parse_args(argv), problems)
        except SystemExit:  # argparse already told the second start; nothing to do here
            requests = ()
        for problem in problems:
            self.window.errors.show_error(LauncherError(problem))
        self.window.bring_to_front()
        self.window.dialing.add(requests)

    async def shutdown(self) -> None:
        await self.window.shutdown()
        await self.notifier.aclose()
        self.window.deleteLater()


def default_loader(default_data_dir: Path) -> SettingsLoader:
    from desktop.services.settings_loader import load_settings

    return lambda argv: load_settings(argv, os.environ, default_data_dir)
