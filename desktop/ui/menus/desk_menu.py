"""The Phone and View menus: desktop toggles, reload, zoom, always-on-top, DevTools, Quit; their shortcuts.

A toggle is saved in the person's settings file at once (unless IT policy locks the key: then it is shown
greyed out with the reason). Reload is refused while a sign-in or a call is under way, since either would
be lost. DevTools exist only when the ``devtools`` setting or ``--devtools`` allows them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from desktop.core.desk_prefs import TOGGLES
from desktop.core.errors import LauncherError
from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution
from desktop.services.autostart import Autostart, autostart_for, launch_command
from desktop.ui.phone.shell import Notices

if TYPE_CHECKING:
    from desktop.ui.menus.settings_dialog import SettingsDialog

log = logging.getLogger("desktop.ui")
ZOOM_STEPS = (0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0)


class _Reloads(Protocol):
    def request_reload(self) -> None: ...


class DeskShell(Protocol):
    """What the Phone and View menus use of the window around them (a toggle changes ``options``)."""

    options: LaunchOptions

    @property
    def errors(self) -> Notices: ...
    @property
    def view(self) -> QWebEngineView: ...
    @property
    def page(self) -> QWebEnginePage: ...
    @property
    def recovery(self) -> _Reloads: ...
    @property
    def quit_requested(self) -> SignalInstance: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's name
    def window(self) -> QWidget: ...
    def set_always_on_top(self, on: bool) -> None: ...


class DeskMenu:
    def __init__(self, window: DeskShell, resolution: Resolution | None, settings_path: Path | None,
                 autostart: Autostart | None = None) -> None:
        self._window = window
        self._resolution = resolution
        self._settings_path = settings_path
        self.autostart = autostart or autostart_for()
        self.devtools: QWebEngineView | None = None
        phone = window.menuBar().addMenu("&Phone")
        self.toggles: dict[str, QAction] = {}
        for key, text in TOGGLES.items():
            action = QAction(text, window.window(), checkable=True, checked=getattr(window.options.desktop, key))
            action.toggled.connect(lambda on, key=key: self.toggle(key, on))
            reason = None if resolution is None else resolution.lock_reason(key)
            if reason is not None:
                action.setEnabled(False)
                action.setText(f"{action.text()} (set by IT policy)")
                action.setToolTip(reason)
            self.toggles[key] = action
        for key in ("start_minimized", "autostart", "close_to_tray", "raise_on_ring", "notifications"):
            phone.addAction(self.toggles[key])
        phone.addSeparator()
        self.quit = self._add(phone, "&Quit", [QKeySequence.StandardKey.Quit, "Ctrl+Q"], window.quit_requested.emit)
        view = window.menuBar().addMenu("&View")
        self.reload = self._add(view, "&Reload", [QKeySequence.StandardKey.Refresh, "Ctrl+R"],
                                window.recovery.request_reload)
        view.addSeparator()
        self._add(view, "Zoom &In", [QKeySequence.StandardKey.ZoomIn, "Ctrl+="], lambda: self.zoom(+1))
        self._add(view, "Zoom &Out", [QKeySequence.StandardKey.ZoomOut], lambda: self.zoom(-1))
        self._add(view, "&Actual Size", ["Ctrl+0"], lambda: self.zoom(0))
        view.addSeparator()
        view.addAction(self.toggles["always_on_top"])
        if window.options.desktop.devtools:
            view.addSeparator()
            self._add(view, "&Developer Tools", ["F12", "Ctrl+Shift+I"], self.open_devtools)
        self._sync_autostart()

    def _add(self, menu: QMenu, text: str, keys: list[QKeySequence.StandardKey | str],
             slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._window.window())
        # The platform's standard key is often the same as the spelled-out one; Qt treats a repeated key as
        # ambiguous and then fires nothing, so each key sequence is set once.
        sequences = list(dict.fromkeys(QKeySequence(k).toString() for k in keys if not QKeySequence(k).isEmpty()))
        action.setShortcuts([QKeySequence(k) for k in sequences])
        action.triggered.connect(slot)
        menu.addAction(action)
        self._window.window().addAction(action)  # the shortcut works with the menu bar hidden, too
        return action

    def toggle(self, key: str, on: bool) -> None:
        window = self._window
        window.options = dataclasses.replace(
            window.options, desktop=dataclasses.replace(window.options.desktop, **{key: on}))
        if key == "always_on_top":
            window.set_always_on_top(on)
        elif key == "autostart":
            self._apply_autostart(on)
        if self._settings_path is not None:
            from desktop.services.settings_edit import edit_user_setting
            from desktop.services.settings_files import SettingsFileError

            try:
                edit_user_setting(self._settings_path, key, "true" if on else "false")
            except (LauncherError, SettingsFileError, OSError) as exc:
                window.errors.show_error(LauncherError(f"{key}: not saved in {self._settings_path}: {exc}"))
        log.info("%s set to %s", key, on)

    def _apply_autostart(self, on: bool) -> None:
        data_dir = self._window.options.data_dir
        try:
            if on:
                self.autostart.enable(launch_command(data_dir))
            else:
                self.autostart.disable()
        except OSError as exc:
            self._window.errors.show_error(LauncherError(
                f"Start at login could not be {'set up' if on else 'removed'} at {self.autostart.location} "
                f"({exc.strerror or exc})."))

    def _sync_autostart(self) -> None:
        """A set value (by the person or by IT) is made true in the OS; the default leaves the OS alone."""
        if self._resolution is None or self._resolution.source("autostart") == "default":
            return
        wanted = self._window.options.desktop.autostart
        if self.autostart.is_enabled() != wanted:
            self._apply_autostart(wanted)

    def zoom(self, direction: int) -> None:
        view = self._window.view
        current = view.zoomFactor()
        if direction == 0:
            factor = 1.0
        elif direction > 0:
            factor = next((z for z in ZOOM_STEPS if z > current + 0.001), ZOOM_STEPS[-1])
        else:
            factor = next((z for z in reversed(ZOOM_STEPS) if z < current - 0.001), ZOOM_STEPS[0])
        view.setZoomFactor(factor)
        log.info("zoom %.0f%%", factor * 100)

    def open_devtools(self) -> QWebEngineView:
        if self.devtools is None:
            self.devtools = QWebEngineView()
            self.devtools.setWindowTitle(f"Developer Tools — {self._window.options.env_name}")  # no caller
            self.devtools.page().setInspectedPage(self._window.page)
            self.devtools.resize(900, 700)
        self.devtools.show()
        self.devtools.raise_()
        log.info("developer tools opened")
        return self.devtools

    def close(self) -> None:
        if self.devtools is not None:
            self.devtools.close()
            self.devtools.deleteLater()
            self.devtools = None

    def open_settings(self, resolution: Resolution, settings_path: Path) -> SettingsDialog:
        from PySide6.QtCore import Qt

        from desktop.ui.menus.settings_dialog import SettingsDialog

        dialog = SettingsDialog(resolution, settings_path, self._window.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
