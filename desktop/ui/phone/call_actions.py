"""What the person can do to the phone from outside the page: notification buttons and tray items.

Both go through here so that Answer from a notification and Answer from the tray do the same thing: the
command to the widget through :class:`desktop.ui.phone.Phone`, the window brought up where the person will
want it (an answered call, a call back, a message), and a refusal ("no call is ringing") shown in the
window's notice bar instead of a click that silently does nothing. It also remembers the last missed call,
which the tray offers to call back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop.core.call_state import Call
from desktop.core.widget_commands import CallAction, Presence

if TYPE_CHECKING:
    from desktop.ui.phone.phone import Phone

log = logging.getLogger("desktop.calls")
#: The widget's page that lists messages, voicemail and faxes (``rc-adapter-navigate-to``).
MESSAGES_PAGE = "/messages"


class CallActions:
    def __init__(self, phone: Phone, bring_to_front: Callable[[], None], show_notice: Callable[[str], None]) -> None:
        self.phone = phone
        self._bring_to_front = bring_to_front
        self._show_notice = show_notice
        #: The newest inbound call that ended unanswered (and not declined here), until it is called back.
        self.last_missed: Call | None = None

    def _done(self, what: str, reason: str | None, *, show_window: bool = False) -> bool:
        """True when the command was sent (then the window comes up if asked). A refusal is shown in the
        window, brought up for it: from the tray or a notification the window is often hidden."""
        if reason is not None:
            self._show_notice(f"{what}: {reason}.")
            self._bring_to_front()
            return False
        if show_window:
            self._bring_to_front()
        return True

    def answer(self, call_id: str | None) -> None:
        """Answer ``call_id`` (the ringing call if None), and show the window: the call's controls are there."""
        self._done("Not answered", self.phone.control(CallAction.ANSWER, call_id), show_window=True)

    def decline(self, call_id: str | None) -> None:
        """Decline ``call_id`` by its id: during call waiting that is the new call, never the one in progress."""
        self._done("Not declined", self.phone.control(CallAction.REJECT, call_id))

    def hang_up(self, call_id: str | None) -> None:
        self._done("Not hung up", self.phone.control(CallAction.HANGUP, call_id))

    def toggle_mute(self) -> None:
        self._done("Mute not changed", self.phone.toggle_mute())

    def toggle_hold(self) -> None:
        self._done("Hold not changed", self.phone.toggle_hold())

    def set_presence(self, presence: Presence) -> None:
        self._done("Presence not set", self.phone.set_presence(presence))

    def missed(self, call: Call) -> None:
        self.last_missed = call

    def call_back(self, call: Call) -> None:
        """Dial the missed call's number; it is no longer offered once dialled."""
        reason = self.phone.call(call.number) if call.number else "the missed call has no number"
        if self._done("Not called back", reason, show_window=True) and self.last_missed is call:
            self.last_missed = None

    def open_messages(self) -> None:
        """Show the window on the widget's messages (where new voicemail, texts and faxes are)."""
        self._done("Messages not opened", self.phone.open_page(MESSAGES_PAGE), show_window=True)
