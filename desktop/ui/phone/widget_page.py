"""The widget's ``QWebEnginePage``: permissions, popups and navigation, each decided by the core policy."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineNewWindowRequest,
    QWebEnginePage,
    QWebEnginePermission,
    QWebEngineProfile,
)
from PySide6.QtWidgets import QWidget

from desktop.core.options import LaunchOptions
from desktop.core.policy import (
    PopupAction,
    main_frame_navigation_allowed,
    permission_decision,
    popup_decision,
)

log = logging.getLogger("desktop.web")
js_log = logging.getLogger("desktop.js")


class WidgetPage(QWebEnginePage):
    """Hosts ``app.html``. Emits what the window must act on; decides nothing itself."""

    #: (url, PopupAction) for popups and for main-frame navigations away from the widget.
    popup_requested = Signal(str, object)
    #: A new document for the widget was refused; the reason in words ("a call is active").
    navigation_refused = Signal(str)

    def __init__(
        self,
        profile: QWebEngineProfile,
        options: LaunchOptions,
        parent: QWidget,
        *,
        open_in_app: Callable[[QWebEngineNewWindowRequest], None],
        reload_blocked: Callable[[], str | None],
    ) -> None:
        super().__init__(profile, parent)
        self._options = options
        self._open_in_app = open_in_app
        self._reload_blocked = reload_blocked
        self.permissionRequested.connect(self._on_permission)
        # Every window.open() reaches createWindow() first; it returns None below, so Qt then emits
        # newWindowRequested with the requested URL, where the policy decides (openIn() keeps the opener).
        self.newWindowRequested.connect(self._on_new_window)

    def _on_permission(self, permission: QWebEnginePermission) -> None:
        kind = permission.permissionType().name
        origin = permission.origin().toString(QUrl.ComponentFormattingOption.FullyEncoded)
        if permission_decision(kind, origin, self._options.widget_url):
            permission.grant()
            log.info("permission %s granted to %s", kind, origin)
        else:
            permission.deny()
            log.info("permission %s denied to %s", kind, origin)

    def _decide(self, url: str) -> PopupAction:
        return popup_decision(url, app_server=self._options.app_server,
                              loopback_login=self._options.uses_loopback_login)

    def _on_new_window(self, request: QWebEngineNewWindowRequest) -> None:
        url = request.requestedUrl().toString(QUrl.ComponentFormattingOption.FullyEncoded)
        action = self._decide(url)
        if action is PopupAction.IN_APP_LOGIN:
            self._open_in_app(request)
            return
        # Not calling openIn() leaves window.open() without a window: the page gets null.
        self.popup_requested.emit(url, action)

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]  # noqa: N802, E501
        # No URL is known yet here; returning None makes Qt emit newWindowRequested with it.
        return None

    def acceptNavigationRequest(  # noqa: N802 - Qt override
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        if not is_main_frame:
            return True
        text = url.toString(QUrl.ComponentFormattingOption.FullyEncoded) if isinstance(url, QUrl) else url
        if main_frame_navigation_allowed(text, self._options.widget_url):
            reason = self._reload_blocked()
            if reason:
                # Any new document (a reload from the context menu or DevTools, location.href = ...) would
                # drop the PKCE verifier the widget keeps in memory, or the calls its web phone holds.
                log.warning("%s of the widget refused: %s", nav_type.name, reason)
                self.navigation_refused.emit(reason)
                return False
            return True
        self.popup_requested.emit(text, self._decide(text))
        return False

    def javaScriptConsoleMessage(  # noqa: N802 - Qt override
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int, source: str
    ) -> None:
        # Warnings and errors go to the log (redacted there like everything else), so a failure inside the
        # widget leaves a trace for the helpdesk; the rest stays at debug. The source loses its query (client id).
        where = f"{source.split('?', 1)[0].split('#', 1)[0]}:{line}"
        if level in (QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel,
                     QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel):
            js_log.warning("widget console %s at %s: %s", level.name.removesuffix("MessageLevel").lower(), where,
                           message[:500])
        else:
            js_log.debug("widget console %s at %s: %s", level.name, where, message[:500])
