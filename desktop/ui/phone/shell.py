"""What the phone and sign-in code may ask of the window around them: the common protocols.

They never import the window (an architecture test checks it). Each module names the few things it uses as a
protocol of its own, built on these (``links.LinkShell``, ``calls.CallShell``, ``widget_events.EventShell``,
``browser_sign_in.SignInShell``, ``service_user.ServiceUserShell``); the main window happens to provide them.
A test, or another window, can provide them as well.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from desktop.core.call_state import Notification
from desktop.core.errors import LauncherError
from desktop.core.options import LaunchOptions

if TYPE_CHECKING:
    from desktop.ui.phone.phone import Phone


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


class AccountItems(Protocol):
    """The Account menu, as the sign-in code sees it: where the service user's item goes, and its state."""

    @property
    def menu(self) -> Any: ...  # the QMenu the service user's item goes in
    def update(self, *, signed_in: bool) -> None: ...
