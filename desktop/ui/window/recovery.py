"""Reloading the widget: by itself after a renderer crash (backoff and a limit), or when asked, never when
it would lose a call or a pending sign-in.

The widget's session lives in the profile, so a reload comes back signed in. After ``max_per_minute``
crashes within a minute the app stops trying and offers a Retry button instead of looping. While a call is
active nothing reloads without asking.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QWidget

from desktop.core.errors import WidgetLoadFailed
from desktop.core.load_errors import LoadFailure

if TYPE_CHECKING:
    from desktop.services.login import LoginFlow
    from desktop.ui.phone.calls import CallMonitor
    from desktop.ui.window.errors import ErrorPresenter
    from desktop.ui.window.offline import OfflineScreen

log = logging.getLogger("desktop.web")
Status = QWebEnginePage.RenderProcessTerminationStatus


class RecoveryShell(Protocol):
    """What recovery uses of the window around it: the call book, the pending sign-in, the offline screen."""

    login: LoginFlow | None

    @property
    def calls(self) -> CallMonitor: ...
    @property
    def offline(self) -> OfflineScreen: ...
    @property
    def errors(self) -> ErrorPresenter: ...
    def window(self) -> QWidget: ...
    def confirm(self, title: str, text: str) -> bool: ...
    def login_pending(self) -> bool: ...
    def reload_widget(self) -> None: ...
    def spawn(self, coro: Coroutine[Any, Any, None]) -> None: ...


class CrashRecovery:
    def __init__(self, window: RecoveryShell, *, max_per_minute: int = 3, first_delay: float = 0.5) -> None:
        self._window = window
        self.max_per_minute = max_per_minute
        self.first_delay = first_delay
        self._crashes: list[float] = []

    def terminated(self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int) -> None:
        if status == Status.NormalTerminationStatus:
            return  # the page was closed on purpose
        now = time.monotonic()
        self._crashes = [t for t in self._crashes if now - t < 60] + [now]
        log.warning("the widget's renderer ended (%s, exit code %d); crash %d in the last minute",
                    status.name, code, len(self._crashes))
        if len(self._crashes) > self.max_per_minute:
            log.warning("not reloading again: too many renderer crashes in a minute")
            # The screen with Retry, not a blank view; nothing retries by itself (the offline timer neither).
            # Showing it ends the dead page's calls and sign-in (page_lost).
            self._window.offline.show_failure(LoadFailure(WidgetLoadFailed(
                f"The phone stopped {len(self._crashes)} times in a minute ({status.name}), so it is not "
                "restarted automatically.", help_hint=f"Details are in the log: {self._window.errors.log_path}"),
                retry_by_itself=False))
            return
        delay = self.first_delay * 2 ** (len(self._crashes) - 1)
        self._window.errors.show_notice(f"The phone stopped ({status.name}); reloading it.", "warning")
        QTimer.singleShot(int(delay * 1000), self._window.window(), self.reload)  # not after the window is gone

    def reload(self) -> None:
        """After a crash: load the phone again, asking first if it died during a call."""
        window = self._window
        during_call = bool(window.calls.book)
        window.calls.clear()  # the renderer that held those calls is gone
        if during_call and not window.confirm(
                "Load the phone again?",
                "The phone stopped during a call, and the call was cut off. Load the phone again now?"):
            # Not now: the screen with Retry, never a dead phone that still says "On call".
            window.offline.show_failure(LoadFailure(WidgetLoadFailed(
                "The phone stopped during a call. Press Retry when you want it back."), retry_by_itself=False))
            return
        window.spawn(self._reload_after_cancel())

    async def _reload_after_cancel(self) -> None:
        window = self._window
        if window.login is not None and window.login.pending:
            await window.login.cancel()  # its PKCE verifier died with the renderer; a pending one blocks loads
        log.info("reloading the widget after a renderer crash")
        window.reload_widget()

    def page_lost(self) -> None:
        """The widget's document is gone: its calls ended, and a pending sign-in can no longer finish."""
        window = self._window
        window.calls.clear()
        if window.login is not None and window.login.pending:
            window.spawn(window.login.cancel())

    def reload_blocker(self) -> str | None:
        """Why a new document for the widget would lose something now, or None."""
        if self._window.login_pending():
            return "a sign-in is in progress in your browser"
        if self._window.calls.book:
            return "a call is active"
        return None

    def request_reload(self) -> None:
        """The Reload shortcut: refused while a sign-in or a call would be lost by it."""
        reason = self.reload_blocker()
        if reason:
            self.show_refusal(reason)
            return
        log.info("reloading the widget (asked by the person)")
        self._window.reload_widget()

    def show_refusal(self, reason: str) -> None:
        """A reload was refused (by the shortcut or in the page itself): say why."""
        self._window.errors.show_notice(f"Not reloaded: {reason}. Reload afterwards.", "warning")
