"""What the widget page may do: which permissions it gets and where its popups and links go.

Pure decisions on plain values; the Qt shell only translates Qt objects into these calls.
"""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

from desktop.core.authorize import is_login_url
from desktop.core.urls import origin_of

#: Permission kinds (named like Qt's QWebEnginePermission.PermissionType) granted to the widget origin.
GRANTED_TO_WIDGET = frozenset({"MediaAudioCapture", "Notifications"})


def permission_decision(permission: str, requesting_origin: str, widget_url: str) -> bool:
    """Grant only the microphone and notifications, and only to the widget's own origin."""
    return permission in GRANTED_TO_WIDGET and requesting_origin.rstrip("/") == origin_of(widget_url)


class PopupAction(enum.Enum):
    SYSTEM_BROWSER_LOGIN = "login"  # the widget's login popup: system-browser sign-in
    IN_APP_LOGIN = "in-app-login"  # demo client: the login must run in a child window with an opener
    EXTERNAL = "external"  # help pages, recordings: the system browser
    REFUSE = "refuse"  # any other scheme


def popup_decision(url: str, *, app_server: str, loopback_login: bool) -> PopupAction:
    """Where a ``window.open`` (or a link leaving the widget) from the widget page goes."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return PopupAction.REFUSE
    if scheme not in ("http", "https"):
        return PopupAction.REFUSE
    if is_login_url(url, app_server):
        return PopupAction.SYSTEM_BROWSER_LOGIN if loopback_login else PopupAction.IN_APP_LOGIN
    return PopupAction.EXTERNAL


def main_frame_navigation_allowed(url: str, widget_url: str) -> bool:
    """The widget's window stays on the widget's origin; anything else is handled like a popup."""
    try:
        return origin_of(url) == origin_of(widget_url)
    except ValueError:
        return False
