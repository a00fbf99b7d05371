"""Reacts to the widget's call and message events: title, tray, notifications, bringing the window up.

The state itself is :class:`desktop.core.call_state.CallBook`; this module only shows it.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication

from desktop.core.call_state import CALL_EVENTS, RING, CallBook, call_id, message_notification, ring_notification

if TYPE_CHECKING:
    from desktop.ui.window import MainWindow

log = logging.getLogger("desktop.calls")
INBOUND_MESSAGE = "rc-inbound-message-notify"


class CallMonitor:
    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.book = CallBook()
        self.base_title = window.windowTitle()
        self._announced: set[str] = set()  # rings with a notification up

    def handles(self, kind: str) -> bool:
        return kind in CALL_EVENTS or kind == INBOUND_MESSAGE

    def on_message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == INBOUND_MESSAGE:
            note = message_notification(message.get("message"))
            if note is not None:
                self._window.notifier.notify(note)
            return
        # Every new ringing call is announced, a second one during a call too (call waiting).
        new_ring = kind == RING and call_id(message.get("call")) not in self.book.ids
        changed = self.book.apply(kind, message.get("call"), now=time.monotonic())
        if new_ring:
            self._ring(message.get("call"))
        self._withdraw_answered()
        if changed:
            log.info("phone state: %s (%d call(s))", self.book.state.value, len(self.book.ids))
            self.refresh()

    def _ring(self, call: object) -> None:
        window = self._window
        self._announced.add(call_id(call))
        window.notifier.notify(ring_notification(call), key=call_id(call))
        if window.options.desktop.raise_on_ring:
            window.bring_to_front()
        # Where the desktop refuses to hand focus over (focus-stealing prevention), the task bar entry flashes.
        QApplication.alert(window)

    def _withdraw_answered(self) -> None:
        """A ring that was answered, missed or ended takes its notification down (no stale "Incoming call")."""
        for key in self._announced - self.book.ringing_ids:
            self._window.notifier.withdraw(key)
        self._announced &= self.book.ringing_ids

    def clear(self) -> None:
        """The renderer that held the calls is gone."""
        self.book.clear()
        self._withdraw_answered()
        self.refresh()

    def refresh(self) -> None:
        status = self.book.status_text()
        self._window.setWindowTitle(f"{status} — {self.base_title}" if status else self.base_title)
        self._window.state_changed.emit()
