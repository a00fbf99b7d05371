"""One tree of errors for everything the launcher tells a person about.

    LauncherError                 every error meant for a person; ``str(err)`` is the message
    ├── UsageError                bad command-line options (exit status 2), one line per problem
    ├── LoginError                a sign-in attempt failed or was refused
    │   ├── AuthorizeUrlRejected  a page asked to open an authorize URL that fails the checks
    │   ├── CallbackRejected      the browser came back with something unusable
    │   └── LoginTimedOut         nobody came back within the time limit
    ├── ListenerError             the loopback listener could not start
    │   └── PortInUse             the redirect port is taken
    ├── PopupRefused              a page tried to open a URL or scheme the launcher will not open
    └── WidgetLoadFailed          the widget page could not be loaded (offline, DNS, TLS, HTTP error)

The UI shows these in one place (``desktop.ui.window.errors``); anything else is a bug and is logged with its
traceback.
"""

from __future__ import annotations


def exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, outermost first: httpx wraps httpcore, which wraps the ``ssl`` or
    ``OSError`` that says why, and the message for a person comes from the innermost that explains."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


class LauncherError(Exception):
    """Base of every error a person sees. The message names what is wrong and where."""

    #: A short title for the UI ("Sign-in failed", ...).
    title = "Embeddable Desktop"

    def __init__(self, message: str, *, help_hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.help_hint = help_hint

    def __str__(self) -> str:
        return self.message if not self.help_hint else f"{self.message} {self.help_hint}"


class UsageError(LauncherError):
    """One or more command-line options are invalid; ``problems`` holds one line each."""

    title = "Invalid options"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class LoginError(LauncherError):
    """A sign-in attempt failed."""

    title = "Sign-in failed"


class AuthorizeUrlRejected(LoginError):
    """The widget (or a page) asked to open an authorize URL that fails the launcher's checks."""

    title = "Sign-in refused"


class CallbackRejected(LoginError):
    """The redirect that came back to the loopback listener cannot be used."""


class LoginTimedOut(LoginError):
    """The browser did not come back within the time limit."""

    title = "Sign-in timed out"


class ListenerError(LauncherError):
    """The loopback listener could not be started."""

    title = "Sign-in unavailable"


class PortInUse(ListenerError):
    """The configured redirect port is already taken by another program."""


class PopupRefused(LauncherError):
    """A page tried to open something the launcher refuses to open."""

    title = "Link refused"


class WidgetLoadFailed(LauncherError):
    """The widget's page could not be loaded; the message names the URL and the reason."""

    title = "The phone could not be loaded"
