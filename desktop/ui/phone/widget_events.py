"""What the window does with each message from the widget (``rc-*-notify``), in one place.

The bridge has already checked the message's source and origin; payload shapes are those of the
protocol notes (section 4). Unknown kinds are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from desktop.ui.phone.shell import AccountItems, DialShell

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from desktop.core.widget_status import WidgetStatus
    from desktop.ui.phone.calls import CallMonitor
    from desktop.ui.phone.dialing import DialQueue
    from desktop.ui.signin.service_user import ServiceUserSignIn


class _Placement(Protocol):
    def side_drawer(self, open_: bool, zoom: float = 1.0) -> None: ...


class _Zoomable(Protocol):
    def zoomFactor(self) -> float: ...  # noqa: N802 - Qt's name


class EventShell(DialShell, Protocol):
    """The widget-events hub: it hands each event to the part that owns it."""

    @property
    def status(self) -> WidgetStatus: ...
    @property
    def calls(self) -> CallMonitor: ...
    @property
    def dialing(self) -> DialQueue: ...
    @property
    def account(self) -> AccountItems: ...
    @property
    def placement(self) -> _Placement: ...
    @property
    def view(self) -> _Zoomable: ...
    @property
    def service_user(self) -> ServiceUserSignIn | None: ...
    @property
    def state_changed(self) -> SignalInstance: ...
    def start_login(self, url: object) -> None: ...

log = logging.getLogger("desktop.ui")


class WidgetEvents:
    def __init__(self, window: EventShell) -> None:
        self._window = window
        #: Run once when the widget next reports that it signed out (sign out and forget).
        self.after_sign_out: list[Callable[[], None]] = []

    def on_message(self, message: dict[str, Any]) -> None:
        window = self._window
        kind = message["type"]
        if kind == "rc-login-popup-notify":
            window.start_login(message.get("oAuthUri"))
        elif kind == "rc-dialer-status-notify":
            window.status.dialer(bool(message.get("ready")))
            window.dialing.dialer_status()
        elif window.calls.handles(kind):
            window.calls.on_message(message)
        elif kind == "rc-adapter-side-drawer-open-notify":
            window.placement.side_drawer(bool(message.get("open")), window.view.zoomFactor())
        elif kind in ("rc-adapter-syncPresence", "rc-adapter-pushAdapterState"):
            window.phone.on_message(message)
        elif kind == "rc-login-status-notify":
            self._login_status(bool(message.get("loggedIn")))

    def page_replaced(self, *_: object) -> None:
        """The widget's document is being replaced (a load started, or its renderer ended): what the old one
        said about sign-in and the dialer no longer holds, until the new one says it again."""
        window = self._window
        if window.status.page_replaced():
            window.state_changed.emit()

    def _login_status(self, signed_in: bool) -> None:
        window = self._window
        before = window.status.login(signed_in)
        window.state_changed.emit()
        log.info("widget login status: %s", "signed in" if signed_in else "signed out")
        window.account.update(signed_in=signed_in)
        if window.service_user is not None:
            window.service_user.login_status(signed_in, was_signed_in=before is True)
        window.dialing.login_status(signed_in)
        if not signed_in:
            waiting, self.after_sign_out = self.after_sign_out, []
            for callback in waiting:
                callback()
