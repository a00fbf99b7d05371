"""Desktop notifications for rings, messages and the widget's own web notifications.

On Linux the desktop's notification service (``org.freedesktop.Notifications`` on the session bus) shows
them, tray or not; elsewhere, and where that service is missing, the tray icon's message does. Clicking a
notification shows the window (and clicks a web notification in the page, as a browser would). A
notification's buttons (Answer, Call Back...) reach whoever sent it through ``on_action(key)``, and so does
a click (key ``default``), after the window is shown. Tray messages have no buttons: the tray menu offers
those. With neither, a notification is only logged. Nothing here blocks: D-Bus calls run on the asyncio loop.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineNotification
from PySide6.QtWidgets import QSystemTrayIcon

from desktop import APP_ID, APP_NAME
from desktop.core.call_state import Notification

if TYPE_CHECKING:
    import asyncio

    from desktop.services.freedesktop_notifications import FreedesktopNotifications
    from desktop.ui.system.tray import AppTray

log = logging.getLogger("desktop.notify")
#: How long a tray message stays up (ms).
SHOW_MS = 10_000
#: Seconds before the desktop's notification service is tried again after it failed.
DBUS_RETRY_S = 30
#: What a notification's sender does when one of its buttons is pressed (or it is clicked: ``default``).
OnAction = Callable[[str], None]


class Notifier(QObject):
    #: The person clicked a notification: show the window.
    activated = Signal()

    def __init__(self, tray: AppTray | None = None, *, enabled: Callable[[], bool] = lambda: True,
                 bus: str | None = "SESSION" if sys.platform.startswith("linux") else None) -> None:
        super().__init__()
        self._tray = tray
        self._enabled = enabled
        self._bus = bus
        self._dbus: FreedesktopNotifications | None = None
        self._dbus_down_until = 0.0  # after a failure, the tray (or the log) until then; then D-Bus again
        self._tasks: set[asyncio.Task[None]] = set()
        self._web: list[QWebEngineNotification] = []  # kept alive until closed (Qt hands over ownership)
        self._by_id: dict[int, QWebEngineNotification | None] = {}  # D-Bus id -> its web notification
        self._by_key: dict[str, int] = {}  # e.g. a call's id -> its notification, to take it down later
        self._on_action: dict[int, OnAction] = {}  # D-Bus id -> what its buttons do
        self._last_web: QWebEngineNotification | None = None  # what a click on the tray message belongs to
        self._last_action: OnAction | None = None  # and what it does besides showing the window
        #: Every notification delivered, with the way it went, newest last (tests read it).
        self.delivered: list[tuple[str, Notification]] = []
        if tray is not None and tray.icon is not None:
            tray.icon.messageClicked.connect(self._tray_clicked)

    def notify(self, notification: Notification, web: QWebEngineNotification | None = None,
               key: str | None = None, on_action: OnAction | None = None) -> None:
        """Show ``notification``; ``key`` names it for :meth:`withdraw` (a ring, by call id); ``on_action``
        gets the key of a button pressed (or ``default`` for a click, once the window is up)."""
        if notification.kind != "app" and not self._enabled():
            log.info("%s notification not shown: notifications are off", notification.kind)
            return
        service = self._dbus_service()
        if service is not None and self._spawn(self._via_dbus(service, notification, web, key, on_action)):
            return
        self._via_tray(notification, web, on_action)  # not Linux, D-Bus resting after a failure, or no loop

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> bool:
        """Run ``coro`` on the running loop, kept until done (and cancelled by aclose); False without a loop."""
        import asyncio  # here, not at the top: asyncio is not needed before the widget's load has started

        try:
            task = asyncio.ensure_future(coro)
        except RuntimeError:  # no event loop (a test without one)
            coro.close()
            return False
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    def _dbus_service(self) -> FreedesktopNotifications | None:
        if self._bus is None or time.monotonic() < self._dbus_down_until:
            return None
        if self._dbus is None:
            from desktop.services.freedesktop_notifications import FreedesktopNotifications

            self._dbus = FreedesktopNotifications(APP_NAME, APP_ID, self._dbus_clicked, bus=self._bus,
                                                  on_closed=self._dbus_closed, on_action=self._dbus_action)
        return self._dbus

    async def _via_dbus(self, service: FreedesktopNotifications, notification: Notification,
                        web: QWebEngineNotification | None, key: str | None, on_action: OnAction | None) -> None:
        from desktop.services.freedesktop_notifications import URGENCY_CRITICAL, NotificationsUnavailable

        try:
            if not await service.available():
                raise NotificationsUnavailable("no notification service")
            urgency = URGENCY_CRITICAL if notification.kind == "call" else 1
            notification_id = await service.notify(notification.title, notification.body, urgency=urgency,
                                                   actions=notification.actions)
        except NotificationsUnavailable as exc:
            log.warning("the desktop's notification service cannot be used (%s); the tray until it is tried "
                        "again in %d s", exc, DBUS_RETRY_S)
            await self._dbus_lost(service)
            self._via_tray(notification, web, on_action)
            return
        self._by_id[notification_id] = web
        if on_action is not None:
            self._on_action[notification_id] = on_action
        if key is not None:
            self._by_key[key] = notification_id
        self._record("dbus", notification)

    async def _dbus_lost(self, service: FreedesktopNotifications) -> None:
        self._dbus_down_until = time.monotonic() + DBUS_RETRY_S
        if self._dbus is service:
            self._dbus = None  # a fresh connection next time (gnome-shell restarted, say)
        await service.aclose()

    def withdraw(self, key: str) -> None:
        """Take down the notification named ``key`` (the call stopped ringing); tray messages go by themselves."""
        notification_id = self._by_key.pop(key, None)
        service = self._dbus
        if notification_id is not None and service is not None:
            self._spawn(self._close(service, notification_id))  # without a loop it expires by itself

    async def _close(self, service: FreedesktopNotifications, notification_id: int) -> None:
        from desktop.services.freedesktop_notifications import NotificationsUnavailable

        try:
            await service.close(notification_id)
        except NotificationsUnavailable as exc:
            log.info("could not take a notification down (%s)", exc)

    def _via_tray(self, notification: Notification, web: QWebEngineNotification | None,
                  on_action: OnAction | None = None) -> None:
        if self._tray is not None and self._tray.icon is not None and QSystemTrayIcon.supportsMessages():
            self._last_web, self._last_action = web, on_action
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

    def _clicked(self, web: QWebEngineNotification | None, on_action: OnAction | None) -> None:
        log.info("notification clicked: showing the window")
        if web is not None and web in self._web:
            web.click()  # the page's onclick runs, as in a browser
        self.activated.emit()
        if on_action is not None:  # e.g. a message's click also opens the page it is on
            on_action("default")

    def _tray_clicked(self) -> None:
        self._clicked(self._last_web, self._last_action)

    def _dbus_clicked(self, notification_id: int) -> None:
        if notification_id in self._by_id:
            self._clicked(self._by_id[notification_id], self._on_action.get(notification_id))

    def _dbus_action(self, notification_id: int, key: str) -> None:
        """A button of the notification was pressed (only ours have buttons besides the click)."""
        on_action = self._on_action.get(notification_id)
        if on_action is not None:
            log.info("notification button pressed: %s", key)
            on_action(key)

    def _dbus_closed(self, notification_id: int) -> None:
        self._by_id.pop(notification_id, None)
        self._on_action.pop(notification_id, None)
        for key in [k for k, v in self._by_key.items() if v == notification_id]:
            del self._by_key[key]

    async def aclose(self) -> None:
        import asyncio

        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._dbus is not None:
            await self._dbus.aclose()
            self._dbus = None
