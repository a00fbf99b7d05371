"""The agent's desktop against the fake widget: rings, messages, web notifications, call state, reload refusal,
side drawer, zoom, always-on-top, DevTools, and what closing the window does with and without a tray."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QFileOpenEvent

from desktop.ui.single_instance import link_from_event
from desktop.ui.tray import AppTray
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine


async def js_until(app: AppUnderTest, code: str, what: str, timeout: float = 10.0) -> object:
    """Poll ``code`` in the page until it gives something truthy."""
    for _ in range(int(timeout / 0.05)):
        result = await app.js(code)
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def signed_in_and_ready(app: AppUnderTest) -> None:
    await app.click("#sign-in")
    await wait_until(app.signed_in, 20, "sign-in")
    await wait_until(lambda: app.events("rc-dialer-status-notify") and
                     app.events("rc-dialer-status-notify")[-1].get("ready"), 20, "the dialer")


def started_controller(tmp_path: Path, tls, argv: list[str], *, tray: bool):
    """The app's controller over ``argv`` (data in tmp_path/data, no IT policy), its first window loading."""
    from desktop.services.settings_loader import load_settings
    from desktop.ui.controller import AppController

    data = tmp_path / "data"
    argv = [*argv, "--data-dir", str(data)]

    def load(words):
        return load_settings(words, {}, data, policy_path=tmp_path / "no-policy.json")

    controller = AppController(load(argv), argv, load, log_path=str(tmp_path / "log"), extra_ca_file=Path(tls[1]),
                               tray_available=lambda: tray)
    controller.window.load_widget()
    controller.start(controller.window)
    return controller, AppUnderTest.attach(controller.window)


def test_a_ring_notifies_raises_the_window_and_shows_the_call_state(run_app, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        await signed_in_and_ready(app)
        base_title = window.windowTitle()
        window.hide()  # the agent closed it to the tray
        assert await app.js("__fakeWidgetTest.incomingCall('+16505550123', 'Bob Smith')") is True
        await wait_until(lambda: window.notifier.delivered, what="the ring notification")
        _backend, note = window.notifier.delivered[-1]
        assert (note.kind, note.title, note.body) == ("call", "Incoming call", "Bob Smith (+16505550123)")
        assert window.isVisible()  # brought to the front (raise_on_ring defaults to on)
        assert window.windowTitle() == f"Ringing: Bob Smith (+16505550123) — {base_title}"
        # A call is ringing: Reload is refused, with a word why.
        window.desk.reload.trigger()
        assert "Not reloaded: a call is active" in window.notice_bar.label.text()
        call_id = window.calls.book.ids.pop()
        window.bridge.post({"type": "rc-adapter-control-call", "callAction": "answer", "callId": call_id})
        await wait_until(lambda: window.windowTitle().startswith("On call: Bob Smith"), what="the answered call")
        # A second call rings during the first (call waiting): announced too, and the window comes up again.
        window.hide()
        assert await app.js("__fakeWidgetTest.incomingCall('+442071234567', '')") is True
        await wait_until(lambda: len(window.notifier.delivered) == 2, what="the second ring's notification")
        assert window.notifier.delivered[-1][1].body == "+442071234567" and window.isVisible()
        assert window.windowTitle().startswith("On call: Bob Smith")  # the answered call still names the state
        for ringing in window.calls.book.ids:
            window.bridge.post({"type": "rc-adapter-control-call", "callAction": "hangup", "callId": ringing})
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


def test_the_side_drawer_widens_and_narrows_the_window(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        screen = window.screen().availableGeometry()
        window.setGeometry(screen.x() + 20, screen.y() + 30, 380, 500)
        await asyncio.sleep(0.1)
        assert await app.js("__fakeWidgetTest.toggleSideDrawer()") is True
        await wait_until(lambda: window.width() == 680, what="the wider window")
        assert window.placement.phone_geometry().width == 380  # what is remembered: the phone alone
        await app.js("__fakeWidgetTest.toggleSideDrawer()")
        await wait_until(lambda: window.width() == 380, what="the narrower window")
        # Zoomed to 150 % near the right edge: the drawer is 450 px, the window grows to the left (capped at
        # the screen's width less the frame: 800 px offscreen) and then goes back exactly where it was.
        window.view.setZoomFactor(1.5)
        right = screen.x() + screen.width() - 400
        window.setGeometry(right, screen.y() + 30, 380, 500)
        await asyncio.sleep(0.1)
        await app.js("__fakeWidgetTest.toggleSideDrawer()")
        await wait_until(lambda: window.width() > 380, what="the zoomed drawer")
        frame = window.frameGeometry()
        assert window.width() == min(830, screen.width() - (frame.width() - window.width()))
        assert screen.contains(frame)  # all of the window, frame included, is on the screen
        await app.js("__fakeWidgetTest.toggleSideDrawer()")
        await wait_until(lambda: window.width() == 380, what="the window back")
        assert (window.geometry().x(), window.geometry().y()) == (right, screen.y() + 30)

    run_app(scenario)


def test_zoom_and_always_on_top_are_remembered(run_app, tmp_path) -> None:
    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        for _ in range(2):
            next(a for a in window.findChildren(type(window.desk.reload)) if a.text() == "Zoom &In").trigger()
        assert window.view.zoomFactor() == pytest.approx(1.25)
        window.desk.toggles["always_on_top"].setChecked(True)
        assert window.windowFlags() & window.windowFlags().WindowStaysOnTopHint
        assert window.isVisible()  # changing the flag hid it; it is shown again

        app.window.setGeometry(app.window.screen().availableGeometry().x() + 40, 60, 400, 550)
        await asyncio.sleep(0.1)
        geometry["setup"], geometry["rect"] = window.placement.setup_key(), window.geometry()

    geometry: dict[str, object] = {}
    run_app(scenario)
    path = tmp_path / "data" / "window.json"
    saved = json.loads(path.read_text())
    rect = geometry["rect"]
    assert saved == {"zoom": pytest.approx(1.25),
                     geometry["setup"]: [rect.x(), rect.y(), rect.width(), rect.height()]}  # type: ignore[attr-defined]
    # The next window starts at that zoom and place.
    from PySide6.QtWidgets import QWidget

    from desktop.ui.placement import WindowPlacement

    later = QWidget()
    placement = WindowPlacement(later, path)
    assert placement.zoom() == pytest.approx(1.25)
    placed = placement.restore()
    assert [placed.x, placed.y, placed.width, placed.height] == saved[geometry["setup"]]
    later.deleteLater()


def test_no_devtools_unless_allowed(run_app) -> None:
    async def without(app: AppUnderTest) -> None:
        titles = [a.text() for a in app.window.actions()]
        assert "&Developer Tools" not in titles and "&Reload" in titles and "&Quit" in titles

    run_app(without)


def test_devtools_when_allowed(run_app, platform, redirect_port) -> None:
    from tests.integration.conftest import app_argv

    async def allowed(app: AppUnderTest) -> None:
        action = next(a for a in app.window.actions() if a.text() == "&Developer Tools")
        assert [s.toString() for s in action.shortcuts()] == ["F12", "Ctrl+Shift+I"]
        action.trigger()
        devtools = app.window.desk.devtools
        assert devtools is not None and devtools.isVisible()
        assert devtools.page().inspectedPage() is app.window.page

    run_app(allowed, argv=[*app_argv(platform, redirect_port), "--devtools"])


def test_closing_without_a_tray_quits_and_with_one_hides(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        window = app.window
        quits: list[bool] = []
        window.quit_requested.connect(lambda: quits.append(True))
        assert window.tray is None
        window.close()  # no tray here (offscreen): closing quits
        assert quits == [True]

        window.show()
        quits.clear()
        window.tray = AppTray(available=lambda: True)  # a desktop with a tray
        window.tray.set_window(window)
        assert window.tray.status_lines() == ("Custom: signed out", "No call")
        window.close()
        assert not window.isVisible() and quits == []  # still running, in the tray
        state = json.loads((window.options.data_dir / "state.json").read_text())
        assert state["tray_notice_shown"] == ["all"]
        assert window.tray.first_close_notice(window) is False  # said once, never again
        window.tray.quit_requested.connect(lambda: quits.append(True))
        window.tray.menu.actions()[-1].trigger()  # the tray's Quit
        assert quits == [True]
        window.desk.toggles["close_to_tray"].setChecked(False)
        window.show()
        window.close()
        assert quits == [True, True]  # closing to the tray turned off: closing quits again
        window.tray.icon.hide()
        window.tray = None

    run_app(scenario)


def test_macos_open_url_events_become_links() -> None:
    assert link_from_event(QFileOpenEvent(QUrl("tel:+16505550100"))) == "tel:+16505550100"
    assert link_from_event(QFileOpenEvent(QUrl("SMS:+16505550100"))) == "sms:+16505550100"  # QUrl lowers schemes
    assert link_from_event(QFileOpenEvent(QUrl.fromLocalFile("/tmp/notes.txt"))) is None
    assert link_from_event(QEvent(QEvent.Type.Show)) is None


def test_autostart_toggle_writes_the_xdg_entry(run_app, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "embeddable-desktop.desktop"

    async def scenario(app: AppUnderTest) -> None:
        app.window.desk.toggles["autostart"].setChecked(True)
        text = entry.read_text()
        assert "Exec=" in text and "-m desktop --data-dir" in text and str(app.options.data_dir) in text
        app.window.desk.toggles["autostart"].setChecked(False)
        assert not entry.exists()

    run_app(scenario)


def test_a_window_left_off_screen_comes_back(run_app) -> None:
    from desktop.core.window_geometry import Rect

    async def scenario(app: AppUnderTest) -> None:
        placement = app.window.placement
        screen = app.window.screen().availableGeometry()
        far_away = [screen.x() + screen.width() + 2000, screen.y() + 50, 400, 500]  # a monitor now unplugged
        placement.path.write_text(json.dumps({placement.setup_key(): far_away, "other-setup": [1, 2, 3, 4]}))
        placed = placement.restore()
        assert placed.x + placed.width <= screen.x() + screen.width() and placed.width == 400
        assert app.window.geometry().x() == placed.x
        placement.path.write_text(json.dumps({placement.setup_key(): [screen.x() + 10, screen.y() + 20, 300, 400]}))
        assert placement.restore() == Rect(screen.x() + 10, screen.y() + 20, 300, 400)  # remembered as it was
        placement.path.write_text("{broken")
        assert placement.restore().width == 380  # an unreadable file is ignored: the default place

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

    try:
        run_app(scenario)
    finally:
        server.stop()
        bus.stop()


@pytest.mark.parametrize("tray", [False, True], ids=["no-tray", "tray"])
def test_start_minimized(qapp, loop, tmp_path, tls, platform, redirect_port, tray: bool) -> None:
    from tests.integration.conftest import app_argv

    async def scenario() -> None:
        controller, app = started_controller(tmp_path, tls, [*app_argv(platform, redirect_port), "--minimized"],
                                             tray=tray)
        window = controller.window
        await wait_until(lambda: app.events("rc-login-status-notify"), 20, "the widget to run while hidden")
        if tray:  # hidden in the tray; the tray's Show brings it up
            assert not window.isVisible() and controller.tray.status_lines()[0] == "Custom: signed out"
            controller.tray.toggle_requested.emit()
            assert window.isVisible() and not window.isMinimized()
            controller.tray.toggle_requested.emit()
            assert not window.isVisible()
            controller.tray.icon.hide()
        else:  # no tray to come back from: minimized, never invisible
            assert window.isVisible() and window.isMinimized()
        await controller.shutdown()

    loop.run_until_complete(scenario())


def test_the_app_wires_tray_and_notifications(qapp, loop, tmp_path, tls, platform, redirect_port, browser,
                                              monkeypatch) -> None:
    """Through the AppController, as the app runs: the tray follows the call, the widget's own web
    notifications reach the desktop through the profile's presenter, and clicking one shows the window."""
    from desktop.core.call_state import PhoneState
    from desktop.ui.tray import state_icon
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
        idle_icon = tray.icon.icon().cacheKey()
        await app.js("__fakeWidgetTest.incomingCall('+16505550123', 'Bob Smith')")
        await wait_until(lambda: tray.status_lines()[1] == "Ringing: Bob Smith (+16505550123)", what="the tray")
        assert tray.icon.icon().cacheKey() != idle_icon
        assert not state_icon(PhoneState.RINGING).isNull() and "Ringing: Bob Smith" in tray.icon.toolTip()
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


def test_toggles_are_saved_and_it_locks_are_shown(run_app, tmp_path) -> None:
    from desktop.core.settings import Policy

    settings_path = tmp_path / "settings.json"

    async def scenario(app: AppUnderTest) -> None:
        toggles = app.window.desk.toggles
        toggles["always_on_top"].setChecked(True)
        toggles["raise_on_ring"].setChecked(False)
        assert json.loads(settings_path.read_text()) == {"always_on_top": True, "raise_on_ring": False}
        assert not app.window.options.desktop.raise_on_ring
        # IT locked notifications on: shown, checked, not changeable here.
        locked = toggles["notifications"]
        assert not locked.isEnabled() and locked.isChecked() and "set by IT policy" in locked.text()

    run_app(scenario, settings_path=settings_path, policy=Policy("policy.json", {"notifications": True}))
