"""A bare QWebEngineView around the fake widget, for tests of the stand-in itself (not of the launcher).

It trusts the fake platform's CA through the profile (never by ignoring certificate errors), grants the
microphone when asked to, opens ``window.open`` popups as pages with a working ``opener``, and records
every ``message`` event the widget window receives in ``window.__posted``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from PySide6.QtCore import QObject, QUrl
from PySide6.QtNetwork import QSslCertificate
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEnginePermission,
    QWebEngineProfile,
    QWebEngineProfileBuilder,
    QWebEngineScript,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from pytestqt.qtbot import QtBot

RECORD_MESSAGES = """
window.__posted = [];
window.addEventListener('message', function (event) { window.__posted.push(event.data); });
"""


def make_profile(ca_file: Path, storage_dir: Path, parent: QObject) -> QWebEngineProfile:
    """A disk-backed profile in *storage_dir*, owned by *parent*, that trusts *ca_file* in addition to the system store.

    Not off-the-record: Qt WebEngine 6.12 ignores additional trusted certificates in an off-the-record
    profile (the handshake fails with ERR_CERT_AUTHORITY_INVALID), while a named profile honours them.
    """
    builder = QWebEngineProfileBuilder()
    builder.setAdditionalTrustedCertificates(QSslCertificate.fromPath(str(ca_file)))
    builder.setPersistentStoragePath(str(storage_dir / "storage"))
    builder.setCachePath(str(storage_dir / "cache"))
    # A parent keeps the C++ profile alive for as long as the pages that use it.
    return builder.createProfile("fake-widget-" + storage_dir.name, parent)


class HarnessPage(QWebEnginePage):
    """Grants or denies the microphone by a switch; keeps popups alive as pages of the same profile."""

    def __init__(self, profile: QWebEngineProfile, grant_microphone: bool = True) -> None:
        super().__init__(profile)
        self._profile = profile  # not self.profile(): that wrapper can end up owning (and deleting) the profile
        self.grant_microphone = grant_microphone
        self.popups: list[QWebEnginePage] = []
        self.permissionRequested.connect(self._on_permission)

    def _on_permission(self, permission: QWebEnginePermission) -> None:
        audio = permission.permissionType() == QWebEnginePermission.PermissionType.MediaAudioCapture
        if audio and self.grant_microphone:
            permission.grant()
        else:
            permission.deny()

    def createWindow(self, type: QWebEnginePage.WebWindowType) -> QWebEnginePage:  # noqa: N802, A002 - Qt API
        popup = HarnessPage(self._profile, self.grant_microphone)
        self.popups.append(popup)
        return popup


class WidgetHarness:
    """Loads the fake widget top-level and lets a test read its state and post commands into it."""

    def __init__(self, qtbot: QtBot, profile: QWebEngineProfile, widget_url: str) -> None:
        self.qtbot = qtbot
        self.widget_url = widget_url
        self._markers = 0
        self.page = HarnessPage(profile)
        self.add_script("record-messages", RECORD_MESSAGES)
        self.view = QWebEngineView()
        self.view.setPage(self.page)
        self.view.resize(400, 600)

    def add_script(self, name: str, source: str) -> None:
        """Run *source* in the main world at document creation of every later load (before the widget's scripts)."""
        script = QWebEngineScript()
        script.setName(name)
        script.setSourceCode(source)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        self.page.scripts().insert(script)

    def load(self, params: dict[str, str] | None = None, *, suffix: str = "") -> None:
        """Load app.html with *params* as its query (and *suffix*, e.g. a ``#hash``); wait for the load."""
        url = self.widget_url + ("?" + urlencode(params) if params else "") + suffix
        with self.qtbot.waitSignal(self.page.loadFinished, timeout=20_000):
            self.page.load(QUrl(url))

    def js(self, code: str, page: QWebEnginePage | None = None, timeout: int = 10_000) -> Any:
        """Run *code* in the main world and return its (JSON-able) value."""
        results: list[Any] = []
        (page or self.page).runJavaScript(f"JSON.stringify(({code}))", 0, results.append)
        self.qtbot.waitUntil(lambda: bool(results), timeout=timeout)
        return json.loads(results[0]) if isinstance(results[0], str) else None

    def wait_js(self, code: str, timeout: int = 10_000, page: QWebEnginePage | None = None) -> Any:
        """Poll *code* until it is truthy; return that value."""
        values: list[Any] = []

        def check() -> bool:
            values.append(self.js(code, page))
            return bool(values[-1])

        self.qtbot.waitUntil(check, timeout=timeout)
        return values[-1]

    def status(self, field: str) -> Any:
        return self.js(f"window.__fakeWidget && window.__fakeWidget.{field}")

    def posted(self, message_type: str) -> list[dict[str, Any]]:
        """Messages of *message_type* the widget window has received so far (its own posts included)."""
        found = self.js(f"(window.__posted || []).filter(m => m && m.type === {json.dumps(message_type)})")
        return list(found or [])

    def wait_posted(self, message_type: str, timeout: int = 10_000, **match: Any) -> dict[str, Any]:
        """Wait until a *message_type* message whose fields equal *match* arrives; return it."""
        found: list[dict[str, Any]] = []

        def check() -> bool:
            found[:] = [m for m in self.posted(message_type) if all(m.get(k) == v for k, v in match.items())]
            return bool(found)

        self.qtbot.waitUntil(check, timeout=timeout)
        return found[-1]

    def send(self, message: dict[str, Any]) -> None:
        """Post a command into the widget window, as a host does with runJavaScript."""
        self.js(f"window.postMessage({json.dumps(message)}, '*') || true")

    def settle(self) -> None:
        """Wait until every message posted in the widget window so far has been delivered (a marker goes last).

        The widget handles a command as it arrives and posts its events then, so after this a command that
        was sent earlier has had all its effects, and a missing event is really missing.
        """
        self._markers += 1
        marker = json.dumps(f"settle-{self._markers}")
        self.js(f"window.postMessage({{__settle: {marker}}}, '*') || true")
        self.wait_js(f"(window.__posted || []).some(m => m && m.__settle === {marker})")

    def drops(self) -> list[tuple[str, str]]:
        """(type, reason) of every command the widget dropped on this page."""
        return [(d["type"], d["reason"]) for d in self.status("drops") or []]

    def close(self) -> None:
        for popup in self.page.popups:
            popup.deleteLater()
        self.view.setPage(None)  # type: ignore[arg-type]  # detaching before deletion is what Qt expects
        self.page.deleteLater()
        self.view.deleteLater()
