"""Call controls from outside the page, against the fake widget: the buttons of the desktop's notifications
(ActionInvoked on a private D-Bus bus) and the tray menu each reach the widget as exactly the right command,
and what the widget answers shows up in the tray (labels, duration, presence, the icon)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QMenu

from desktop.core.call_state import PhoneState
from desktop.core.widget_commands import COMMAND_TYPES, Presence
from desktop.ui.system.tray import AppTray, state_icon
from tests.integration.desktop_helpers import signed_in_and_ready
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine

FEATURES = "/restapi/v1.0/account/~/extension/~/features"
PRESENCE = "/restapi/v1.0/account/~/extension/~/presence"
# Every command the app posts, as the widget's window receives it (the widget's own events are left out).
RECORD_COMMANDS = f"""
window.__commands = [];
window.addEventListener('message', e => {{
  if (e.data && {json.dumps(sorted(COMMAND_TYPES))}.includes(e.data.type)) window.__commands.push(e.data);
}});
true
"""


class Commands:
    """What the app posted to the widget, read in turns: :meth:`new` gives what came since the last turn."""

    def __init__(self, app: AppUnderTest) -> None:
        self._app = app
        self._seen = 0

    async def start(self) -> None:
        await self._app.js(RECORD_COMMANDS)

    async def _all(self) -> list[dict[str, Any]]:
        # As JSON: arrays of objects do not come back from runJavaScript as lists.
        return list(json.loads(await self._app.js("JSON.stringify(window.__commands)")))

    async def new(self, count: int = 1) -> list[dict[str, Any]]:
        """The commands since the last call, once ``count`` have come (and a moment more, so that one too
        many would show up too)."""
        deadline = time.monotonic() + 10
        while len(await self._all()) < self._seen + count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        posted = await self._all()
        fresh, self._seen = posted[self._seen:], len(posted)
        return fresh


async def ring(app: AppUnderTest, number: str, name: str) -> str:
    """An inbound call rings; its session id."""
    before = len(app.events("rc-call-ring-notify"))
    assert await app.js(f"__fakeWidgetTest.incomingCall({json.dumps(number)}, {json.dumps(name)})") is True
    await wait_until(lambda: len(app.events("rc-call-ring-notify")) > before, what="the ring")
    return str(app.events("rc-call-ring-notify")[-1]["call"]["id"])


def ended(app: AppUnderTest, call_id: str) -> bool:
    return any(m["call"]["id"] == call_id for m in app.events("rc-call-end-notify"))


def started(app: AppUnderTest, call_id: str) -> bool:
    return any(m["call"]["id"] == call_id for m in app.events("rc-call-start-notify"))


def control(action: str, call_id: str) -> dict[str, Any]:
    return {"type": "rc-adapter-control-call", "callAction": action, "callId": call_id}


@pytest.fixture
def private_bus(tmp_path, monkeypatch) -> Iterator[Any]:
    from tests.support.notification_server import PrivateBus

    bus = PrivateBus(tmp_path)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    yield bus
    bus.stop()


NEW_CALL_TO_DAN = {"type": "rc-adapter-new-call", "phoneNumber": "+16505550177", "toCall": True}
OPEN_MESSAGES = {"type": "rc-adapter-navigate-to", "path": "/messages"}


async def buttons_answer_then_decline_the_waiting_call(app: AppUnderTest, server: Any, sent: Commands) -> None:
    window = app.window
    window.hide()
    bob = await ring(app, "+16505550123", "Bob Smith")
    await wait_until(lambda: len(server.calls) == 1, what="the ring on the desktop")
    assert server.buttons(1) == {"answer": "Answer", "decline": "Decline"}
    await wait_until(lambda: window.notifier.delivered, what="the notifier to know the id")
    server.invoke(1, "answer")
    await wait_until(lambda: started(app, bob), what="the call answered")
    assert await sent.new() == [control("answer", bob)] and window.isVisible()
    # Call waiting: Decline on the new call's notification declines that call, not the one in progress.
    carol = await ring(app, "+442071234567", "")
    await wait_until(lambda: len(server.calls) == 2 and len(window.notifier.delivered) == 2,
                     what="the second ring on the desktop")
    server.invoke(2, "decline")
    await wait_until(lambda: ended(app, carol), what="the waiting call declined")
    assert await sent.new() == [control("reject", carol)] and not ended(app, bob)
    assert window.calls.book.active is not None and window.calls.book.active.id == bob
    window.calls.actions.hang_up(bob)
    await wait_until(lambda: ended(app, bob), what="the call to end")
    assert await sent.new() == [control("hangup", bob)]


async def missed_call_button_calls_back(app: AppUnderTest, server: Any, sent: Commands) -> None:
    window = app.window
    dan = await ring(app, "+16505550177", "Dan")
    assert await app.js(f"__fakeWidgetTest.callEnds('{dan}')") is True
    await wait_until(lambda: any(c["summary"] == "Missed call" for c in server.calls), what="the missed call")
    missed = server.calls[-1]
    assert (missed["body"], server.buttons(missed["id"])) == ("Dan (+16505550177)", {"call-back": "Call Back"})
    # The declined call was not "missed": the person chose to let it go.
    assert [c["summary"] for c in server.calls] == ["Incoming call"] * 3 + ["Missed call"]
    window.hide()
    await wait_until(lambda: window.notifier.delivered[-1][1].kind == "missed", what="the missed call's id")
    server.invoke(missed["id"], "call-back")
    await wait_until(lambda: app.events("rc-call-init-notify"), what="the call back")
    assert app.events("rc-call-init-notify")[-1]["call"]["to"] == "+16505550177" and window.isVisible()
    assert await sent.new() == [NEW_CALL_TO_DAN]


async def messages_open_on_open_or_a_click(app: AppUnderTest, server: Any, sent: Commands) -> None:
    window = app.window
    assert await app.js("__fakeWidgetTest.voicemail('+16505550111', 'Carol', 20)") is True
    await wait_until(lambda: server.calls[-1]["summary"] == "New voicemail from Carol", what="the voicemail")
    assert server.buttons(server.calls[-1]["id"]) == {"open": "Open"}
    await wait_until(lambda: window.notifier.delivered[-1][1].kind == "message", what="the voicemail's id")
    window.hide()
    server.invoke(server.calls[-1]["id"], "open")
    assert await sent.new() == [OPEN_MESSAGES] and window.isVisible()
    assert await app.js("__fakeWidgetTest.inboundMessage('+16505550111', 'Carol', 'Running late')") is True
    await wait_until(lambda: server.calls[-1]["summary"] == "New message from Carol", what="the message")
    await wait_until(lambda: window.notifier.delivered[-1][1].title == "New message from Carol", what="its id")
    window.hide()
    server.click(server.calls[-1]["id"])
    assert await sent.new() == [OPEN_MESSAGES] and window.isVisible()


def test_notification_buttons_answer_decline_call_back_and_open(run_app, browser, private_bus) -> None:
    from tests.support.notification_server import FakeNotificationServer

    server = FakeNotificationServer(private_bus.address)

    async def scenario(app: AppUnderTest) -> None:
        await signed_in_and_ready(app)
        sent = Commands(app)
        await sent.start()
        app.window.desk.toggles["raise_on_ring"].setChecked(False)  # only the buttons may bring the window up
        await buttons_answer_then_decline_the_waiting_call(app, server, sent)
        await missed_call_button_calls_back(app, server, sent)
        await messages_open_on_open_or_a_click(app, server, sent)

    try:
        run_app(scenario)
    finally:
        server.stop()


def visible(menu: QMenu) -> dict[str, QAction]:
    """The menu's items the person sees (and those of its submenus), by text."""
    found: dict[str, QAction] = {}
    for action in menu.actions():
        if action.isVisible() and action.text():
            found[action.text()] = action
            if action.menu() is not None:
                found |= visible(action.menu())
    return found


CALL_ITEMS = {"Answer", "Decline", "Hang Up", "Mute", "Unmute", "Hold", "Resume"}


def icon_of(tray: AppTray) -> QImage:
    return tray.icon.icon().pixmap(32).toImage()


async def tray_answers_and_controls_the_call(app: AppUnderTest, tray: AppTray, sent: Commands) -> str:
    window, menu = app.window, tray.phone_menu
    window.hide()
    bob = await ring(app, "+16505550123", "Bob Smith")
    items = visible(tray.menu)
    assert {"Answer", "Decline"} <= set(items) and "Hang Up" not in items
    assert not any(text.startswith("Waiting") for text in items)  # the status line names the caller
    items["Answer"].trigger()
    await wait_until(lambda: started(app, bob), what="the call answered")
    assert await sent.new() == [control("answer", bob)] and window.isVisible()
    # In progress: who and how long, Hang Up, Mute, Hold; the duration runs while the menu is open.
    items = visible(tray.menu)
    assert {"Hang Up", "Mute", "Hold"} <= set(items) and "Answer" not in items
    active = window.calls.book.active
    assert active is not None and active.since is not None
    since = active.since
    menu._clock = lambda: since + 65.2
    tray.menu.aboutToShow.emit()
    assert menu.call_line.text() == "Bob Smith (+16505550123) · 01:05" and menu._timer.isActive()
    menu._clock = lambda: since + 66.0
    menu._timer.timeout.emit()
    assert menu.call_line.text() == "Bob Smith (+16505550123) · 01:06"
    tray.menu.aboutToHide.emit()
    assert not menu._timer.isActive()
    # Mute and Hold say what they will do next, as the widget reports the call.
    items["Mute"].trigger()
    await wait_until(lambda: menu.mute.text() == "Unmute", what="the mute")
    items["Hold"].trigger()
    await wait_until(lambda: menu.hold.text() == "Resume", what="the hold")
    assert menu.call_line.text().endswith("· on hold · muted")
    visible(tray.menu)["Resume"].trigger()
    await wait_until(lambda: menu.hold.text() == "Hold", what="the resume")
    visible(tray.menu)["Unmute"].trigger()
    await wait_until(lambda: menu.mute.text() == "Mute", what="the unmute")
    assert await sent.new(4) == [control(action, bob) for action in ("mute", "hold", "unhold", "unmute")]
    return bob


async def tray_declines_the_waiting_call_then_hangs_up(app: AppUnderTest, tray: AppTray, sent: Commands,
                                                        bob: str) -> None:
    carol = await ring(app, "+442071234567", "")
    items = visible(tray.menu)
    assert {"Waiting: +442071234567", "Answer", "Decline", "Hang Up"} <= set(items)
    items["Decline"].trigger()
    await wait_until(lambda: ended(app, carol), what="the waiting call declined")
    assert await sent.new() == [control("reject", carol)] and not ended(app, bob)
    visible(tray.menu)["Hang Up"].trigger()
    await wait_until(lambda: ended(app, bob), what="the call to end")
    assert await sent.new() == [control("hangup", bob)]
    assert CALL_ITEMS.isdisjoint(visible(tray.menu))
    # Nothing to hang up (a menu left open too long): the refusal is shown in words, and nothing is sent.
    tray.phone_menu.hang_up.trigger()
    assert app.window.notice_bar.label.text() == "Not hung up: no call is in progress."


async def tray_calls_back(app: AppUnderTest, tray: AppTray, server: Any, sent: Commands) -> None:
    dan = await ring(app, "+16505550177", "Dan")
    assert await app.js(f"__fakeWidgetTest.callEnds('{dan}')") is True
    await wait_until(lambda: "Call Back Dan (+16505550177)" in visible(tray.menu), what="Call Back")
    await wait_until(lambda: server.calls[-1]["summary"] == "Missed call", what="the missed call's notification")
    assert server.calls[-1]["actions"] == ["default", "Show"]  # no buttons on this desktop: the tray has it
    assert [c["summary"] for c in server.calls].count("Missed call") == 1  # the declined call is not missed
    visible(tray.menu)["Call Back Dan (+16505550177)"].trigger()
    await wait_until(lambda: app.events("rc-call-init-notify"), what="the call back")
    assert await sent.new() == [NEW_CALL_TO_DAN]
    assert not any(text.startswith("Call Back") for text in visible(tray.menu))
    callback = app.events("rc-call-init-notify")[-1]["call"]["id"]
    assert await app.js(f"__fakeWidgetTest.callEnds('{callback}')") is True
    await wait_until(lambda: not app.window.calls.book, what="the call back to end")


async def tray_sets_presence(app: AppUnderTest, tray: AppTray, sent: Commands) -> None:
    """Set from the tray, the presence comes back as a sync: then the line, the check and the icon follow."""
    menu = tray.phone_menu
    visible(tray.menu)["Busy"].trigger()
    await wait_until(lambda: menu.presence_line.text() == "Presence: Busy", what="the Busy sync")
    assert [p for p, item in menu.presences.items() if item.isChecked()] == [Presence.BUSY]
    assert icon_of(tray) == state_icon(PhoneState.IDLE, Presence.BUSY).pixmap(32).toImage()
    visible(tray.menu)["Do Not Disturb"].trigger()
    await wait_until(lambda: menu.presence_line.text() == "Presence: Do Not Disturb", what="the DND sync")
    assert await sent.new(2) == [
        {"type": "rc-adapter-set-presence", "userStatus": "Busy", "dndStatus": "TakeAllCalls"},
        {"type": "rc-adapter-set-presence", "userStatus": "Busy", "dndStatus": "DoNotAcceptAnyCalls"}]
    icons = [state_icon(state, p).pixmap(32).toImage() for state in PhoneState for p in [None, *Presence]]
    assert icon_of(tray) == icons[3]  # idle, Do Not Disturb
    # Idle, each presence has its own dot; ringing and on a call, the call's badge is all the corner shows.
    assert all(icons[i] != icons[j] for i in range(5) for j in range(i + 1, 5))
    assert all(icon == icons[5] for icon in icons[5:10]) and all(icon == icons[10] for icon in icons[10:])
    assert icons[5] != icons[10] and icons[10] not in icons[:5]


def test_the_tray_menu_controls_calls_and_presence(run_app, browser, platform, private_bus) -> None:
    """A notification server without buttons: the tray offers them, and everything else about the phone."""
    from tests.support.notification_server import FakeNotificationServer

    server = FakeNotificationServer(private_bus.address, actions=False)
    platform.api[FEATURES]["records"].append({"id": "EditPresenceStatus", "available": True})
    platform.api_overrides[PRESENCE] = (200, {})  # the presence GET and PUT: accepted

    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        tray = AppTray(available=lambda: True)  # as the app's controller wires it
        window.state_changed.connect(tray.update)
        tray.set_window(window)
        try:
            assert not tray.phone_menu.presence_menu.isEnabled()  # not signed in yet: no presence to set
            await signed_in_and_ready(app)
            sent = Commands(app)
            await sent.start()
            await wait_until(lambda: window.phone.presence is Presence.AVAILABLE, what="the presence sync")
            menu = tray.phone_menu
            assert menu.presence_line.text() == "Presence: Available" and menu.presence_menu.isEnabled()
            assert menu.presences[Presence.AVAILABLE].isChecked() and "Presence: Available" in tray.icon.toolTip()
            assert icon_of(tray) == state_icon(PhoneState.IDLE, Presence.AVAILABLE).pixmap(32).toImage()
            assert CALL_ITEMS.isdisjoint(visible(tray.menu))
            bob = await tray_answers_and_controls_the_call(app, tray, sent)
            await tray_declines_the_waiting_call_then_hangs_up(app, tray, sent, bob)
            await tray_calls_back(app, tray, server, sent)
            await tray_sets_presence(app, tray, sent)
        finally:
            tray.icon.hide()

    try:
        run_app(scenario)
    finally:
        server.stop()
