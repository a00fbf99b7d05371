"""Drives the real main window (real QWebEngineView, offscreen) from async test scenarios."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineScript
from PySide6.QtWidgets import QApplication

from desktop.core.options import parse_settings
from desktop.core.settings import NO_POLICY, Layer, Policy
from desktop.ui.phone.profile import create_profile
from desktop.ui.window.assembly import open_window
from desktop.ui.window.phone_window import PhoneWindow

T = TypeVar("T")
MAIN_WORLD = QWebEngineScript.ScriptWorldId.MainWorld
# Plain threads for blocking calls (the "browser" visiting URLs): qasync's default executor uses QThreads
# that outlive the tests.
_THREADS = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-browser")


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.wrap_future(_THREADS.submit(function, *args))


async def wait_until(predicate: Callable[[], object], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


class AppUnderTest:
    """One main window over a fresh profile in ``data_dir``, as the app builds it."""

    def __init__(self, qapp: QApplication, argv: list[str], data_dir: Path, ca_file: Path, *,
                 policy: Policy = NO_POLICY, layers: Sequence[Layer] = (),
                 profile: QWebEngineProfile | None = None, settings_path: Path | None = None) -> None:
        self.options, resolution, _ = parse_settings([*argv, "--data-dir", str(data_dir)], data_dir, policy=policy,
                                                     layers=layers)
        # A "restart" in the same process reuses the profile: Qt 6.12 does not apply the extra CA to a second
        # profile object with the same storage.
        self.profile = profile or create_profile(self.options.profile_name, self.options.data_dir, qapp,
                                                 extra_ca_file=ca_file, memory_cache=self.options.auth_mode != "pkce")
        self.window = open_window(self.options, self.profile, log_path=str(data_dir / "test.log"),
                                  resolution=resolution, extra_ca_file=ca_file, settings_path=settings_path)
        self.messages: list[dict[str, Any]] = []
        self.window.bridge.message_received.connect(self.messages.append)
        self.loaded: list[bool] = []
        self.window.page.loadFinished.connect(self.loaded.append)

    @classmethod
    def attach(cls, window: PhoneWindow) -> AppUnderTest:
        """Drive a window the app built itself (e.g. after an environment switch)."""
        app = cls.__new__(cls)
        app.options, app.window, app.profile = window.options, window, window.profile
        app.messages, app.loaded = [], []
        window.bridge.message_received.connect(app.messages.append)
        window.page.loadFinished.connect(app.loaded.append)
        return app

    def start(self) -> None:
        self.window.start_login_service()
        self.window.start()
        self.window.show()
        self.window.show_startup_notices()

    async def js(self, code: str, timeout: float = 10.0) -> Any:
        """Run ``code`` in the page's main world (where the widget's own scripts live)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def done(result: Any) -> None:
            if not future.done():
                future.set_result(result)

        self.window.page.runJavaScript(code, MAIN_WORLD, done)
        return await asyncio.wait_for(future, timeout)

    async def widget_state(self) -> dict[str, Any]:
        return json.loads(await self.js("JSON.stringify(window.__fakeWidget || null)") or "null") or {}

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def signed_in(self) -> bool:
        status = self.events("rc-login-status-notify")
        return bool(status) and bool(status[-1].get("loggedIn"))

    async def wait_loaded(self) -> None:
        await wait_until(lambda: self.loaded, what="the widget page to load")
        assert self.loaded[-1], "the widget page failed to load"
        await wait_until(lambda: self.events("rc-login-status-notify"), what="the widget's first login status")

    async def click(self, selector: str) -> None:
        await self.js(f"document.querySelector({json.dumps(selector)}).click()")

    async def close(self) -> None:
        await self.window.shutdown()
        self.window.close()
        self.window.deleteLater()
        await asyncio.sleep(0.1)
        # The profile stays until the QApplication goes: deleting a QWebEngineProfile and then running
        # the Qt loop again (the next test) crashes in QCoreApplication::exit() with Qt 6.12.


def run_scenario(loop: asyncio.AbstractEventLoop, scenario: Coroutine[Any, Any, None]) -> None:
    loop.run_until_complete(scenario)
