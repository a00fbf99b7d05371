"""JWT (service user) and the deprecated authorization-code mode in the window.

Reads and checks the secrets before the widget loads, warns once per environment that everyone shares one
RingCentral user, and makes sign-out stick: once the service user signs out, the JWT is not passed again
until the person asks for it (Account menu), since the widget would otherwise sign in again on every load.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtGui import QAction

from desktop.core.errors import LauncherError
from desktop.services.app_state import JWT_SIGNED_OUT, JWT_WARNED, AppState
from desktop.services.secret_mode import AUTH_CODE_WARNING, JWT_WARNING, prepare_secret_mode
from desktop.services.secrets import SecretStore
from desktop.services.tls_trust import app_http_client
from desktop.ui.phone.shell import AccountItems, Shell


class ServiceUserShell(Shell, Protocol):
    @property
    def account(self) -> AccountItems: ...
    def load_widget(self, *, client_secret: str | None = None, jwt: str | None = None) -> None: ...

log = logging.getLogger("desktop.auth")


class ServiceUserSignIn:
    def __init__(self, window: ServiceUserShell, state: AppState, extra_ca_file: Path | None) -> None:
        self._window = window
        self._state = state
        self._extra_ca_file = extra_ca_file
        env = window.options.env_name
        # Owned by the Account menu it is added to (its parent), which lives as long as the window.
        self.sign_in_action = QAction("Sign in again as the service user (JWT)", window.account.menu)
        self.sign_in_action.triggered.connect(lambda: window.spawn(self.sign_in_again()))
        self.sign_in_action.setVisible(window.options.auth_mode == "jwt")
        self.sign_in_action.setEnabled(state.has(JWT_SIGNED_OUT, env))
        window.account.menu.addAction(self.sign_in_action)

    async def start(self) -> None:
        """Warn, read and check the secrets, then load the widget; problems are shown, not raised."""
        options = self._window.options
        env = options.env_name
        if options.auth_mode == "jwt" and not self._state.has(JWT_WARNED, env):
            self._window.errors.show_notice(JWT_WARNING, "warning")
            self._state.set(JWT_WARNED, env, True)
        elif options.auth_mode == "authorization_code":
            self._window.errors.show_notice(AUTH_CODE_WARNING, "warning")
        pass_jwt = not self._state.has(JWT_SIGNED_OUT, env)
        try:
            async with app_http_client(self._extra_ca_file, options.proxy) as client:
                secrets = await prepare_secret_mode(options, SecretStore(), pass_jwt=pass_jwt, client=client)
        except LauncherError as exc:
            self._window.errors.show_error(exc)
            return
        if options.auth_mode == "jwt" and not pass_jwt:
            self._window.errors.show_notice("The service user signed out here, so the app does not sign it in "
                                            "again; use Account → Sign in again as the service user.")
        self._window.load_widget(client_secret=secrets.client_secret, jwt=secrets.jwt)

    def login_status(self, signed_in: bool, *, was_signed_in: bool) -> None:
        """Remember a sign-out of the service user (and forget it once signed in again)."""
        env = self._window.options.env_name
        if self._window.options.auth_mode != "jwt":
            return
        if signed_in:
            self._state.set(JWT_SIGNED_OUT, env, False)
        elif was_signed_in:
            log.info("the service user signed out; the JWT is not passed again until asked")
            self._state.set(JWT_SIGNED_OUT, env, True)
        self.sign_in_action.setEnabled(not signed_in)

    async def sign_in_again(self) -> None:
        self._state.set(JWT_SIGNED_OUT, self._window.options.env_name, False)
        await self.start()
