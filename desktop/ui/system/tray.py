"""The tray icon: what the phone is doing at a glance, the calls and presence, Show/Hide and Quit.

Only created where the desktop has a tray; without one the app behaves like any window (closing quits).
The menu's first lines say which environment, whether signed in, and the call state; then the phone's own
items (:mod:`desktop.ui.system.tray_menu`). The icon carries a badge while a call rings or is in progress, and
otherwise a dot for the presence.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop import APP_NAME, resource_file
from desktop.core.call_state import Notification, PhoneState
from desktop.core.widget_commands import Presence
from desktop.services.app_state import TRAY_NOTICE_SHOWN, AppState
from desktop.ui.system.tray_menu import PhoneMenu, presence_line

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.core.options import LaunchOptions
    from desktop.core.widget_status import WidgetStatus
    from desktop.ui.phone.calls import CallMonitor
    from desktop.ui.phone.phone import Phone
    from desktop.ui.phone.shell import Notifications


class TrayShell(Protocol):
    """What the tray shows of the current window: sign-in, call state, presence, whether it is shown."""

    @property
    def options(self) -> LaunchOptions: ...
    @property
    def phone(self) -> Phone: ...
    @property
    def calls(self) -> CallMonitor: ...
    @property
    def status(self) -> WidgetStatus: ...
    @property
    def signed_in(self) -> bool | None: ...
    def isVisible(self) -> bool: ...  # noqa: N802 - Qt's name
    def isMinimized(self) -> bool: ...  # noqa: N802 - Qt's name

log = logging.getLogger("desktop.ui")
TRAY_NOTICE = "The phone keeps running in the tray, so calls still ring. Quit from the tray menu or with Ctrl+Q."


class AppTray(QObject):
    quit_requested = Signal()
    #: Show the window (and bring it to the front), or hide it.
    toggle_requested = Signal()

    def __init__(self, available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable) -> None:
        super().__init__()
        self.icon: QSystemTrayIcon | None = None
        self._window: TrayShell | None = None
        if not available():
            return
        self.icon = QSystemTrayIcon(app_icon(), self)
        self._icon_state: tuple[PhoneState, Presence | None] = (PhoneState.IDLE, None)
        self.menu = QMenu()
        self.status = self.menu.addAction("")
        self.status.setEnabled(False)
        self.call = self.menu.addAction("")
        self.call.setEnabled(False)
        self.phone_menu = PhoneMenu(self.menu)
        self.menu.addSeparator()
        self.show_hide: QAction = self.menu.addAction("Show")
        self.show_hide.triggered.connect(self.toggle_requested)
        self.menu.addSeparator()
        self.menu.addAction("Quit").triggered.connect(self.quit_requested)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.show()

    @property
    def available(self) -> bool:
        return self.icon is not None

    def set_window(self, window: TrayShell) -> None:
        if self._window is not None and self.icon is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # the old window may be gone already
                self._window.phone.presence_changed.disconnect(self.update)
        self._window = window
        if self.icon is not None:
            self.phone_menu.attach(window.calls.actions, window.status)
            window.phone.presence_changed.connect(self.update)
        self.update()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.toggle_requested.emit()

    def status_lines(self) -> tuple[str, str]:
        """("Production: signed in", "On call: Alice (+1650…)") for the menu and the tooltip."""
        window = self._window
        if window is None:
            return APP_NAME, ""
        sign_in = {None: "starting", True: "signed in", False: "signed out"}[window.signed_in]
        env = window.options.env_name.capitalize()
        call = window.calls.book.status_text() or "No call"
        return f"{env}: {sign_in}", call

    def update(self) -> None:
        if self.icon is None:
            return
        status, call = self.status_lines()
        self.status.setText(status)
        self.call.setText(call)
        shown = self._window is not None and self._window.isVisible() and not self._window.isMinimized()
        self.show_hide.setText("Hide" if shown else "Show")
        presence = self.phone_menu.presence()
        self.icon.setToolTip(f"{APP_NAME}\n{status}\n{call}" + (f"\n{presence_line(presence)}" if presence else ""))
        self.phone_menu.refresh()
        state = self._window.calls.book.state if self._window is not None else PhoneState.IDLE
        shown_state = (state, presence)
        if shown_state != self._icon_state:  # drawn only when it changes, not on every show or hide
            self._icon_state = shown_state
            self.icon.setIcon(state_icon(*shown_state))

    def first_close_notice(self, data_dir: Path, notifier: Notifications) -> bool:
        """The first time ever the window closes to the tray, say so (once per data folder)."""
        state = AppState(data_dir / "state.json")
        if self.icon is None or state.has(TRAY_NOTICE_SHOWN, "all"):
            return False
        notifier.notify(Notification("app", APP_NAME, TRAY_NOTICE))
        try:
            state.set(TRAY_NOTICE_SHOWN, "all", True)
        except OSError as exc:
            log.warning("could not remember that the tray notice was shown (%s)", exc)
        return True


#: The badge on the tray icon: a ringing phone and a call in progress look different everywhere.
_BADGES = {PhoneState.RINGING: "#e67e22", PhoneState.ON_CALL: "#27ae60"}
#: The presence dot while no call is under way (the usual colours: green, red, red with a bar, grey).
_PRESENCE = {Presence.AVAILABLE: "#2ecc71", Presence.BUSY: "#e74c3c", Presence.DO_NOT_DISTURB: "#c0392b",
             Presence.OFFLINE: "#95a5a6"}


def app_icon() -> QIcon:
    return QIcon(str(resource_file("icon.svg")))


def state_icon(state: PhoneState, presence: Presence | None = None) -> QIcon:
    """The app icon with a dot in its corner; drawn, not themed.

    While a call rings (orange) or is in progress (green) that badge, half the icon wide, is all the corner
    shows: the call is what matters then (and the person is busy anyway). Otherwise a smaller presence dot,
    with a white bar for Do Not Disturb; none while the presence is unknown.
    """
    base = app_icon()
    badge = _BADGES.get(state)
    colour = badge or (_PRESENCE[presence] if presence is not None else None)
    if colour is None or base.isNull():
        return base
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64):
        pixmap = base.pixmap(size, size)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), max(1, size // 16)))
        painter.setBrush(QColor(colour))
        dot = size // 2 if badge else size * 7 // 16
        corner = QRectF(size - dot, size - dot, dot - 1, dot - 1)
        painter.drawEllipse(corner)
        if badge is None and presence is Presence.DO_NOT_DISTURB:  # the usual "no entry" bar across the dot
            painter.fillRect(corner.adjusted(dot * 0.2, dot * 0.38, -dot * 0.2, -dot * 0.38), QColor("white"))
        painter.end()
        icon.addPixmap(pixmap)
    return icon
