"""Reacts to the widget's call and message events: title, tray, notifications, bringing the window up.

The state itself is :class:`desktop.core.call_state.CallBook`; this module only shows it. The buttons of
its notifications (Answer, Decline, Call Back, Open) act through :class:`desktop.ui.call_actions.CallActions`,
the same as the tray's items.
"""

from __future__ import annotations

import logging
import time
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QApplication, QWidget

from desktop.core.call_state import (
    ANSWER,
    CALL_BACK,
    CALL_EVENTS,
    DECLINE,
    OPEN,
    RING,
    Call,
    CallBook,
    call_id,
    message_notification,
    missed_call_notification,
    ring_notification,
)
from desktop.ui.phone.call_actions import CallActions
from desktop.ui.phone.shell import DialShell, Notifications

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance


class CallShell(DialShell, Protocol):
    @property
    def notifier(self) -> Notifications: ...
    @property
    def state_changed(self) -> SignalInstance: ...
    def windowTitle(self) -> str: ...  # noqa: N802 - Qt's name
    def setWindowTitle(self, title: str) -> None: ...  # noqa: N802 - Qt's name

log = logging.getLogger("desktop.calls")
INBOUND_MESSAGE = "rc-inbound-message-notify"


class CallMonitor:
    def __init__(self, window: CallShell, widget: QWidget) -> None:
        self._widget = widget  # the window whose task bar entry flashes on a ring
        self._window = window
        self.book = CallBook()
        self.base_title = window.windowTitle()
        self._announced: set[str] = set()  # rings with a notification up

    @cached_property
    def actions(self) -> CallActions:
        """Made on first use: the window builds its Phone over this monitor's book, after the monitor."""
        window = self._window
        return CallActions(window.phone, window.bring_to_front, window.errors.show_notice)

    def handles(self, kind: str) -> bool:
        return kind in CALL_EVENTS or kind == INBOUND_MESSAGE

    def on_message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == INBOUND_MESSAGE:
            note = message_notification(message.get("message"))
            if note is not None:
                self._window.notifier.notify(note, on_action=self._message_action)
            return
        # Every new ringing call is announced, a second one during a call too (call waiting).
        new_ring = kind == RING and call_id(message.get("call")) not in self.book.ids
        changed = self.book.apply(kind, message.get("call"), now=time.monotonic())
        if new_ring:
            self._ring(message.get("call"))
        self._withdraw_answered()
        self._announce_missed()
        if changed:
            log.info("phone state: %s (%d call(s))", self.book.state.value, len(self.book.ids))
        # Always, not only on a change of state: mute, hold and the last missed call are in the tray too.
        self.refresh()

    def _ring(self, call: object) -> None:
        window = self._window
        key = call_id(call)
        self._announced.add(key)
        # The buttons act on this call by its id: a Decline during call waiting never ends the other call.
        window.notifier.notify(ring_notification(call), key=key,
                               on_action=lambda action: self._ring_action(key, action))
        if window.options.desktop.raise_on_ring:
            window.bring_to_front()
        # Where the desktop refuses to hand focus over (focus-stealing prevention), the task bar entry flashes.
        QApplication.alert(self._widget)

    def _ring_action(self, key: str, action: str) -> None:
        if action == ANSWER:
            self.actions.answer(key)
        elif action == DECLINE:
            self.actions.decline(key)

    def _announce_missed(self) -> None:
        """An inbound call that stopped ringing unanswered: a notification with Call Back, and the tray's item.
        A call declined here is not missed: the person chose to let it go."""
        declined = self.actions.phone.declined
        for missed in self.book.take_missed():
            if missed.id in declined:
                declined.discard(missed.id)
                continue
            log.info("missed call")
            self.actions.missed(missed)
            self._window.notifier.notify(missed_call_notification(missed),
                                         on_action=partial(self._missed_action, missed))

    def _missed_action(self, call: Call, action: str) -> None:
        if action == CALL_BACK:
            self.actions.call_back(call)
            self.refresh()  # the tray's Call Back item goes

    def _message_action(self, action: str) -> None:
        """Open, or a click on the notification: the phone on its messages (the window is already up)."""
        if action in (OPEN, "default"):
            self.actions.open_messages()

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
