"""Shared steps for the desktop tests: polling the page, signing in, starting the app's controller."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.integration.harness import AppUnderTest, wait_until


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
