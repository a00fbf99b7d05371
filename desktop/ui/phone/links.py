"""Where the widget's popups and outgoing links go: the system browser, the in-app login window, nowhere.

The decision is the core policy's (:func:`desktop.core.policy.popup_decision`); this carries it out and
tells the person when something was refused.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebEngineCore import QWebEngineNewWindowRequest
from PySide6.QtWidgets import QWidget

from desktop.core.errors import LauncherError, PopupRefused
from desktop.core.policy import PopupAction
from desktop.core.urls import origin_of
from desktop.services.browser import open_with_command
from desktop.ui.phone.popups import LoginPopup

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEngineProfile

from desktop.ui.phone.shell import Shell


class LinkShell(Shell, Protocol):
    @property
    def profile(self) -> QWebEngineProfile: ...
    def start_login(self, url: object) -> None: ...

log = logging.getLogger("desktop.ui")


class LinkRouter:
    def __init__(self, window: LinkShell, widget: QWidget) -> None:
        self._widget = widget  # the in-app sign-in popup's parent
        self._window = window
        self._popups: list[LoginPopup] = []

    def route(self, url: str, action: PopupAction) -> None:
        window = self._window
        if action is PopupAction.SYSTEM_BROWSER_LOGIN:
            window.start_login(url)
        elif action is PopupAction.EXTERNAL:
            log.info("opening a link from the widget in the browser")
            try:
                self.open_in_browser(url)
            except LauncherError as exc:
                window.errors.show_error(exc)
        else:
            # javascript: popups arrive as about:blank; file: ones are stopped by Chromium before this.
            scheme = url.split(":", 1)[0][:20] or "empty"
            log.warning("refused to open a %r address from the widget", scheme)
            refused = PopupRefused(f"The phone tried to open a {scheme}: address; only web links are opened.")
            window.errors.show_error(refused)

    def open_login_popup(self, request: QWebEngineNewWindowRequest) -> None:
        popup = LoginPopup(self._window.profile, request, self._widget,
                           widget_origin=origin_of(self._window.options.widget_url))
        self._popups.append(popup)
        popup.destroyed.connect(lambda *_: self._popups.remove(popup) if popup in self._popups else None)
        popup.show()

    def open_in_browser(self, url: str) -> None:
        """Open ``url`` in the system browser (or the ``--browser`` command)."""
        command = self._window.options.browser_command
        if command:
            open_with_command(command, url)
        elif not QDesktopServices.openUrl(QUrl(url)):
            raise LauncherError("Could not open the default browser.",
                                help_hint="Set one in your system settings, or start with --browser COMMAND.")

    def close_popups(self) -> None:
        for popup in list(self._popups):
            popup.close()
            popup.deleteLater()
