"""The words and buttons of call notifications and the tray's call items, and what the buttons do."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from desktop.core.call_state import (
    ANSWER,
    CALL_BACK,
    DECLINE,
    OPEN,
    Call,
    CallBook,
    call_line,
    duration,
    hold_label,
    message_notification,
    missed_call_notification,
    mute_label,
    ring_notification,
)
from desktop.core.widget_commands import CallAction, Presence
from desktop.ui.phone.call_actions import MESSAGES_PAGE, CallActions

BOB = {"id": "in-1", "direction": "Inbound", "fromNumber": "+16505550123", "fromUserName": "Bob Smith",
       "callStatus": "webphone-session-connecting"}


def test_a_ring_offers_answer_and_decline() -> None:
    note = ring_notification(BOB)
    assert (note.kind, note.title, note.body) == ("call", "Incoming call", "Bob Smith (+16505550123)")
    assert note.actions == ((ANSWER, "Answer"), (DECLINE, "Decline"))


def test_a_missed_call_offers_call_back_only_with_a_number() -> None:
    book = CallBook()
    book.apply("rc-call-ring-notify", BOB)
    book.apply("rc-call-end-notify", BOB)
    (missed,) = book.take_missed()
    note = missed_call_notification(missed)
    assert (note.kind, note.title, note.body, note.actions) == \
        ("missed", "Missed call", "Bob Smith (+16505550123)", ((CALL_BACK, "Call Back"),))
    assert missed_call_notification(Call("x", False, "", "")).actions == ()
    assert missed_call_notification(Call("x", False, "", "")).body == "Unknown caller"


def test_new_messages_and_voicemail_offer_open() -> None:
    for kind in ("SMS", "VoiceMail", "Fax"):
        note = message_notification({"direction": "Inbound", "type": kind, "from": {"name": "Carol"}})
        assert note is not None and note.actions == ((OPEN, "Open"),)


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "00:00"), (5.9, "00:05"), (65, "01:05"), (3599, "59:59"), (3600, "1:00:00"), (7384, "2:03:04"),
    (-3, "00:00"),
])
def test_durations(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_the_call_line_and_the_toggle_labels_follow_the_call() -> None:
    book = CallBook()
    book.apply("rc-call-ring-notify", BOB, now=100.0)
    book.apply("rc-call-start-notify", {**BOB, "callStatus": "webphone-session-connected"}, now=110.0)
    call = book.active
    assert call is not None and call.since == 110.0
    assert call_line(call, 175.4) == "Bob Smith (+16505550123) · 01:05"
    assert (mute_label(call), hold_label(call)) == ("Mute", "Hold")
    book.apply("rc-call-mute-notify", {**BOB, "isOnMute": True})
    book.apply("rc-call-hold-notify", {**BOB, "isOnMute": True, "isOnHold": True})
    assert (mute_label(call), hold_label(call)) == ("Unmute", "Resume")
    assert call_line(call, 110.0) == "Bob Smith (+16505550123) · 00:00 · on hold · muted"
    assert call_line(Call("x", False, ""), 5.0) == "Unknown caller · 00:00"


@dataclass
class StubPhone:
    """Records what the actions asked of the phone; ``refuse`` is the reason it gives (None: sent)."""

    refuse: str | None = None
    sent: list[tuple[object, ...]] = field(default_factory=list)
    declined: set[str] = field(default_factory=set)

    def _record(self, *what: object) -> str | None:
        self.sent.append(what)
        return self.refuse

    def control(self, action: CallAction, call_id: str | None = None) -> str | None:
        return self._record(action, call_id)

    def toggle_mute(self) -> str | None:
        return self._record("toggle mute")

    def toggle_hold(self) -> str | None:
        return self._record("toggle hold")

    def set_presence(self, presence: Presence) -> str | None:
        return self._record(presence)

    def call(self, number: str) -> str | None:
        return self._record("call", number)

    def open_page(self, path: str) -> str | None:
        return self._record("open", path)


def actions_over(phone: StubPhone) -> tuple[CallActions, list[str], list[str]]:
    shown: list[str] = []
    notices: list[str] = []
    return CallActions(phone, lambda: shown.append("front"), notices.append), shown, notices  # type: ignore[arg-type]


def test_the_actions_send_the_right_commands_and_bring_the_window_up_where_it_helps() -> None:
    phone = StubPhone()
    actions, shown, notices = actions_over(phone)
    actions.decline("in-2")
    actions.hang_up("in-1")
    actions.toggle_mute()
    actions.toggle_hold()
    actions.set_presence(Presence.DO_NOT_DISTURB)
    assert shown == []  # none of these needs the window
    actions.answer("in-2")
    assert shown == ["front"]  # the answered call's controls are in the window
    actions.open_messages()
    assert phone.sent == [(CallAction.REJECT, "in-2"), (CallAction.HANGUP, "in-1"), ("toggle mute",),
                          ("toggle hold",), (Presence.DO_NOT_DISTURB,), (CallAction.ANSWER, "in-2"),
                          ("open", MESSAGES_PAGE)]
    assert MESSAGES_PAGE == "/messages" and shown == ["front", "front"] and notices == []


def test_call_back_dials_the_number_and_is_then_no_longer_offered() -> None:
    phone = StubPhone()
    actions, shown, _ = actions_over(phone)
    bob = Call("in-1", False, "Bob Smith (+16505550123)", "+16505550123", inbound=True)
    actions.missed(bob)
    assert actions.last_missed is bob
    actions.call_back(bob)
    assert phone.sent == [("call", "+16505550123")] and shown == ["front"] and actions.last_missed is None


def test_a_refusal_is_shown_in_the_window_in_words() -> None:
    phone = StubPhone(refuse="no call is ringing")
    actions, shown, notices = actions_over(phone)
    actions.answer(None)
    assert notices == ["Not answered: no call is ringing."] and shown == ["front"]
    bob = Call("in-1", False, "Bob", "+16505550123")
    actions.missed(bob)
    phone.refuse = "the phone is not signed in"
    actions.call_back(bob)
    assert notices[-1] == "Not called back: the phone is not signed in." and actions.last_missed is bob
    nobody = Call("in-2", False, "Unknown caller", "")
    actions.call_back(nobody)
    assert notices[-1] == "Not called back: the missed call has no number." and phone.sent[-1] != ("call", "")
