"""Fixtures for tests that drive the real window: a qasync loop, TLS material, the fake platform."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.core.settings import NO_POLICY, Layer, Policy
from tests.fakes.platform import FakeClient, FakePlatform
from tests.integration.harness import AppUnderTest

CLIENT_ID = "desktop-test-client"
SCRIPTED_BROWSER = Path(__file__).resolve().parent.parent / "support" / "scripted_browser.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class QtLoop:
    """Runs test scenarios on one qasync loop that never stops.

    Qt WebEngine 6.12 crashes in QCoreApplication::exit() when a Qt event loop that has shown a web
    page is started a second time, which is what qasync's run_until_complete does for every test. So
    the loop is marked running once, and each scenario is driven by pytest-qt spinning Qt's loop.
    """

    def __init__(self, qapp: QApplication) -> None:
        qapp.setQuitOnLastWindowClosed(False)  # closing a test's window must not end anything
        self.loop = qasync.QEventLoop(qapp, already_running=True)
        self.executor = qasync.QThreadExecutor()
        self.loop.set_default_executor(self.executor)

    def run_until_complete(self, scenario: Coroutine[Any, Any, None], timeout: float = 120.0) -> None:
        # Running only while a scenario runs, so plain asyncio.run() in other tests still works.
        asyncio.set_event_loop(self.loop)
        asyncio.events._set_running_loop(self.loop)
        try:
            task = self.loop.create_task(scenario)
            deadline = time.monotonic() + timeout
            while not task.done():
                if time.monotonic() > deadline:
                    task.cancel()
                    QTest.qWait(100)
                    raise AssertionError(f"scenario did not finish within {timeout} s")
                QTest.qWait(10)  # spins Qt's event loop, which runs the asyncio callbacks
            task.result()
        finally:
            asyncio.events._set_running_loop(None)
            asyncio.set_event_loop(None)


@pytest.fixture(scope="session")
def loop(qapp: QApplication) -> Iterator[QtLoop]:
    qt_loop = QtLoop(qapp)
    yield qt_loop
    # The loop's executor runs name lookups (asyncio's getaddrinfo) on QThreads; stop them before Qt goes,
    # as the app does when its loop closes ("QThread: Destroyed while thread is still running" otherwise).
    qt_loop.executor.shutdown(wait=True)


@pytest.fixture
def redirect_port() -> int:
    return free_port()


@pytest.fixture
def platform(tls: tuple[Any, Path], redirect_port: int) -> Iterator[FakePlatform]:
    server = FakePlatform(tls[0], {})
    server.start()
    server.register_client(CLIENT_ID, FakeClient(redirect_uris=[f"http://127.0.0.1:{redirect_port}/oauth/callback"]))
    yield server
    server.stop()


class BrowserLog:
    """What the scripted browser did, one dict per page it was asked to open."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]


@pytest.fixture
def browser(tmp_path: Path, tls: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch) -> BrowserLog:
    log = tmp_path / "browser.jsonl"
    monkeypatch.setenv("SCRIPTED_BROWSER_LOG", str(log))
    monkeypatch.setenv("SCRIPTED_BROWSER_CA", str(tls[1]))
    return BrowserLog(log)


def browser_command() -> str:
    return shlex.join([sys.executable, str(SCRIPTED_BROWSER)])


def settings_argv(redirect_port: int) -> list[str]:
    """For environments whose server and widget come from the settings (the secret modes require it)."""
    return ["--env", "custom", "--client-id", CLIENT_ID, "--redirect-port", str(redirect_port),
            "--browser", browser_command()]


def app_argv(platform: FakePlatform, redirect_port: int, *, client_id: str | None = CLIENT_ID) -> list[str]:
    argv = ["--env", "custom", "--app-server", platform.origin, "--widget-url", platform.widget_url,
            "--redirect-port", str(redirect_port), "--browser", browser_command()]
    return argv + (["--client-id", client_id] if client_id else [])


os.environ.setdefault("SCRIPTED_BROWSER_MODE", "follow")


@pytest.fixture
def recording_browser(browser: BrowserLog, monkeypatch: pytest.MonkeyPatch) -> BrowserLog:
    """The scripted browser only notes the URLs it is given; the test visits them itself."""
    monkeypatch.setenv("SCRIPTED_BROWSER_MODE", "record")
    return browser


@pytest.fixture
def run_app(qapp: QApplication, loop: QtLoop, tmp_path: Path, tls: tuple[Any, Path], platform: FakePlatform,
            redirect_port: int) -> Callable[..., None]:
    """Run ``scenario(app)`` against a fresh main window; the window is always closed afterwards.

    By default the window is started and the widget loaded before the scenario; ``start=False`` leaves
    both to the scenario.
    """

    def run(scenario: Callable[[AppUnderTest], Awaitable[None]], *, client_id: str | None = CLIENT_ID,
            start: bool = True, policy: Policy = NO_POLICY, layers: Sequence[Layer] = (),
            argv: list[str] | None = None, settings_path: Path | None = None) -> None:
        words = argv if argv is not None else app_argv(platform, redirect_port, client_id=client_id)
        app = AppUnderTest(qapp, words, tmp_path / "data", tls[1], policy=policy, layers=layers,
                           settings_path=settings_path)

        async def wrapped() -> None:
            try:
                if start:
                    app.start()
                    await app.wait_loaded()
                await scenario(app)
            finally:
                await app.close()

        loop.run_until_complete(wrapped())

    return run
