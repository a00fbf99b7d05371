"""The window on the agent's desktop: side drawer, zoom, always-on-top, DevTools, closing with and without a
tray, start minimized, placement, autostart, macOS links, toggles and IT locks."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QFileOpenEvent

from desktop.ui.system.single_instance import link_from_event
from desktop.ui.system.tray import AppTray
from tests.integration.desktop_helpers import started_controller
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine


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


def test_always_on_top_goes_off_again(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        window, toggle = app.window, app.window.desk.toggles["always_on_top"]
        assert not window.windowFlags() & window.windowFlags().WindowStaysOnTopHint  # a new window: not on top
        toggle.setChecked(True)
        assert window.windowFlags() & window.windowFlags().WindowStaysOnTopHint
        toggle.setChecked(False)
        assert not window.windowFlags() & window.windowFlags().WindowStaysOnTopHint
        assert window.isVisible()

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

    from desktop.ui.window.placement import WindowPlacement

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
        await wait_until(lambda: window.notifier.delivered, what="the notice")
        assert window.notifier.delivered[-1][1].kind == "app" and "keeps running in the tray" in \
            window.notifier.delivered[-1][1].body
        # Said once, never again.
        assert window.tray.first_close_notice(window.options.data_dir, window.notifier) is False
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


def test_autostart_set_in_settings_is_made_true_at_start(run_app, tmp_path: Path, monkeypatch) -> None:
    from desktop.core.settings import Layer

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "embeddable-desktop.desktop"

    async def scenario(app: AppUnderTest) -> None:
        assert entry.exists() and app.window.desk.toggles["autostart"].isChecked()

    # Set by IT (or by the person's file): the entry is created at start, without a click.
    run_app(scenario, layers=[Layer("file", "settings.json", {"autostart": True})])
