"""What the phone is doing, from the widget's call events: idle, ringing or on a call.

Pure bookkeeping over the ``rc-call-*-notify`` messages (payload ``call``: the widget's normalised web
phone session, see the protocol notes), plus the words shown in the title, the tray and notifications, and
the buttons a notification offers (their keys go to the desktop and come back when one is pressed).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from desktop.core.records import record

RING = "rc-call-ring-notify"
#: Events that mean a call of ours is under way (an outbound one starts with init).
ONGOING = frozenset({"rc-call-init-notify", "rc-call-start-notify", "rc-call-hold-notify",
                     "rc-call-resume-notify", "rc-call-mute-notify"})
END = "rc-call-end-notify"
CALL_EVENTS = frozenset({RING, END, *ONGOING})
#: A notification's buttons, by the key the desktop reports back (``default`` is a click on the notification).
ANSWER, DECLINE, CALL_BACK, OPEN = "answer", "decline", "call-back", "open"
#: The session statuses of a call that rings and has not been answered yet.
_RINGING_STATUSES = frozenset({"webphone-session-connecting", "webphone-session-setup"})


class PhoneState(Enum):
    IDLE = "idle"
    RINGING = "ringing"
    ON_CALL = "on call"


@record
class Notification:
    """A desktop notification: what it says, and which kind (for settings and tests)."""

    kind: str  # "call" | "missed" | "message" | "web" | "app" (the app's own, e.g. "still running in the tray")
    title: str
    body: str
    #: Buttons as (key, label), shown where the desktop supports them; the tray menu offers the same otherwise.
    actions: tuple[tuple[str, str], ...] = ()


def call_id(call: object) -> str:
    if isinstance(call, dict):
        return str(call.get("id") or call.get("callId") or "unknown")
    return "unknown"


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def caller(call: dict[str, Any]) -> str:
    """Who is calling, in words: the name (the session's or the matched contact's) and the number."""
    inbound = call.get("direction") != "Outbound"
    number = _text(call.get("fromNumber") or call.get("from")) if inbound else _text(call.get("to"))
    name = _text(call.get("fromUserName")) if inbound else _text(call.get("toUserName"))
    match = call.get("contactMatch")
    if not name and isinstance(match, dict):
        name = _text(match.get("name"))
    if name and number and name != number:
        return f"{name} ({number})"
    return name or number or "Unknown caller"


@record(frozen=False)
class Call:
    """One call as the app knows it from the widget's events."""

    id: str
    ringing: bool
    who: str
    #: The other party's number, for Call Back (the caller of an inbound call, the callee of an outbound one).
    number: str = ""
    inbound: bool = False
    #: time.monotonic() when it was answered (for the duration in the tray); None while ringing.
    since: float | None = None
    muted: bool = False
    held: bool = False


def _number(details: dict[str, Any]) -> str:
    inbound = details.get("direction") == "Inbound"
    return _text(details.get("fromNumber") or details.get("from")) if inbound else _text(details.get("to"))


class CallBook:
    """The calls the widget told us about, by id; ringing until one is answered."""

    def __init__(self) -> None:
        self._calls: dict[str, Call] = {}
        #: Inbound calls that ended while still ringing, oldest first (taken by :meth:`take_missed`).
        self._missed: list[Call] = []

    def apply(self, kind: str, call: object, *, now: float = 0.0) -> bool:
        """Take one call event; True if the phone's state (or who is on it) changed."""
        before = (self.state, self.who)
        key = call_id(call)
        details = call if isinstance(call, dict) else {}
        known = self._calls.get(key)
        if kind == END:
            ended = self._calls.pop(key, None)
            if ended is not None and ended.ringing and ended.inbound:
                self._missed.append(ended)
        elif kind == RING:
            self._calls[key] = Call(key, True, caller(details), _number(details), inbound=True)
        elif kind in ONGOING:
            ringing = kind == "rc-call-init-notify" and details.get("direction") == "Inbound" and \
                details.get("callStatus") in _RINGING_STATUSES
            entry = known or Call(key, ringing, "", inbound=details.get("direction") == "Inbound")
            entry.ringing = ringing
            if details:
                entry.who, entry.number = caller(details), _number(details) or entry.number
                entry.muted, entry.held = bool(details.get("isOnMute")), bool(details.get("isOnHold"))
            if not ringing and entry.since is None:
                entry.since = now
            self._calls[key] = entry
        return (self.state, self.who) != before

    def clear(self) -> None:
        self._calls.clear()

    def take_missed(self) -> list[Call]:
        missed, self._missed = self._missed, []
        return missed

    @property
    def ids(self) -> set[str]:
        return set(self._calls)

    @property
    def ringing_ids(self) -> set[str]:
        return {key for key, entry in self._calls.items() if entry.ringing}

    @property
    def ringing(self) -> Call | None:
        """The newest ringing call (the one a bare answer or reject acts on)."""
        calls = [entry for entry in self._calls.values() if entry.ringing]
        return calls[-1] if calls else None

    @property
    def active(self) -> Call | None:
        """The call in progress (the one a bare hangup, mute or hold acts on)."""
        calls = [entry for entry in self._calls.values() if not entry.ringing]
        return calls[-1] if calls else None

    def __bool__(self) -> bool:
        return bool(self._calls)

    @property
    def state(self) -> PhoneState:
        if any(not entry.ringing for entry in self._calls.values()):
            return PhoneState.ON_CALL
        return PhoneState.RINGING if self._calls else PhoneState.IDLE

    @property
    def who(self) -> str:
        """The caller of the call that decides the state (an answered one before a ringing one)."""
        state = self.state
        for entry in self._calls.values():
            if entry.ringing == (state is PhoneState.RINGING):
                return entry.who
        return ""

    def status_text(self) -> str:
        """For the title and tray: "Ringing: Alice (+1650…)", "On call: …", or "" when idle."""
        state = self.state
        if state is PhoneState.IDLE:
            return ""
        label = "Ringing" if state is PhoneState.RINGING else "On call"
        return f"{label}: {self.who}" if self.who else label


def ring_notification(call: object) -> Notification:
    return Notification("call", "Incoming call", caller(call if isinstance(call, dict) else {}),
                        ((ANSWER, "Answer"), (DECLINE, "Decline")))


def missed_call_notification(call: Call) -> Notification:
    """For an inbound call that ended unanswered; Call Back only when there is a number to call."""
    actions = ((CALL_BACK, "Call Back"),) if call.number else ()
    return Notification("missed", "Missed call", call.who or "Unknown caller", actions)


def duration(seconds: float) -> str:
    """mm:ss, or h:mm:ss from an hour on (a clock never shows a negative time)."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def call_line(call: Call, now: float) -> str:
    """The tray's line for the call in progress: "Alice (+1650…) · 01:05 · on hold"."""
    parts = [call.who or "Unknown caller", duration(now - call.since) if call.since is not None else "00:00"]
    parts += [state for state, on in (("on hold", call.held), ("muted", call.muted)) if on]
    return " · ".join(parts)


def mute_label(call: Call) -> str:
    return "Unmute" if call.muted else "Mute"


def hold_label(call: Call) -> str:
    return "Resume" if call.held else "Hold"


def message_notification(message: object) -> Notification | None:
    """For ``rc-inbound-message-notify``: None unless it is an unread inbound message."""
    if not isinstance(message, dict) or message.get("direction") != "Inbound":
        return None
    if message.get("readStatus", "Unread") != "Unread":
        return None
    sender = message.get("from")
    if not isinstance(sender, dict):
        sender = {}
    who = _text(sender.get("name")) or _text(sender.get("phoneNumber")) or _text(sender.get("extensionNumber"))
    kind = {"VoiceMail": "New voicemail", "Fax": "New fax"}.get(str(message.get("type")), "New message")
    subject = " ".join(_text(message.get("subject")).split())
    if len(subject) > 120:
        subject = subject[:119] + "…"
    return Notification("message", kind + (f" from {who}" if who else ""), subject or "Open the phone to read it.",
                        ((OPEN, "Open"),))
