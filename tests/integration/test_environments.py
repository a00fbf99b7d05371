"""Environments in the window: the non-production strip, and the screen for missing required settings."""

from __future__ import annotations

import asyncio
import json

import pytest
from PySide6.QtCore import Qt

from desktop.core.settings import Policy
from desktop.ui.window.screens import MissingSettingsScreen
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine


def test_a_non_production_environment_is_always_visible(run_app, platform) -> None:
    async def scenario(app: AppUnderTest) -> None:
        strip = app.window.environment_strip
        assert strip.isVisible() and strip.text() == f"CUSTOM · 127.0.0.1:{platform.port}"
        assert "custom" in app.window.windowTitle()

    run_app(scenario)


def test_production_shows_no_strip(qapp, tmp_path, tls) -> None:
    app = AppUnderTest(qapp, [], tmp_path / "data", tls[1])  # built but not loaded: production is unreachable
    app.window.show()
    assert not app.window.environment_strip.isVisible()
    assert app.window.windowTitle() == "Embeddable Desktop"
    app.window.close()
    app.window.deleteLater()


def test_missing_required_settings_replace_the_phone(run_app, platform) -> None:
    policy = Policy("/etc/embeddable-desktop/policy.json", required=("environments.custom.client_id",))

    async def scenario(app: AppUnderTest) -> None:
        app.start()
        screens = app.window.findChildren(MissingSettingsScreen)
        assert len(screens) == 1 and screens[0].isVisible()
        assert "environments.custom.client_id" in screens[0].text()
        assert "/etc/embeddable-desktop/policy.json" in screens[0].text()
        await asyncio.sleep(1.0)
        assert app.loaded == [] and not app.window.view.isVisible()  # the widget was never loaded
        assert platform.token_requests == [] and platform.api_requests == []

    run_app(scenario, client_id=None, start=False, policy=policy)


def test_policy_client_id_is_used_and_the_command_line_cannot_change_it(run_app, platform, redirect_port,
                                                                        browser) -> None:
    # The run_app window gets --client-id desktop-test-client; policy pins another id, which must win.
    from tests.fakes.oauth_types import FakeClient

    platform.register_client("it-client", FakeClient([f"http://127.0.0.1:{redirect_port}/oauth/callback"]))
    policy = Policy("pol.json", {"environments.custom.client_id": "it-client"})

    async def scenario(app: AppUnderTest) -> None:
        assert app.options.client_id == "it-client"
        assert any("--client-id: environments.custom.client_id is set by IT policy (pol.json)" in w
                   for w in app.options.warnings)
        await wait_until(lambda: "set by IT policy" in app.window.notice_bar.label.text(), what="the notice")
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "sign-in with the policy's client id")
        assert platform.successful_code_exchanges()[0]["client_id"] == "it-client"

    run_app(scenario, policy=policy)


def test_settings_dialog_shows_managed_keys_and_saves_with_the_same_checks(run_app, tmp_path) -> None:
    policy = Policy("pol.json", {"environments.sandbox.client_id": "it-id"},
                    hidden=frozenset({"environments.production.widget_url"}))
    settings_path = tmp_path / "settings.json"

    async def scenario(app: AppUnderTest) -> None:
        assert app.window.resolution is not None
        dialog = app.window.desk.open_settings(app.window.resolution, settings_path)
        rows = {dialog.table.item(r, 0).text(): r for r in range(dialog.table.rowCount())}
        assert "environments.production.widget_url" not in rows  # hidden by policy
        managed = rows["environments.sandbox.client_id"]
        assert dialog.table.item(managed, 1).text() == "it-id"
        assert dialog.table.item(managed, 2).text() == "locked: set by IT policy (pol.json)"
        assert not dialog.table.item(managed, 1).flags() & Qt.ItemFlag.ItemIsEditable
        editable = rows["environments.sandbox.redirect_port"]
        assert dialog.table.item(editable, 1).flags() & Qt.ItemFlag.ItemIsEditable

        dialog.table.item(editable, 1).setText("not-a-port")
        dialog.save()
        assert "'not-a-port' is not a port number" in dialog.problems.text() and dialog.isVisible()
        assert not settings_path.exists()
        dialog.table.item(editable, 1).setText("5002")
        dialog.save()
        assert not dialog.isVisible()
        assert json.loads(settings_path.read_text()) == {"environments.sandbox.redirect_port": 5002}

    run_app(scenario, policy=policy)


def test_a_pinned_environment_cannot_be_switched_from_the_menu(run_app) -> None:
    policy = Policy("pol.json", {"environment": "custom", "allow_environment_switching": False})

    async def scenario(app: AppUnderTest) -> None:
        menu = app.window.environment_menu
        assert set(menu.actions) >= {"production", "sandbox", "custom"}
        assert not any(a.isEnabled() for a in menu.actions.values())
        switched: list[str] = []
        app.window.switch_requested.connect(switched.append)
        app.window.request_switch("sandbox")  # even if asked directly
        assert switched == []

    run_app(scenario, policy=policy)
