"""Desktop notifications for rings, messages and the widget's own web notifications.

Where a tray icon exists its balloon/notification is used (Windows, macOS, KDE and most Linux panels), and
clicking it shows the window. Without a tray, ``notify-send`` (libnotify, on every freedesktop desktop)
shows it; with neither, the notification is only logged. Never blocks: ``notify-send`` runs detached.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineNotification
from PySide6.QtWidgets import QSystemTrayIcon

from desktop import APP_ID, APP_NAME
from desktop.core.call_state import Notification

if TYPE_CHECKING:
    from desktop.ui.tray import AppTray

log = logging.getLogger("desktop.notify")
#: How long a notification stays up (ms); a ring notification stays until the call is answered or ends.
SHOW_MS = 10_000


class Notifier(QObject):
    #: The person clicked a notification: show the window.
    activated = Signal()

    def __init__(self, tray: AppTray | None = None, *, enabled: Callable[[], bool] = lambda: True,
                 notify_send: str | None = None) -> None:
        super().__init__()
        self._tray = tray
        self._enabled = enabled
        self._notify_send = notify_send  # looked up at the first notification, not at start-up
        self._web: list[QWebEngineNotification] = []  # kept alive until closed (Qt hands over ownership)
        #: Every notification delivered, newest last (tests read it; also useful in a debugger).
        self.delivered: list[tuple[str, Notification]] = []
        self._last_web: QWebEngineNotification | None = None  # what a click on the tray message belongs to
        if tray is not None and tray.icon is not None:
            tray.icon.messageClicked.connect(self._clicked)

    @property
    def backend(self) -> str:
        if self._notify_send is None:
            self._notify_send = shutil.which("notify-send") or ""
        if self._tray is not None and self._tray.icon is not None and QSystemTrayIcon.supportsMessages():
            return "tray"
        return "notify-send" if self._notify_send else "log"

    def notify(self, notification: Notification) -> None:
        if not self._enabled():
            log.info("%s notification not shown: notifications are off", notification.kind)
            return
        backend = self.backend
        self._last_web = None
        self.delivered.append((backend, notification))
        # The body names a caller or quotes a message: not for the log file.
        log.info("%s notification shown (%s)", notification.kind, backend)
        if backend == "tray" and self._tray is not None and self._tray.icon is not None:
            self._tray.icon.showMessage(notification.title, notification.body,
                                        QSystemTrayIcon.MessageIcon.Information, SHOW_MS)
        elif backend == "notify-send" and self._notify_send:
            urgency = "critical" if notification.kind == "call" else "normal"
            command = [self._notify_send, f"--app-name={APP_NAME}", f"--icon={APP_ID}", f"--urgency={urgency}",
                       f"--expire-time={SHOW_MS}", "--", notification.title, notification.body]
            try:
                subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
            except OSError as exc:
                log.warning("notify-send failed (%s); notifications are only logged from now on", exc)
                self._notify_send = ""

    def present_web_notification(self, notification: QWebEngineNotification) -> None:
        """The profile's notification presenter: the widget's own ``new Notification(...)``, shown natively."""
        self._web.append(notification)
        notification.closed.connect(lambda: self._web.remove(notification) if notification in self._web else None)
        if len(self._web) > 20:  # the page never closes them: forget the oldest
            self._web.pop(0).close()
        notification.show()
        self.notify(Notification("web", notification.title(), notification.message()))
        self._last_web = notification

    def _clicked(self) -> None:
        if self._last_web is not None and self._last_web in self._web:
            self._last_web.click()  # the page's onclick runs, as in a browser
        self.activated.emit()
