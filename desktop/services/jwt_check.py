"""The JWT check: before the widget is loaded in JWT mode, ask the platform for a token exactly as the
widget will, so a wrong client id, secret, grant or JWT is explained up front (the widget would only show
its login page again).

The token it gets is revoked at once: RingCentral allows 5 sessions per user per app, and a check on every
launch would otherwise use them up. The secret, the JWT and the token are never logged nor put in a message.
"""

from __future__ import annotations

import logging
import os
import ssl

import httpx

from desktop import __version__
from desktop.core.errors import exception_chain
from desktop.core.oauth_errors import (
    AuthConfigError,
    AuthContext,
    OAuthFailure,
    PlatformUnreachable,
    clean_text,
    explain_oauth_error,
)

log = logging.getLogger("desktop.auth")

JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_PATH = "/restapi/oauth/token"
REVOKE_PATH = "/restapi/oauth/revoke"
_MIN_SCRUBBED = 4  # replacing a 1-character "secret" everywhere would only garble the text


async def check_jwt(app_server: str, client_id: str, client_secret: str, jwt: str, *, context: AuthContext,
                    client: httpx.AsyncClient, timeout: float = 15.0) -> None:
    """Sign in once with the JWT grant, then revoke the token; return only if the widget's login will work.

    *client* is the caller's, with the app's trust and proxy decision
    (:func:`desktop.services.tls_trust.app_http_client`); the check never makes one that reads the proxy itself.

    Raises:
        AuthConfigError: a setting or the app registration is wrong (the message names which).
        OAuthFailure: any other refusal (``PlatformUnavailable`` for rate limits and server errors).
        PlatformUnreachable: no answer (connection, DNS, TLS, timeout); the message names the app server.
    """
    if not client_secret:
        raise AuthConfigError(f"JWT sign-in needs the app's client secret, and {context.client_secret_from} "
                              "is empty.", help_hint="Copy it from the app's credentials in the developer console.",
                              environment=context.environment, setting=context.client_secret_from)
    if not jwt:
        raise AuthConfigError(f"JWT sign-in needs a JWT, and {context.jwt_from} is empty.",
                              help_hint="Create one under Credentials in the developer console.",
                              environment=context.environment, setting=context.jwt_from)
    base = app_server.rstrip("/")
    auth = httpx.BasicAuth(client_id, client_secret)  # the SDK's Basic base64(id:secret), no secret in the body
    try:
        response = await _post(client, base + TOKEN_PATH, {"grant_type": JWT_BEARER_GRANT_TYPE, "assertion": jwt},
                               auth, timeout)
    except httpx.RequestError as exc:
        raise _unreachable(exc, context, timeout) from None
    if response.status_code != 200:
        body = _scrub(response.text, (client_secret, jwt))
        raise explain_oauth_error(response.status_code, body, context,
                                  retry_after=response.headers.get("Retry-After"))
    token = _access_token(response)
    if token is None:
        raise OAuthFailure(f"{context.subject} answered the JWT sign-in without an access token.",
                           help_hint=f"Check that {context.app_server_from} names a RingCentral platform.",
                           environment=context.environment, status=200, setting=context.app_server_from)
    log.info("JWT check: %s accepted client id %s and the JWT", context.where, client_id)
    await _revoke(client, base + REVOKE_PATH, token, auth, timeout=timeout, context=context)


async def _post(http: httpx.AsyncClient, url: str, form: dict[str, str], auth: httpx.BasicAuth,
                timeout: float) -> httpx.Response:
    # No redirects: a token request must not be replayed, with its JWT, to wherever a 3xx points.
    return await http.post(url, data=form, auth=auth, timeout=timeout, follow_redirects=False,
                           headers={"Accept": "application/json",
                                    "X-User-Agent": f"EmbeddableDesktop/{__version__} (jwt-check)"})


async def _revoke(http: httpx.AsyncClient, url: str, token: str, auth: httpx.BasicAuth, *, timeout: float,
                  context: AuthContext) -> None:
    """End the check's session (RFC 7009); a failure is only logged, since the token expires on its own."""
    later = "it ends when its access token expires (1 hour)"
    try:
        response = await _post(http, url, {"token": token}, auth, timeout)
    except httpx.RequestError as exc:
        log.warning("JWT check: could not revoke its session on %s (%s); %s", context.where, _reason(exc), later)
        return
    if response.status_code != 200:
        log.warning("JWT check: %s refused to revoke its session (HTTP %s); %s", context.where,
                    response.status_code, later)
        return
    log.info("JWT check: session revoked")


def _access_token(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    token = data.get("access_token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Mask the secret and the JWT should a server ever echo them: the message may be shown and logged."""
    for secret in secrets:
        if len(secret) >= _MIN_SCRUBBED:
            text = text.replace(secret, "[redacted]")
    return text


def _reason(exc: BaseException) -> str:
    """The most specific words for a transport failure (``certificate verify failed: ...``, ``Connection
    refused``), without the request (which is never in these texts anyway)."""
    for item in exception_chain(exc):
        if isinstance(item, ssl.SSLCertVerificationError):
            return clean_text(f"certificate verify failed: {item.verify_message or item.reason or item}")
    for item in exception_chain(exc):
        if isinstance(item, OSError) and item.strerror:
            # asyncio says "Connect call failed ('127.0.0.1', 1)"; the errno says "Connection refused".
            # getaddrinfo's errnos are negative and only its own text explains them.
            return clean_text(os.strerror(item.errno) if item.errno and item.errno > 0 else item.strerror)
    return clean_text(str(exc)) or type(exc).__name__


def _unreachable(exc: httpx.RequestError, context: AuthContext, timeout: float) -> PlatformUnreachable:
    reason = _reason(exc)
    log.warning("JWT check: could not reach %s (%s: %s)", context.where, type(exc).__name__, reason)
    check = f"Check {context.app_server_from} and the network connection, then try again."
    # First: a handshake that stalls surfaces as an SSLError too ("did not complete"), but it is a timeout.
    if isinstance(exc, httpx.TimeoutException):
        return PlatformUnreachable(f"{context.subject} did not answer within {timeout:g} seconds, so the JWT "
                                   "was not checked.", help_hint=check, app_server=context.app_server)
    chain = exception_chain(exc)
    if any(isinstance(item, ssl.SSLError) for item in chain):
        if any(isinstance(item, ssl.SSLCertVerificationError) for item in chain):
            what = f"The https certificate of {context.where} could not be verified"
        else:
            what = f"The https connection to {context.where} failed"
        return PlatformUnreachable(
            f"{what} ({reason}), so the JWT was not checked.",
            help_hint=f"Check {context.app_server_from}. A network that intercepts https (a proxy or antivirus) or a "
            "wrong system clock can also cause this; certificate errors are never ignored.",
            app_server=context.app_server, tls=True)
    return PlatformUnreachable(f"Could not connect to {context.where} ({reason}), so the JWT was not checked.",
                               help_hint=check, app_server=context.app_server)
