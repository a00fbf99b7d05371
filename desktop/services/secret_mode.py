"""The sign-in modes that need secrets: ``jwt`` (a service user) and the deprecated ``authorization_code``.

Before the widget is loaded the secrets are read from the keychain (off the GUI thread, with the store's
time limit) and, in JWT mode, tried once against the token endpoint, so a wrong secret or a missing grant
is explained in plain words instead of a widget that silently stays signed out.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging

import httpx

from desktop.core.errors import LauncherError
from desktop.core.oauth_errors import AuthConfigError, AuthContext, Grant
from desktop.core.options import LaunchOptions
from desktop.core.records import record
from desktop.services.jwt_check import check_jwt
from desktop.services.secrets import CLIENT_SECRET, JWT, SecretStore

log = logging.getLogger("desktop.auth")

JWT_WARNING = (
    "JWT sign-in: everyone who uses this installation signs in as the same RingCentral user, and the client "
    "secret is handed to the widget page. Use it for a service user only."
)
AUTH_CODE_WARNING = (
    "auth_mode authorization_code is deprecated and meant for debugging: the client secret is handed to the "
    "widget page and PKCE is off. Use pkce for people."
)


@record
class WidgetSecrets:
    """What the widget gets in its URL in these modes (never logged)."""

    client_secret: str
    jwt: str | None = None


# Our own threads, not the loop's default executor: qasync's executor logs every result at DEBUG level,
# which here would be a secret.
_KEYCHAIN_THREADS = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="keychain")


async def _read(store: SecretStore, env: str, name: str) -> str:
    value = await asyncio.wrap_future(_KEYCHAIN_THREADS.submit(store.get, env, name))
    if not value:
        raise LauncherError(
            f"The {env} environment signs in with auth_mode {'jwt' if name == JWT else 'authorization_code'}, "
            f"but the keychain has no {name} for it.",
            help_hint=f"Store it with: embeddable-desktop secrets set {name} --env {env}",
        )
    return value


async def prepare_secret_mode(options: LaunchOptions, store: SecretStore, *, pass_jwt: bool,
                              client: httpx.AsyncClient) -> WidgetSecrets:
    """Read (and in JWT mode check) the secrets for ``options.env_name``.

    Args:
        pass_jwt: False after the service user signed out, so the widget is not signed in again.
        client: for the JWT check: :func:`desktop.services.tls_trust.app_http_client`'s, which follows the
            ``proxy`` setting and the app's trust.

    Raises:
        LauncherError: a missing client id or secret, an unusable keychain, or the platform's refusal
            (mapped to what to fix and where).
    """
    env = options.env_name
    if options.client_id is None:
        raise AuthConfigError(
            f"auth_mode {options.auth_mode} needs a client id, and the {env} environment has none.",
            help_hint=f"Set environments.{env}.client_id (embeddable-desktop config set) or use --client-id.",
            environment=env, setting=f"environments.{env}.client_id",
        )
    secret = await _read(store, env, CLIENT_SECRET)
    if options.auth_mode != "jwt" or not pass_jwt:
        return WidgetSecrets(client_secret=secret)
    jwt = await _read(store, env, JWT)
    context = AuthContext(environment=env, app_server=options.app_server, client_id=options.client_id,
                          grant=Grant.JWT, client_secret_from=f"keychain entry {env}/{CLIENT_SECRET}",
                          jwt_from=f"keychain entry {env}/{JWT}")
    await check_jwt(options.app_server, options.client_id, secret, jwt, context=context, client=client)
    log.info("JWT accepted by %s for the %s environment", options.app_server, env)
    return WidgetSecrets(client_secret=secret, jwt=jwt)
