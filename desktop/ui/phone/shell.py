"""What the phone and sign-in code may ask of the window around them, as small protocols.

They never import the window (an architecture test checks it): each module says here which few things it
uses, and the main window happens to provide them. A test, or another window, can provide them as well.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWebEngineCore import QWebEngineProfile

from desktop.core.call_state import Notification
from desktop.core.errors import LauncherError
from desktop.core.options import LaunchOptions
from desktop.core.widget_status import WidgetStatus

if TYPE_CHECKING:
    from desktop.services.login import LoginFlow
    from desktop.ui.phone.calls import CallMonitor
    from desktop.ui.phone.dialing import DialQueue
    from desktop.ui.phone.links import LinkRouter
    from desktop.ui.phone.phone import Phone
    from desktop.ui.signin.service_user import ServiceUserSignIn
    from desktop.ui.signin.sign_in_bar import SignInBar


class Notices(Protocol):
    def show_error(self, error: LauncherError) -> None: ...
    def show_notice(self, text: str, kind: str = "info") -> None: ...


class Notifications(Protocol):
    def notify(self, notification: Notification, web: Any = None, key: str | None = None,
               on_action: Callable[[str], None] | None = None) -> None: ...
    def withdraw(self, key: str) -> None: ...


class Shell(Protocol):
    """The common part: where to tell the person, the options, bringing the window up, running a task."""

    @property
    def errors(self) -> Notices: ...
    @property
    def options(self) -> LaunchOptions: ...
    def bring_to_front(self) -> None: ...
    def spawn(self, coro: Coroutine[Any, Any, None]) -> None: ...


class DialShell(Shell, Protocol):
    @property
    def phone(self) -> Phone: ...


class LinkShell(Shell, Protocol):
    @property
    def profile(self) -> QWebEngineProfile: ...
    def start_login(self, url: object) -> None: ...


class CallShell(DialShell, Protocol):
    @property
    def notifier(self) -> Notifications: ...
    @property
    def state_changed(self) -> SignalInstance: ...
    def windowTitle(self) -> str: ...  # noqa: N802 - Qt's name
    def setWindowTitle(self, title: str) -> None: ...  # noqa: N802 - Qt's name


class SignInShell(DialShell, Protocol):
    login: LoginFlow | None

    @property
    def links(self) -> LinkRouter: ...
    @property
    def sign_in_bar(self) -> SignInBar: ...


class _AccountMenu(Protocol):
    @property
    def menu(self) -> Any: ...  # the QMenu the service user's item goes in
    def update(self, *, signed_in: bool) -> None: ...


class ServiceUserShell(Shell, Protocol):
    @property
    def account(self) -> _AccountMenu: ...
    def load_widget(self, *, client_secret: str | None = None, jwt: str | None = None) -> None: ...


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
    def account(self) -> _AccountMenu: ...
    @property
    def placement(self) -> _Placement: ...
    @property
    def view(self) -> _Zoomable: ...
    @property
    def service_user(self) -> ServiceUserSignIn | None: ...
    @property
    def state_changed(self) -> SignalInstance: ...
    def start_login(self, url: object) -> None: ...
