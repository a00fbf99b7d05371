"""The phone as the rest of the app sees it: call, presence and navigation actions as methods, what the widget
reports as state and signals. The tray, notifications, menus, links, hotkeys and forwarded commands use this;
none of them touches the bridge.

Every action is checked first against what the widget would silently drop (``widget_commands.refusal``): the
caller gets the reason in words ("no call is ringing", "the phone is not signed in") to show or to send back
to a script, instead of a command that does nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.core.call_state import CallBook
from desktop.core.widget_commands import (
    CallAction,
    ControlCall,
    NavigateTo,
    NewCall,
    Presence,
    SetPresence,
    WidgetCommand,
    refusal,
)
from desktop.core.widget_status import WidgetStatus
from desktop.ui.phone.bridge import PageBridge

log = logging.getLogger("desktop.phone")
PRESENCE_EVENT = "rc-adapter-syncPresence"


class Phone(QObject):
    #: The presence the widget last reported changed (see :attr:`presence`).
    presence_changed = Signal()

    def __init__(self, bridge: PageBridge, book: CallBook, status: WidgetStatus, parent: QObject) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._book = book
        self._status = status
        self.presence: Presence | None = None
        #: Calls this app declined: their end is not a missed call.
        self.declined: set[str] = set()

    @property
    def book(self) -> CallBook:
        return self._book

    def send(self, command: WidgetCommand) -> str | None:
        """Post ``command`` unless the widget would drop it; returns why not, or None when it was sent."""
        reason = refusal(command, signed_in=self._status.signed_in, ringing=self._book.ringing is not None,
                         active=self._book.active is not None)
        if reason is not None:
            log.info("%s not sent: %s", command.type, reason)
            return reason
        self._bridge.post(command)
        return None

    def control(self, action: CallAction, call_id: str | None = None) -> str | None:
        """Act on a call: ``call_id``, or the one the widget picks (the ringing or the active call)."""
        ringing = self._book.ringing
        ringing_ids = self._book.ringing_ids
        reason = self.send(ControlCall(action, call_id))
        # Declining, or hanging up a call that still rings, is the person's choice: its end is not "missed".
        if reason is None and action is CallAction.REJECT:
            declined = call_id or (ringing.id if ringing is not None else None)
            if declined is not None:
                self.declined.add(declined)
        elif reason is None and action is CallAction.HANGUP and call_id in ringing_ids:
            self.declined.add(call_id)
        return reason

    def toggle_mute(self) -> str | None:
        active = self._book.active
        if active is None:
            return self.send(ControlCall(CallAction.MUTE))  # refused with the reason
        return self.control(CallAction.UNMUTE if active.muted else CallAction.MUTE, active.id)

    def toggle_hold(self) -> str | None:
        active = self._book.active
        if active is None:
            return self.send(ControlCall(CallAction.HOLD))
        return self.control(CallAction.UNHOLD if active.held else CallAction.HOLD, active.id)

    def answer_or_hang_up(self) -> str | None:
        """One key for both: answer what rings, else end the call in progress."""
        if self._book.ringing is not None:
            return self.control(CallAction.ANSWER)
        return self.control(CallAction.HANGUP)

    def set_presence(self, presence: Presence) -> str | None:
        return self.send(SetPresence(presence))

    def call(self, number: str) -> str | None:
        return self.send(NewCall(number))

    def open_page(self, path: str) -> str | None:
        """Show a page of the widget (``/messages``, ``/history``)."""
        return self.send(NavigateTo(path))

    def on_message(self, message: dict[str, Any]) -> None:
        """The widget's ``rc-adapter-syncPresence`` (and its first report in ``pushAdapterState``)."""
        presence = Presence.from_sync(message.get("userStatus"), message.get("dndStatus"))
        if presence is not None and presence is not self.presence:
            self.presence = presence
            log.info("presence: %s", presence.label)
            self.presence_changed.emit()
