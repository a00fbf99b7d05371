"""The Account menu: sign out through the widget, or sign out and forget this environment's web storage.

Signing out goes through the widget (``rc-adapter-logout``), which revokes its token. "Forget" then also
clears what the widget keeps in this environment's profile (localStorage, IndexedDB, cookies, cache), so
nothing of the session is left on disk. Other environments have their own profiles and are untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineScript
from PySide6.QtWidgets import QMenuBar, QWidget

from desktop.core.options import LaunchOptions
from desktop.core.widget_commands import Logout
from desktop.ui.phone.phone import Phone

log = logging.getLogger("desktop.ui")

# Static script (no data pasted in): the widget keeps its token in localStorage and per-user data in
# IndexedDB (embeddable-protocol.md §7), neither of which Qt can clear for one origin from outside.
_CLEAR_PAGE_STORAGE = """
localStorage.clear();
sessionStorage.clear();
if (indexedDB.databases) {
  indexedDB.databases().then(dbs => dbs.forEach(db => indexedDB.deleteDatabase(db.name)));
}
true
"""


class AccountShell(Protocol):
    """What the Account menu uses of the window around it."""

    @property
    def options(self) -> LaunchOptions: ...
    @property
    def phone(self) -> Phone: ...
    @property
    def profile(self) -> QWebEngineProfile: ...
    @property
    def page(self) -> QWebEnginePage: ...
    @property
    def signed_in(self) -> bool | None: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's name
    def window(self) -> QWidget: ...
    def login_pending(self) -> bool: ...
    def after_sign_out(self, callback: Callable[[], None]) -> None: ...
    def reload_widget(self) -> None: ...


class AccountMenu:
    """Owns the menu's actions and keeps them in step with the widget's login status."""

    def __init__(self, window: AccountShell) -> None:
        self._window = window
        menu = self.menu = window.menuBar().addMenu("&Account")
        self.sign_out_action = QAction("Sign &out", window.window())
        self.sign_out_action.triggered.connect(self.sign_out)
        self.forget_action = QAction("Sign out and &forget this environment", window.window())
        self.forget_action.triggered.connect(self.sign_out_and_forget)
        menu.addAction(self.sign_out_action)
        menu.addAction(self.forget_action)
        self.update(signed_in=False)

    def update(self, *, signed_in: bool) -> None:
        self.sign_out_action.setEnabled(signed_in)

    def sign_out(self) -> None:
        log.info("signing out through the widget")
        self._window.phone.send(Logout())

    def sign_out_and_forget(self) -> None:
        """Sign out (if signed in), then clear the environment's storage and reload the widget."""
        window = self._window
        if window.login_pending():
            log.warning("forget refused: a sign-in is pending")
            return
        if window.signed_in:
            self.sign_out()
            window.after_sign_out(self._forget)
        else:
            self._forget()

    def _forget(self) -> None:
        window = self._window
        profile = window.profile
        profile.cookieStore().deleteAllCookies()
        profile.clearHttpCache()

        def cleared(_: object) -> None:
            log.info("forgot the %s environment: web storage cleared", window.options.env_name)
            # A moment for the IndexedDB deletions to run before the new page opens its databases.
            QTimer.singleShot(300, window.reload_widget)

        window.page.runJavaScript(_CLEAR_PAGE_STORAGE, QWebEngineScript.ScriptWorldId.MainWorld, cleared)
