"""Sign-in through the system browser, seen from the window: starts the loopback flow, hands the callback over.

The flow itself (listener, state checks, time limit) is :class:`desktop.services.login.LoginFlow`; this is
its observer in the Qt shell: it posts the checked callback into the widget and shows failures.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Protocol

from desktop.core.errors import LauncherError, PopupRefused
from desktop.core.widget_commands import AuthorizationCode
from desktop.ui.phone.shell import DialShell

if TYPE_CHECKING:
    from desktop.services.login import LoginFlow
    from desktop.ui.phone.links import LinkRouter
    from desktop.ui.signin.sign_in_bar import SignInBar


class SignInShell(DialShell, Protocol):
    login: LoginFlow | None

    @property
    def links(self) -> LinkRouter: ...
    @property
    def sign_in_bar(self) -> SignInBar: ...

log = logging.getLogger("desktop.ui")


class BrowserSignIn:
    def __init__(self, window: SignInShell) -> None:
        self._window = window

    def start_service(self) -> None:
        """Set up the system-browser sign-in, once: when the widget is up (``after_start``), or at a sign-in it asks
        for before then. Imported here, so the listener's modules stay off the start-up path."""
        from desktop.services.login import LoginFlow

        window, options = self._window, self._window.options
        if options.uses_loopback_login and options.client_id is not None and window.login is None:
            window.login = LoginFlow(
                app_server=options.app_server,
                client_id=options.client_id,
                redirect_uri=options.redirect_uri,
                port=options.redirect_port,
                open_browser=window.links.open_in_browser,
                observer=self,
            )
            try:
                window.login.listener.check_port()
            except LauncherError as exc:
                window.errors.show_error(exc)

    def begin(self, url: object) -> None:
        """The widget asked to sign in (``rc-login-popup-notify``) with the authorize URL ``url``."""
        window = self._window
        self.start_service()  # started once the widget is up (after_start); a sign-in may come first
        if window.login is None:
            log.warning("ignored rc-login-popup-notify: no client id, the widget uses its own popup")
            return
        if not isinstance(url, str):
            window.errors.show_error(PopupRefused("The widget asked to sign in without a sign-in address."))
            return
        window.spawn(window.login.begin(url))

    # --- LoginObserver ----------------------------------------------------------------------------
    def deliver_callback(self, callback_uri: str) -> None:
        started = time.perf_counter()
        self._window.phone.send(AuthorizationCode(callback_uri))
        log.info("sign-in callback handed to the widget in %.1f ms", (time.perf_counter() - started) * 1000)
        self._window.bring_to_front()

    def login_failed(self, error: LauncherError) -> None:
        self._window.errors.show_error(error)

    def attempt_changed(self, authorize_url: str | None) -> None:
        self._window.sign_in_bar.show_attempt(authorize_url)

    # --- the sign-in bar's buttons ----------------------------------------------------------------
    def open_again(self, url: str) -> None:
        try:
            self._window.links.open_in_browser(url)
        except LauncherError as exc:
            self._window.errors.show_error(exc)
            return
        log.info("sign-in page opened again")

    def cancel(self) -> None:
        window = self._window
        if window.login is not None:
            log.info("sign-in cancelled by the person")
            window.spawn(window.login.cancel())
