"""Opening one environment's window: the phone window, its menus, and in the secret modes the service user.

The controller opens every window through :func:`open_window` (tests do the same), so the order in which the
parts are made is written in one place: the phone's parts first, then the menus that act on them, then the
service user, whose item goes in the Account menu.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWebEngineCore import QWebEngineProfile

from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution
from desktop.services.app_state import AppState
from desktop.ui.menus.account import AccountMenu
from desktop.ui.menus.desk_menu import DeskMenu
from desktop.ui.menus.environment_menu import EnvironmentMenu
from desktop.ui.menus.help_menu import HelpMenu
from desktop.ui.system.first_loop import Hold, never_held
from desktop.ui.system.notifier import Notifier
from desktop.ui.system.tray import AppTray
from desktop.ui.window.phone_window import PhoneWindow


def open_window(options: LaunchOptions, profile: QWebEngineProfile, *, log_path: str,
                resolution: Resolution | None = None, notices: Sequence[str] = (),
                extra_ca_file: Path | None = None, settings_path: Path | None = None,
                tray: AppTray | None = None, notifier: Notifier | None = None,
                hold: Hold = never_held) -> PhoneWindow:
    """A new window on ``profile`` for ``options``, with its menus; not shown, the widget not loaded yet."""
    window = PhoneWindow(options, profile, log_path=log_path, resolution=resolution, notices=notices,
                         extra_ca_file=extra_ca_file, tray=tray, notifier=notifier, hold=hold)
    add_menus(window, resolution, settings_path)
    if options.auth_mode != "pkce":
        # Imported only here: httpx and keyring stay off the start-up path of the usual PKCE mode.
        from desktop.ui.signin.service_user import ServiceUserSignIn

        window.service_user = ServiceUserSignIn(window, AppState(options.data_dir / "state.json"), extra_ca_file)
    return window


def add_menus(window: PhoneWindow, resolution: Resolution | None, settings_path: Path | None) -> None:
    """Phone, View, Account, Environment, Settings… and Help, in the menu bar's order."""
    window.desk = DeskMenu(window, resolution, settings_path)
    window.account = AccountMenu(window)
    if resolution is not None:
        window.environment_menu = EnvironmentMenu(window, resolution)
        if settings_path is not None:
            settings = window.menuBar().addAction("&Settings…")
            settings.triggered.connect(lambda: window.desk.open_settings(resolution, settings_path))
    window.help = HelpMenu(window, settings_path)
