"""The main window's layout and its behaviour as a window, and nothing else.

From top to bottom: the environment strip, the notice bar, the pending-sign-in bar, then the phone's view (or the
offline screen in its place, or the screen naming missing required settings). As a window it has a title, a
remembered place and zoom, always-on-top, a yes/no question, coming to the front, and closing to the tray.

What fills it (the phone, sign-in, recovery, the menus) is wired in :mod:`desktop.ui.window.phone_window` and
:mod:`desktop.ui.window.assembly`; the buttons of this layout that act on the phone are signals here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from desktop import APP_NAME
from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution
from desktop.ui.signin.sign_in_bar import SignInBar
from desktop.ui.window.errors import NoticeBar
from desktop.ui.window.offline import OfflineScreen
from desktop.ui.window.placement import WindowPlacement
from desktop.ui.window.screens import EnvironmentStrip, MissingSettingsScreen

if TYPE_CHECKING:
    from desktop.ui.phone.shell import Notifications
    from desktop.ui.system.tray import AppTray

log = logging.getLogger("desktop.ui")


class MainWindow(QMainWindow):
    #: The person (or the OS) asked to quit; the app stops its loop and shuts down in order.
    quit_requested = Signal()
    #: The person chose another environment (already confirmed if a call was active).
    switch_requested = Signal(str)
    #: Sign-in, call state or visibility changed (the tray shows them).
    state_changed = Signal()
    #: Retry on the offline screen (now, or by itself after its backoff).
    retry_requested = Signal()
    #: The pending-sign-in bar's Open Again (with the sign-in page's URL) and Cancel.
    sign_in_reopen_requested = Signal(str)
    sign_in_cancel_requested = Signal()
    _on_top = False  # a new window is not kept on top

    def __init__(self, options: LaunchOptions, resolution: Resolution | None, *, tray: AppTray | None,
                 notifier: Notifications) -> None:
        super().__init__()
        self.options = options
        self.tray = tray
        self.notifier = notifier
        # The app's name comes last: Qt appends the display name to a title on X11 and Windows unless the
        # title already ends with it ("custom — Embeddable Desktop", not "... — custom — Embeddable Desktop").
        title = APP_NAME if options.env_name == "production" else f"{options.env_name} — {APP_NAME}"
        self.setWindowTitle(title)
        self.placement = WindowPlacement(self, options.data_dir / "window.json")
        self._build_layout(options, resolution)
        #: Asks the person a yes/no question; replaced in tests (a modal dialog cannot be clicked offscreen).
        self.confirm: Callable[[str, str], bool] = self._confirm_dialog
        self.closing_for_switch = False

    def _build_layout(self, options: LaunchOptions, resolution: Resolution | None) -> None:
        """Environment strip, notice bar, then the phone (or the offline or missing-settings screen)."""
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.environment_strip = EnvironmentStrip(options.env_name, options.app_server, central)
        self.notice_bar = NoticeBar(central)
        self.sign_in_bar = SignInBar(central, open_again=self.sign_in_reopen_requested.emit,
                                     cancel=self.sign_in_cancel_requested.emit)
        self.stack = QStackedWidget(central)
        self.view: QWebEngineView = QWebEngineView(self.stack)
        self.stack.addWidget(self.view)
        self.offline: OfflineScreen = OfflineScreen(self.retry_requested.emit, self.stack, self.view)
        layout.addWidget(self.environment_strip)
        layout.addWidget(self.notice_bar)
        layout.addWidget(self.sign_in_bar)
        layout.addWidget(self.stack, 1)
        self.missing_settings = resolution.missing_required() if resolution else []
        if self.missing_settings and resolution is not None:
            self.stack.hide()
            layout.addWidget(MissingSettingsScreen(self.missing_settings, resolution.policy.source, central), 1)
        self.setCentralWidget(central)

    def set_always_on_top(self, on: bool) -> None:
        if on == self._on_top:  # kept, not read back: windowFlags() builds PySide6's Qt namespace (screens.py)
            return
        from PySide6.QtCore import Qt

        self._on_top, visible = on, self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if visible:  # changing window flags hides the window
            self.show()

    def _confirm_dialog(self, title: str, text: str) -> bool:
        from PySide6.QtWidgets import QMessageBox  # here: making its Qt type (and enums) is start-up time

        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def bring_to_front(self) -> None:
        log.info("window brought to the front")
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.closing_for_switch:
            event.accept()
            return
        if self.tray is not None and self.tray.available and self.options.desktop.close_to_tray:
            # The phone must keep ringing: hide to the tray instead of quitting.
            event.ignore()
            self.hide()
            self.tray.first_close_notice(self.options.data_dir, self.notifier)
            return
        # No tray (or closing to it is off): closing quits, through the event loop so storage is saved.
        event.accept()
        self.quit_requested.emit()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        if not event.spontaneous():  # hidden by us (to the tray), not minimised by the window manager
            self.placement.save(self.view.zoomFactor())
        self.state_changed.emit()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.state_changed.emit()
        super().showEvent(event)
