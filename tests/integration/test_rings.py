"""Rings, messages and web notifications against the fake widget: notifications (D-Bus, tray), the window
brought up, call state in the title and the tray, reload refused during a call, the app's own wiring."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtWidgets import QApplication

from desktop.core.widget_commands import CallAction, ControlCall
from tests.integration.desktop_helpers import js_until, signed_in_and_ready, started_controller
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine


def test_a_ring_notifies_raises_the_window_and_shows_the_call_state(run_app, browser, monkeypatch) -> None:
    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        await signed_in_and_ready(app)
        base_title = window.windowTitle()
        alerts: list[object] = []
        monkeypatch.setattr(QApplication, "alert", lambda widget, ms=0: alerts.append(widget))
        window.hide()  # the agent closed it to the tray
        assert await app.js("__fakeWidgetTest.incomingCall('+16505550123', 'Bob Smith')") is True
        await wait_until(lambda: window.notifier.delivered, what="the ring notification")
        _backend, note = window.notifier.delivered[-1]
        assert (note.kind, note.title, note.body) == ("call", "Incoming call", "Bob Smith (+16505550123)")
        assert window.isVisible()  # brought to the front (raise_on_ring defaults to on)
        assert alerts == [window]  # and the task bar entry flashes, where the desktop refuses focus
        assert window.windowTitle() == f"Ringing: Bob Smith (+16505550123) — {base_title}"
        # A call is ringing: Reload is refused, with a word why.
        window.desk.reload.trigger()
        assert "Not reloaded: a call is active" in window.notice_bar.label.text()
        call_id = window.calls.book.ids.pop()
        assert window.phone.control(CallAction.ANSWER, call_id) is None
        await wait_until(lambda: window.windowTitle().startswith("On call: Bob Smith"), what="the answered call")
        # A second call rings during the first (call waiting): announced too, and the window comes up again.
        window.hide()
        assert await app.js("__fakeWidgetTest.incomingCall('+442071234567', '')") is True
        await wait_until(lambda: len(window.notifier.delivered) == 2, what="the second ring's notification")
        assert window.notifier.delivered[-1][1].body == "+442071234567" and window.isVisible()
        assert window.windowTitle().startswith("On call: Bob Smith")  # the answered call still names the state
        for ringing in window.calls.book.ids:  # hanging up a call still ringing declines it: not "missed"
            assert window.phone.control(CallAction.HANGUP, ringing) is None
        await wait_until(lambda: window.windowTitle() == base_title, what="the calls to end")
        loads = len(app.loaded)
        window.desk.reload.trigger()  # idle now: it reloads, and the session comes back from the profile
        await wait_until(lambda: len(app.loaded) > loads, what="the reload")
        assert len(window.notifier.delivered) == 2  # two rings, two notifications

    run_app(scenario)


def test_rings_respect_the_settings(run_app, browser, platform, redirect_port) -> None:
    from tests.integration.conftest import app_argv

    async def scenario(app: AppUnderTest) -> None:
        await signed_in_and_ready(app)
        app.window.hide()
        window = app.window
        window.desk.toggles["raise_on_ring"].setChecked(False)
        window.desk.toggles["notifications"].setChecked(False)
        await app.js("__fakeWidgetTest.incomingCall('+16505550123', '')")
        await wait_until(lambda: window.calls.book, what="the ringing call")
        await asyncio.sleep(0.3)
        assert not window.isVisible() and window.notifier.delivered == []
        assert window.windowTitle().startswith("Ringing: +16505550123")

    run_app(scenario, argv=app_argv(platform, redirect_port))


def test_messages_and_the_widgets_own_web_notifications(run_app, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        await signed_in_and_ready(app)
        await app.js("__fakeWidgetTest.inboundMessage('+16505550111', 'Carol', 'Running late')")
        await wait_until(lambda: window.notifier.delivered, what="the message notification")
        note = window.notifier.delivered[-1][1]
        assert (note.kind, note.title, note.body) == ("message", "New message from Carol", "Running late")
        # The widget's own `new Notification(...)` reaches the desktop too (the presenter is the profile's).
        window.profile.setNotificationPresenter(window.notifier.present_web_notification)
        permission = await app.js("Notification.requestPermission().then(p => window.__perm = p); 0")
        assert permission == 0
        assert await js_until(app, "window.__perm", "the permission answer") == "granted"
        await app.js("window.__shown = 0; const n = new Notification('Queue alert', {body: '3 waiting'});"
                     "n.onshow = () => { window.__shown += 1; }")
        await wait_until(lambda: len(window.notifier.delivered) == 2, what="the web notification")
        note = window.notifier.delivered[-1][1]
        assert (note.kind, note.title, note.body) == ("web", "Queue alert", "3 waiting")
        assert await js_until(app, "window.__shown", "the page to see it shown") == 1

    run_app(scenario)


def test_linux_notifications_go_to_the_desktop_and_a_click_shows_the_window(run_app, browser, tmp_path,
                                                                           monkeypatch) -> None:
    from tests.support.notification_server import FakeNotificationServer, PrivateBus

    bus = PrivateBus(tmp_path)
    server = FakeNotificationServer(bus.address)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)

    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        await signed_in_and_ready(app)
        window.hide()
        window.desk.toggles["raise_on_ring"].setChecked(False)  # only the click may show it now
        await app.js("__fakeWidgetTest.incomingCall('+16505550123', 'Bob Smith')")
        await wait_until(lambda: window.notifier.delivered, what="the notification on the desktop")
        assert window.notifier.delivered[-1][0] == "dbus" and len(server.calls) == 1
        call = server.calls[-1]
        assert (call["summary"], call["body"], call["hints"]["urgency"]) == \
            ("Incoming call", "Bob Smith (+16505550123)", 2)
        assert not window.isVisible()
        server.click(call["id"])
        await wait_until(window.isVisible, what="the window after the click")
        # Answered: the "Incoming call" notification is taken down, not left to pile up all day.
        window.bridge.post(ControlCall(CallAction.ANSWER))
        await wait_until(lambda: server.closed == [call["id"]], what="the ring's notification taken down")
        window.bridge.post(ControlCall(CallAction.HANGUP))
        await wait_until(lambda: not window.calls.book, what="the call to end")
        # The desktop's bus goes away (the session restarts its shell): the next ring still gets through.
        server.stop()
        bus.stop()
        await app.js("__fakeWidgetTest.incomingCall('+16505550199', '')")
        await wait_until(lambda: len(window.notifier.delivered) == 2, what="the second ring's notification")
        assert window.notifier.delivered[-1][0] in ("tray", "log")
        assert window.notifier.delivered[-1][1].body == "+16505550199"

    try:
        run_app(scenario)
    finally:
        server.stop()
        bus.stop()


def test_the_app_wires_tray_and_notifications(qapp, loop, tmp_path, tls, platform, redirect_port, browser,
                                              monkeypatch) -> None:
    """Through the AppController, as the app runs: the tray follows the call, the widget's own web
    notifications reach the desktop through the profile's presenter, and clicking one shows the window."""
    from desktop.core.call_state import PhoneState
    from desktop.ui.system.tray import state_icon
    from tests.integration.conftest import app_argv
    from tests.support.notification_server import FakeNotificationServer, PrivateBus

    bus = PrivateBus(tmp_path)
    server = FakeNotificationServer(bus.address)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)

    async def scenario() -> None:
        controller, app = started_controller(tmp_path, tls, app_argv(platform, redirect_port), tray=True)
        window = controller.window
        await wait_until(lambda: app.events("rc-login-status-notify"), 20, "the widget")
        await signed_in_and_ready(app)
        tray = controller.tray
        assert tray.status_lines() == ("Custom: signed in", "No call") and tray.show_hide.text() == "Hide"
        idle_icon = tray.icon.icon().pixmap(32).toImage()
        await app.js("__fakeWidgetTest.incomingCall('+16505550123', 'Bob Smith')")
        await wait_until(lambda: tray.status_lines()[1] == "Ringing: Bob Smith (+16505550123)", what="the tray")
        ringing_icon = tray.icon.icon().pixmap(32).toImage()
        assert ringing_icon != idle_icon and ringing_icon == state_icon(PhoneState.RINGING).pixmap(32).toImage()
        assert state_icon(PhoneState.ON_CALL).pixmap(32).toImage() not in (idle_icon, ringing_icon)
        assert "Ringing: Bob Smith" in tray.icon.toolTip()
        await wait_until(lambda: server.calls, what="the ring on the desktop")
        # The widget's own web notification (the page asks for permission like any site).
        await app.js("Notification.requestPermission().then(() => new Notification('Queue alert', {body: 'x'}))")
        await wait_until(lambda: len(server.calls) == 2, what="the web notification on the desktop")
        assert (server.calls[1]["summary"], server.calls[1]["body"]) == ("Queue alert", "x")
        await app.js("window.__clicked = 0; Notification.requestPermission().then(() => {"
                     " const n = new Notification('Callback', {body: 'y'});"
                     " n.onclick = () => { window.__clicked = 1; }; })")
        await wait_until(lambda: len(server.calls) == 3, what="the second web notification")
        window.hide()
        assert tray.show_hide.text() == "Show"
        await wait_until(lambda: controller.notifier.delivered and len(controller.notifier.delivered) == 3,
                         what="the notifier to know the ids")
        server.click(server.calls[2]["id"])
        await wait_until(window.isVisible, what="the window after the click")
        assert await js_until(app, "window.__clicked", "the page's onclick") == 1
        tray.icon.hide()
        await controller.shutdown()

    try:
        loop.run_until_complete(scenario())
    finally:
        server.stop()
        bus.stop()
