"""Never a blank window after a renderer crash: reload the widget by itself, with backoff and a limit.

The widget's session lives in the profile, so a reload comes back signed in. After ``max_per_minute``
crashes within a minute the app stops trying and offers a Retry button instead of looping. While a call is
active nothing reloads without asking.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWebEngineCore import QWebEnginePage

if TYPE_CHECKING:
    from desktop.ui.window import MainWindow

log = logging.getLogger("desktop.web")
Status = QWebEnginePage.RenderProcessTerminationStatus


class CrashRecovery:
    def __init__(self, window: MainWindow, *, max_per_minute: int = 3, first_delay: float = 0.5) -> None:
        self._window = window
        self.max_per_minute = max_per_minute
        self.first_delay = first_delay
        self._crashes: list[float] = []
        window.page.renderProcessTerminated.connect(self._terminated)

    def _terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int) -> None:
        if status == Status.NormalTerminationStatus:
            return  # the page was closed on purpose
        now = time.monotonic()
        self._crashes = [t for t in self._crashes if now - t < 60] + [now]
        log.warning("the widget's renderer ended (%s, exit code %d); crash %d in the last minute",
                    status.name, code, len(self._crashes))
        if len(self._crashes) > self.max_per_minute:
            log.warning("not reloading again: too many renderer crashes in a minute")
            self._window.notice_bar.show_message(
                "The phone stopped several times in a minute, so it is not restarted automatically.", "error",
                action=("Retry", self.reload))
            return
        delay = self.first_delay * 2 ** (len(self._crashes) - 1)
        self._window.errors.show_notice(f"The phone stopped ({status.name}); reloading it.", "warning")
        QTimer.singleShot(int(delay * 1000), self.reload)

    def reload(self) -> None:
        window = self._window
        if window.active_calls and not window.confirm(
                "Reload the phone during a call?", "A call is active. Reloading the phone ends it. Reload now?"):
            return
        window.calls.clear()  # the renderer that held those calls is gone
        if window.login is not None and window.login.pending:
            window.spawn(window.login.cancel())  # its PKCE verifier died with the renderer
        log.info("reloading the widget after a renderer crash")
        window.reload_widget()
