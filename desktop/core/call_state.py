"""What the phone is doing, from the widget's call events: idle, ringing or on a call.

Pure bookkeeping over the ``rc-call-*-notify`` messages (payload ``call``: the widget's normalised web
phone session, see the protocol notes), plus the words shown in the title, the tray and notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

RING = "rc-call-ring-notify"
#: Events that mean a call of ours is under way (an outbound one starts with init).
ONGOING = frozenset({"rc-call-init-notify", "rc-call-start-notify", "rc-call-hold-notify",
                     "rc-call-resume-notify", "rc-call-mute-notify"})
END = "rc-call-end-notify"
CALL_EVENTS = frozenset({RING, END, *ONGOING})
#: The session statuses of a call that rings and has not been answered yet.
_RINGING_STATUSES = frozenset({"webphone-session-connecting", "webphone-session-setup"})


class PhoneState(Enum):
    IDLE = "idle"
    RINGING = "ringing"
    ON_CALL = "on call"


@dataclass(frozen=True)
class Notification:
    """A desktop notification: what it says, and which kind (for settings and tests)."""

    kind: str  # "call" | "message" | "web" | "app" (the app's own, e.g. "still running in the tray")
    title: str
    body: str


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


class CallBook:
    """The calls the widget told us about, by id; ringing until one is answered."""

    def __init__(self) -> None:
        self._calls: dict[str, tuple[bool, str]] = {}  # id -> (ringing, who)

    def apply(self, kind: str, call: object) -> bool:
        """Take one call event; True if the phone's state (or who is on it) changed."""
        before = (self.state, self.who)
        key = call_id(call)
        details = call if isinstance(call, dict) else {}
        if kind == END:
            self._calls.pop(key, None)
        elif kind == RING:
            self._calls[key] = (True, caller(details))
        elif kind in ONGOING:
            ringing = kind == "rc-call-init-notify" and details.get("direction") == "Inbound" and \
                details.get("callStatus") in _RINGING_STATUSES
            self._calls[key] = (ringing, caller(details) if details else self._calls.get(key, (False, ""))[1])
        return (self.state, self.who) != before

    def clear(self) -> None:
        self._calls.clear()

    @property
    def ids(self) -> set[str]:
        return set(self._calls)

    @property
    def ringing_ids(self) -> set[str]:
        return {key for key, (ringing, _) in self._calls.items() if ringing}

    def __bool__(self) -> bool:
        return bool(self._calls)

    @property
    def state(self) -> PhoneState:
        if any(not ringing for ringing, _ in self._calls.values()):
            return PhoneState.ON_CALL
        return PhoneState.RINGING if self._calls else PhoneState.IDLE

    @property
    def who(self) -> str:
        """The caller of the call that decides the state (an answered one before a ringing one)."""
        state = self.state
        for ringing, who in self._calls.values():
            if ringing == (state is PhoneState.RINGING):
                return who
        return ""

    def status_text(self) -> str:
        """For the title and tray: "Ringing: Alice (+1650…)", "On call: …", or "" when idle."""
        state = self.state
        if state is PhoneState.IDLE:
            return ""
        label = "Ringing" if state is PhoneState.RINGING else "On call"
        return f"{label}: {self.who}" if self.who else label


def ring_notification(call: object) -> Notification:
    return Notification("call", "Incoming call", caller(call if isinstance(call, dict) else {}))


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
    return Notification("message", kind + (f" from {who}" if who else ""), subject or "Open the phone to read it.")
