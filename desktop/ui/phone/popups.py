"""The in-app login window, used only with the widget's demo client.

The demo client's registered redirect is the hosted ``redirect.html``, which hands the result back
through ``window.opener``; so the popup must be a real child page of the widget (``openIn`` keeps the
opener), not the system browser.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEngineNewWindowRequest, QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from desktop.core.urls import origin_of

log = logging.getLogger("desktop.web")


class _PopupPage(QWebEnginePage):
    widget_origin = ""
    def acceptNavigationRequest(  # noqa: N802 - Qt override
        self, url: QUrl | str, nav_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        scheme = (url.scheme() if isinstance(url, QUrl) else QUrl(url).scheme()).lower()
        # https only (SSO may pass through the company's identity provider, so hosts cannot be listed),
        # plus the widget's own origin for redirect.html, which may be http on a developer's machine.
        text = url.toString() if isinstance(url, QUrl) else url
        if scheme == "https" or (is_main_frame and origin_of(text) == self.widget_origin):
            return True
        log.warning("login window: refused a %s: navigation", scheme)
        return False

    def createWindow(self, _type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]  # noqa: N802, E501
        return None  # the login page needs no further windows


class LoginPopup(QWebEngineView):
    """A top-level window showing the widget's login popup page; closes when the page closes itself."""

    def __init__(self, profile: QWebEngineProfile, request: QWebEngineNewWindowRequest, parent: QWidget, *,
                 widget_origin: str) -> None:
        super().__init__()
        self._owner = parent  # kept alive by the main window; not a Qt child so it is its own window
        page = _PopupPage(profile, self)
        page.widget_origin = widget_origin
        self.setPage(page)
        page.windowCloseRequested.connect(self.close)
        self.setWindowTitle("Sign in to RingCentral")
        geometry = request.requestedGeometry()
        self.resize(max(geometry.width(), 480), max(geometry.height(), 640))
        request.openIn(page)
        log.info("login window opened in the app (demo client)")
