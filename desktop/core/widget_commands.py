"""Every command the app sends to the widget, typed, with the protocol's rules beside each.

The one place a command's message is built: the bridge posts only these, never a dict put together in a UI
module. Rules from the protocol notes (``rc-adapter-*`` in docs/embeddable-protocol.md) that decide whether
the widget acts or silently drops a command are checked by :func:`refusal` against what the app knows, so a
caller (a tray item, a hotkey, ``embeddable-desktop call answer``) can tell the person instead of sending a
command into the void.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from desktop.core.records import record


class CallAction(Enum):
    """``rc-adapter-control-call``'s actions the app uses. Without an id, the widget applies the ``RINGING``
    ones to the ringing call and the others to the active call (so during call waiting a bare reject declines
    the new call and a bare hangup ends the one in progress)."""

    ANSWER = "answer"
    REJECT = "reject"
    TO_VOICEMAIL = "toVoicemail"
    HANGUP = "hangup"
    HOLD = "hold"
    UNHOLD = "unhold"
    MUTE = "mute"
    UNMUTE = "unmute"

    @property
    def on_ringing_call(self) -> bool:
        return self in (CallAction.ANSWER, CallAction.REJECT, CallAction.TO_VOICEMAIL)


class Presence(Enum):
    """What the person can choose, as the widget's ``userStatus`` and ``dndStatus`` pair."""

    AVAILABLE = ("Available", "TakeAllCalls")
    BUSY = ("Busy", "TakeAllCalls")
    DO_NOT_DISTURB = ("Busy", "DoNotAcceptAnyCalls")
    OFFLINE = ("Offline", "TakeAllCalls")

    @property
    def label(self) -> str:
        return {"AVAILABLE": "Available", "BUSY": "Busy", "DO_NOT_DISTURB": "Do Not Disturb",
                "OFFLINE": "Offline"}[self.name]

    @classmethod
    def from_sync(cls, user_status: object, dnd_status: object) -> Presence | None:
        """The choice a ``rc-adapter-syncPresence`` reports, or None for a state the menu does not offer."""
        if dnd_status == "DoNotAcceptAnyCalls":
            return cls.DO_NOT_DISTURB
        return {"Available": cls.AVAILABLE, "Busy": cls.BUSY, "Offline": cls.OFFLINE}.get(str(user_status))


@record
class NewCall:
    number: str
    type = "rc-adapter-new-call"

    def message(self) -> dict[str, Any]:
        return {"type": self.type, "phoneNumber": self.number, "toCall": True}


@record
class NewSms:
    number: str
    text: str = ""
    type = "rc-adapter-new-sms"

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {"type": self.type, "phoneNumber": self.number}
        if self.text:
            message["text"] = self.text
        return message


@record
class ControlCall:
    action: CallAction
    #: The webphone session id from ``rc-call-*-notify``; None lets the widget pick (see CallAction).
    call_id: str | None = None
    type = "rc-adapter-control-call"

    def message(self) -> dict[str, Any]:
        message: dict[str, Any] = {"type": self.type, "callAction": self.action.value}
        if self.call_id is not None:
            message["callId"] = self.call_id
        return message


@record
class SetPresence:
    presence: Presence
    type = "rc-adapter-set-presence"

    def message(self) -> dict[str, Any]:
        user_status, dnd_status = self.presence.value
        return {"type": self.type, "userStatus": user_status, "dndStatus": dnd_status}


@record
class NavigateTo:
    """Open a page of the widget (``/messages``, ``/history``, ``/dialer``)."""

    path: str
    type = "rc-adapter-navigate-to"

    def message(self) -> dict[str, Any]:
        return {"type": self.type, "path": self.path}


@record
class Logout:
    type = "rc-adapter-logout"

    def message(self) -> dict[str, Any]:
        return {"type": self.type}


@record
class Login:
    type = "rc-adapter-login"

    def message(self) -> dict[str, Any]:
        return {"type": self.type}


@record
class AuthorizationCode:
    """The checked loopback callback, for the widget to exchange with the PKCE verifier it holds."""

    callback_uri: str
    type = "rc-adapter-authorization-code"

    def message(self) -> dict[str, Any]:
        return {"type": self.type, "callbackUri": self.callback_uri}


WidgetCommand = NewCall | NewSms | ControlCall | SetPresence | NavigateTo | Logout | Login | AuthorizationCode
#: Only these message types ever go from the app to the widget.
COMMAND_TYPES = frozenset(kind.type for kind in (NewCall, NewSms, ControlCall, SetPresence, NavigateTo, Logout,
                                                 Login, AuthorizationCode))


def refusal(command: WidgetCommand, *, signed_in: bool | None, ringing: bool, active: bool) -> str | None:
    """Why the widget would drop ``command`` now (the app's view of it), or None when it would act."""
    if isinstance(command, Login):
        return "already signed in" if signed_in else None
    if isinstance(command, AuthorizationCode):
        return None
    if signed_in is not True:
        return "the phone is not signed in"
    if isinstance(command, ControlCall) and command.call_id is None:
        if command.action.on_ringing_call and not ringing:
            return "no call is ringing"
        if not command.action.on_ringing_call and not active:
            return "no call is in progress"
    return None
