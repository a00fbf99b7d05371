"""The typed commands to the widget: their messages, and when the widget would drop them (protocol notes)."""

from __future__ import annotations

import pytest

from desktop.core.bridge_js import post_message_js
from desktop.core.widget_commands import (
    COMMAND_TYPES,
    AuthorizationCode,
    CallAction,
    ControlCall,
    Login,
    Logout,
    NavigateTo,
    NewCall,
    NewSms,
    Presence,
    SetPresence,
    refusal,
)


def test_messages() -> None:
    assert ControlCall(CallAction.ANSWER).message() == {"type": "rc-adapter-control-call", "callAction": "answer"}
    assert ControlCall(CallAction.TO_VOICEMAIL, "s-1").message() == {
        "type": "rc-adapter-control-call", "callAction": "toVoicemail", "callId": "s-1"}
    assert SetPresence(Presence.DO_NOT_DISTURB).message() == {
        "type": "rc-adapter-set-presence", "userStatus": "Busy", "dndStatus": "DoNotAcceptAnyCalls"}
    assert SetPresence(Presence.AVAILABLE).message()["dndStatus"] == "TakeAllCalls"
    assert NewCall("+16505550100").message() == {"type": "rc-adapter-new-call", "phoneNumber": "+16505550100",
                                                  "toCall": True}
    assert NewSms("101").message() == {"type": "rc-adapter-new-sms", "phoneNumber": "101"}
    assert NavigateTo("/messages").message() == {"type": "rc-adapter-navigate-to", "path": "/messages"}
    assert Logout().message() == {"type": "rc-adapter-logout"} and Login().message() == {"type": "rc-adapter-login"}
    for command in (ControlCall(CallAction.MUTE), SetPresence(Presence.BUSY), NavigateTo("/history"), Logout()):
        assert command.type in COMMAND_TYPES and command.type in post_message_js(command)


@pytest.mark.parametrize(("sync", "presence"), [
    (("Available", "TakeAllCalls"), Presence.AVAILABLE), (("Busy", "TakeAllCalls"), Presence.BUSY),
    (("Available", "DoNotAcceptAnyCalls"), Presence.DO_NOT_DISTURB), (("Offline", "TakeAllCalls"), Presence.OFFLINE),
    (("Available", "TakeDepartmentCallsOnly"), Presence.AVAILABLE), (("Gone", None), None),
])
def test_presence_from_the_widgets_sync(sync: tuple[str, str | None], presence: Presence | None) -> None:
    assert Presence.from_sync(*sync) is presence


def test_what_the_widget_would_drop() -> None:
    idle = {"signed_in": True, "ringing": False, "active": False}
    assert refusal(ControlCall(CallAction.ANSWER), **idle) == "no call is ringing"
    assert refusal(ControlCall(CallAction.HANGUP), **idle) == "no call is in progress"
    assert refusal(ControlCall(CallAction.REJECT), **{**idle, "active": True}) == "no call is ringing"
    assert refusal(ControlCall(CallAction.REJECT), **{**idle, "ringing": True}) is None
    assert refusal(ControlCall(CallAction.MUTE), **{**idle, "active": True}) is None
    assert refusal(ControlCall(CallAction.HANGUP, "s-9"), **idle) is None  # an id: the widget decides
    for signed_in in (False, None):
        state = {"signed_in": signed_in, "ringing": True, "active": True}
        assert refusal(SetPresence(Presence.BUSY), **state) == "the phone is not signed in"
        assert refusal(ControlCall(CallAction.ANSWER), **state) == "the phone is not signed in"
        assert refusal(Login(), **state) is None
    assert refusal(Login(), **idle) == "already signed in"
    assert refusal(AuthorizationCode("http://127.0.0.1:1/cb?code=x&state=y"), signed_in=None, ringing=False,
                   active=False) is None


STATES = [{"signed_in": signed_in, "ringing": ringing, "active": active}
          for signed_in in (True, False, None) for ringing in (False, True) for active in (False, True)]


@pytest.mark.parametrize("state", STATES)
def test_an_authorization_code_is_always_delivered(state: dict[str, bool | None]) -> None:
    """The widget's OAuth listener takes a callbackUri whatever its state (protocol notes §2.4), also while signed
    in: an account switch, or a sign-in that finished on another path, is the widget's to settle, not the app's."""
    assert refusal(AuthorizationCode("http://127.0.0.1:1/cb?code=x&state=y"), **state) is None


@pytest.mark.parametrize("command", [NewCall("+16505550100"), NewSms("+16505550100", "Running late")])
def test_a_new_call_or_text_waits_for_sign_in(command: NewCall | NewSms) -> None:
    """The widget drops rc-adapter-new-call and -new-sms while signed out (§4): before the first login status too."""
    for signed_in in (False, None):
        assert refusal(command, signed_in=signed_in, ringing=False, active=False) == "the phone is not signed in"
    assert refusal(command, signed_in=True, ringing=False, active=False) is None
