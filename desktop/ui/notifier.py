"""Desktop notifications for rings, messages and the widget's own web notifications.

On Linux the desktop's notification service (``org.freedesktop.Notifications`` on the session bus) shows
them, tray or not; elsewhere, and where that service is missing, the tray icon's message does. Clicking a
notification shows the window (and clicks a web notification in the page, as a browser would). With
neither, a notification is only logged. Nothing here blocks: D-Bus calls run on the asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineNotification
from PySide6.QtWidgets import QSystemTrayIcon

from desktop import APP_ID, APP_NAME
from desktop.core.call_state import Notification

if TYPE_CHECKING:
    from desktop.services.freedesktop_notifications import FreedesktopNotifications
    from desktop.ui.tray import AppTray

log = logging.getLogger("desktop.notify")
#: How long a tray message stays up (ms).
SHOW_MS = 10_000


class Notifier(QObject):
    #: The person clicked a notification: show the window.
    activated = Signal()

    def __init__(self, tray: AppTray | None = None, *, enabled: Callable[[], bool] = lambda: True,
                 bus: str | None = "SESSION" if sys.platform.startswith("linux") else None) -> None:
        super().__init__()
        self._tray = tray
        self._enabled = enabled
        self._dbus: FreedesktopNotifications | None = None
        if bus is not None:
            from desktop.services.freedesktop_notifications import FreedesktopNotifications

            self._dbus = FreedesktopNotifications(APP_NAME, APP_ID, self._dbus_clicked, bus=bus)
        self._web: list[QWebEngineNotification] = []  # kept alive until closed (Qt hands over ownership)
        self._by_id: dict[int, QWebEngineNotification | None] = {}  # D-Bus id -> its web notification
        self._last_web: QWebEngineNotification | None = None  # what a click on the tray message belongs to
        #: Every notification delivered, with the way it went, newest last (tests read it).
        self.delivered: list[tuple[str, Notification]] = []
        if tray is not None and tray.icon is not None:
            tray.icon.messageClicked.connect(self._tray_clicked)

    def notify(self, notification: Notification, web: QWebEngineNotification | None = None) -> None:
        if notification.kind != "app" and not self._enabled():
            log.info("%s notification not shown: notifications are off", notification.kind)
            return
        if self._dbus is not None:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                pass  # no event loop (a test without one): the tray or the log
            else:
                asyncio.ensure_future(self._via_dbus(notification, web))
                return
        self._via_tray(notification, web)

    async def _via_dbus(self, notification: Notification, web: QWebEngineNotification | None) -> None:
        assert self._dbus is not None
        if await self._dbus.available():
            urgency = 2 if notification.kind == "call" else 1
            try:
                notification_id = await self._dbus.notify(notification.title, notification.body, urgency=urgency)
            except (OSError, RuntimeError) as exc:
                log.warning("the desktop's notification service failed (%s); using the tray", exc)
            else:
                self._by_id[notification_id] = web
                self._record("dbus", notification)
                return
        self._dbus = None  # not here, or gone: do not ask again for every ring
        self._via_tray(notification, web)

    def _via_tray(self, notification: Notification, web: QWebEngineNotification | None) -> None:
        if self._tray is not None and self._tray.icon is not None and QSystemTrayIcon.supportsMessages():
            self._last_web = web
            self._tray.icon.showMessage(notification.title, notification.body,
                                        QSystemTrayIcon.MessageIcon.Information, SHOW_MS)
            self._record("tray", notification)
        else:
            self._record("log", notification)

    def _record(self, backend: str, notification: Notification) -> None:
        self.delivered.append((backend, notification))
        # The body names a caller or quotes a message: not for the log file.
        log.info("%s notification shown (%s)", notification.kind, backend)

    def present_web_notification(self, notification: QWebEngineNotification) -> None:
        """The profile's notification presenter: the widget's own ``new Notification(...)``, shown natively."""
        self._web.append(notification)
        notification.closed.connect(lambda: self._web.remove(notification) if notification in self._web else None)
        if len(self._web) > 20:  # the page never closes them: forget the oldest
            self._web.pop(0).close()
        notification.show()
        self.notify(Notification("web", notification.title(), notification.message()), notification)

    def _clicked(self, web: QWebEngineNotification | None) -> None:
        log.info("notification clicked: showing the window")
        if web is not None and web in self._web:
            web.click()  # the page's onclick runs, as in a browser
        self.activated.emit()

    def _tray_clicked(self) -> None:
        self._clicked(self._last_web)

    def _dbus_clicked(self, notification_id: int) -> None:
        if notification_id in self._by_id:
            self._clicked(self._by_id.pop(notification_id))

    async def aclose(self) -> None:
        if self._dbus is not None:
            await self._dbus.aclose()
