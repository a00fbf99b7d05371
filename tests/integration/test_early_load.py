"""The widget starts loading before its window is built (desktop.ui.phone.early_load), as the app starts.

The window built afterwards takes the page over: its first events, the sign-in popup (which only the window can
route) and the profile's web notifications all reach the window, as they do for a page the window made itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop.core.options import parse_settings
from desktop.core.settings import NO_POLICY, Layer, Policy
from desktop.ui.phone.early_load import start_loading
from desktop.ui.window.main_window import MainWindow
from tests.fakes.platform import FakePlatform
from tests.integration.conftest import QtLoop, app_argv, settings_argv
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine


def test_a_page_loading_before_its_window_signs_in_through_the_window(
        qapp: QApplication, loop: QtLoop, tmp_path: Path, tls: tuple[Any, Path], platform: FakePlatform,
        redirect_port: int, browser) -> None:
    data = tmp_path / "data"
    options, resolution, _ = parse_settings([*app_argv(platform, redirect_port), "--data-dir", str(data)], data)
    loading = start_loading(options, resolution, tls[1])
    assert loading is not None
    assert loading.page.requestedUrl().toString().startswith(options.widget_url)  # loading already
    loading.profile.setParent(qapp)  # the app's controller adopts it; profiles live as long as the app here
    window = MainWindow(options, loading.profile, log_path=str(tmp_path / "test.log"), resolution=resolution,
                        extra_ca_file=tls[1], loading=loading)
    assert window.page is loading.page and window.page.parent() is window.view and window.view.page() is window.page
    app = AppUnderTest.attach(window)
    window.start_login_service()
    window.show()

    async def scenario() -> None:
        try:
            await wait_until(lambda: app.events("rc-login-status-notify"), what="the widget's first login status")
            assert window.signed_in is False  # the first event reached the window's handlers
            # The widget opens its login popup; only the window's link router turns it into the system browser.
            await app.click("#sign-in")
            await wait_until(app.signed_in, 20, "the widget to report signed in")
            assert len(browser.entries()) == 1 and window.signed_in is True
        finally:
            await app.close()

    loop.run_until_complete(scenario())


@pytest.mark.parametrize("case", ["service user", "required settings missing"])
def test_nothing_loads_early_where_the_window_must_decide_first(tmp_path: Path, platform: FakePlatform,
                                                                redirect_port: int, case: str) -> None:
    """A service user's secret is read first (by the window); missing required settings load nothing at all."""
    data = tmp_path / "data"
    policy, layers = NO_POLICY, []
    if case == "service user":  # a secret mode takes its server from the settings file, not the command line
        argv = settings_argv(redirect_port)
        layers = [Layer("user file", "test-settings.json", {
            "environments.custom.auth_mode": "jwt", "environments.custom.app_server": platform.origin,
            "environments.custom.widget_url": platform.widget_url})]
    else:
        argv = app_argv(platform, redirect_port, client_id=None)
        policy = Policy("/etc/embeddable-desktop/policy.json", required=("environments.custom.client_id",))
    options, resolution, _ = parse_settings([*argv, "--data-dir", str(data)], data, policy=policy, layers=layers)
    assert (options.auth_mode != "pkce") == (case == "service user")
    assert bool(resolution.missing_required()) == (case == "required settings missing")
    assert start_loading(options, resolution, None) is None
    assert not (data / "profiles").exists()
