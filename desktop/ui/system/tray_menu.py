"""The tray menu's phone section: the ringing call, the call in progress, the last missed call, presence.

While a call rings: Answer and Decline (for that call, by its id; during call waiting a line names who is
waiting, as the status line names the call in progress). While one is in progress: a line with
the caller and how long it has lasted, Hang Up, Mute or Unmute, Hold or Resume. After a missed call:
Call Back. Always: the presence the widget last reported and a Set Presence submenu. Items that do not
apply are hidden, so the menu never offers what the widget would ignore. Everything acts through
:class:`desktop.ui.call_actions.CallActions`, as the notifications' buttons do.

The menu is brought up to date when it opens (``aboutToShow``) and every second while it is open, so the
duration runs; and whenever the tray updates (a call event, a presence sync).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from desktop.core.call_state import call_line, hold_label, mute_label
from desktop.core.widget_commands import Presence
from desktop.core.widget_status import WidgetStatus
from desktop.ui.phone.call_actions import CallActions

#: How often the duration line moves while the menu is open (ms).
TICK_MS = 1000


def presence_line(presence: Presence | None) -> str:
    return f"Presence: {presence.label}" if presence is not None else "Presence: unknown"


def call_back_label(who: str) -> str:
    return f"Call Back {who}" if who else "Call Back"


class PhoneMenu(QObject):
    """Adds its items to ``menu`` where it is built (after the tray's status lines); inert until attached."""

    def __init__(self, menu: QMenu, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(menu)
        self._clock = clock  # the same clock the call book stamps answered calls with
        self._actions: CallActions | None = None
        self._status: WidgetStatus | None = None
        # During call waiting the status line names the call in progress: this one names the caller waiting.
        self.waiting_line = menu.addAction("")
        self.waiting_line.setEnabled(False)
        self.answer = self._item(menu, "Answer", lambda actions: actions.answer(self._ringing_id()))
        self.decline = self._item(menu, "Decline", lambda actions: actions.decline(self._ringing_id()))
        self.call_line = menu.addAction("")
        self.call_line.setEnabled(False)
        self.hang_up = self._item(menu, "Hang Up", lambda actions: actions.hang_up(self._active_id()))
        self.mute = self._item(menu, "Mute", lambda actions: actions.toggle_mute())
        self.hold = self._item(menu, "Hold", lambda actions: actions.toggle_hold())
        self.call_back = self._item(menu, "Call Back", self._call_back)
        menu.addSeparator()
        self.presence_line = menu.addAction(presence_line(None))
        self.presence_line.setEnabled(False)
        self.presence_menu = menu.addMenu("Set Presence")
        group = QActionGroup(self.presence_menu)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.presences: dict[Presence, QAction] = {}
        for presence in Presence:
            choice = self._item(self.presence_menu, presence.label,
                                partial(CallActions.set_presence, presence=presence))
            choice.setCheckable(True)
            group.addAction(choice)
            self.presences[presence] = choice
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.refresh)
        menu.aboutToShow.connect(self._opened)
        menu.aboutToHide.connect(self._timer.stop)
        self.refresh()

    def _item(self, menu: QMenu, text: str, run: Callable[[CallActions], None]) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda: self._run(run))
        return action

    def _run(self, run: Callable[[CallActions], None]) -> None:
        if self._actions is not None:
            run(self._actions)
        # Back to what the widget reports: a checked presence stays checked only once the widget syncs it.
        self.refresh()

    def attach(self, actions: CallActions, status: WidgetStatus) -> None:
        """Follow a window's phone (at start and after an environment switch)."""
        self._actions, self._status = actions, status
        self.refresh()

    def _ringing_id(self) -> str | None:
        ringing = self._actions.phone.book.ringing if self._actions is not None else None
        return ringing.id if ringing is not None else None

    def _active_id(self) -> str | None:
        active = self._actions.phone.book.active if self._actions is not None else None
        return active.id if active is not None else None

    def _call_back(self, actions: CallActions) -> None:
        if actions.last_missed is not None:
            actions.call_back(actions.last_missed)

    def _opened(self) -> None:
        self.refresh()
        self._timer.start()

    def refresh(self) -> None:
        actions = self._actions
        book = actions.phone.book if actions is not None else None
        ringing = book.ringing if book is not None else None
        active = book.active if book is not None else None
        for item in (self.answer, self.decline):
            item.setVisible(ringing is not None)
        self.waiting_line.setVisible(ringing is not None and active is not None)
        self.waiting_line.setText(f"Waiting: {ringing.who}" if ringing is not None else "")
        for item in (self.call_line, self.hang_up, self.mute, self.hold):
            item.setVisible(active is not None)
        if active is not None:
            self.call_line.setText(call_line(active, self._clock()))
            self.mute.setText(mute_label(active))
            self.hold.setText(hold_label(active))
        missed = actions.last_missed if actions is not None else None
        self.call_back.setVisible(missed is not None)
        self.call_back.setText(call_back_label(missed.who) if missed is not None else "Call Back")
        presence = self.presence()
        self.presence_line.setText(presence_line(presence))
        # The widget silently drops a presence change until its presence is ready, which its first sync says.
        self.presence_menu.setEnabled(presence is not None)
        for choice, item in self.presences.items():
            item.setChecked(choice is presence)

    def _signed_in(self) -> bool:
        return self._status is not None and self._status.signed_in is True

    def presence(self) -> Presence | None:
        """The presence the widget last synced, while signed in (after a sign-out it no longer holds)."""
        return self._actions.phone.presence if self._actions is not None and self._signed_in() else None
