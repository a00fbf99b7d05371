"""RingCentral OAuth errors explained as what to fix and where (developer console, a setting, or wait).

RingCentral answers ``{"error", "error_description", "errors": [{"errorCode": "OAU-...", "message"}]}``
and its docs say to branch on ``errorCode``, not on the text, so codes decide first, then the RFC 6749
``error``, then the text. The caller says in an :class:`AuthContext` where each setting came from, so a
message can point at the one value to change. Pure: no HTTP here.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from typing import TypedDict

from desktop.core.errors import LoginError
from desktop.core.records import record

CONSOLE_URL = "https://developers.ringcentral.com/console"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MAX_TEXT = 200  # an error text from a proxy can be a whole HTML page


class Grant(enum.Enum):
    """The grant a request used; names the console setting an app lacks when it is refused."""

    AUTHORIZATION_CODE = "authorization_code"
    JWT = "jwt"
    REFRESH_TOKEN = "refresh_token"


#: The label of each grant in the app's auth settings in the developer console.
CONSOLE_GRANT_LABEL = {
    Grant.AUTHORIZATION_CODE: "3-legged OAuth flow authorization code",
    Grant.JWT: "JWT auth flow",
    Grant.REFRESH_TOKEN: "Issue refresh tokens",
}
_GRANT_WORDS = {Grant.AUTHORIZATION_CODE: "the authorization code grant", Grant.JWT: "the JWT grant",
                Grant.REFRESH_TOKEN: "refresh tokens"}


@record
class AuthContext:
    """What was asked of which platform, and where each setting came from (``--client-id``,
    ``settings key environments.sandbox.client_id``, an IT policy key, ...). Never holds a secret."""

    environment: str  # "production", "sandbox" or "custom"
    app_server: str
    client_id: str
    grant: Grant = Grant.AUTHORIZATION_CODE
    redirect_uri: str | None = None  # the launcher's loopback redirect URI, when the flow uses one
    client_id_from: str = "--client-id"
    client_secret_from: str = "the client secret setting"
    jwt_from: str = "the JWT setting"
    redirect_port_from: str = "--redirect-port"
    app_server_from: str = "--env / --app-server"

    @property
    def where(self) -> str:
        """``the sandbox platform https://platform.devtest.ringcentral.com``."""
        return f"the {self.environment} platform {self.app_server}"

    @property
    def subject(self) -> str:
        """:attr:`where` at the start of a sentence."""
        return "T" + self.where[1:]

    @property
    def app(self) -> str:
        """``the app with client id X (set by --client-id)``."""
        return f"the app with client id {self.client_id} (set by {self.client_id_from})"


class OAuthFailure(LoginError):
    """A RingCentral OAuth endpoint refused a request; ``str(err)`` says what to do."""

    def __init__(self, message: str, *, help_hint: str | None = None, environment: str = "",
                 status: int | None = None, code: str = "", setting: str | None = None) -> None:
        super().__init__(message, help_hint=help_hint)
        self.environment = environment
        self.status = status
        #: RingCentral's errorCode (``OAU-109``), else the OAuth ``error``, else "".
        self.code = code
        #: Where the value to change lives (``--client-id``, a settings key), if a setting is at fault.
        self.setting = setting


class AuthConfigError(OAuthFailure):
    """The app registration or a setting is wrong; ``setting`` names where to fix it."""

    title = "Sign-in is not set up correctly"


class AccessDenied(OAuthFailure):
    """The person, or the account's administrator, refused the app."""

    title = "Sign-in refused"


class PlatformUnavailable(OAuthFailure):
    """Rate-limited or a server error: nothing to fix, try later (``retry_after`` seconds, if known)."""

    title = "RingCentral is not available"

    def __init__(self, message: str, *, help_hint: str | None = None, environment: str = "",
                 status: int | None = None, code: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, help_hint=help_hint, environment=environment, status=status, code=code)
        self.retry_after = retry_after


class PlatformUnreachable(LoginError):
    """No HTTP answer at all (connection, DNS, TLS, timeout); raised by the services that do the I/O."""

    title = "RingCentral cannot be reached"

    def __init__(self, message: str, *, help_hint: str | None = None, app_server: str = "",
                 tls: bool = False) -> None:
        super().__init__(message, help_hint=help_hint)
        self.app_server = app_server
        self.tls = tls


@record
class OAuthErrorBody:
    """The parts of an error body that matter; everything is "" or () when the body was not JSON."""

    error: str = ""  # RFC 6749 "error", lower-cased
    description: str = ""
    codes: tuple[str, ...] = ()  # RingCentral errorCode values, upper-cased, in order
    messages: tuple[str, ...] = ()
    is_json: bool = False
    empty: bool = True


def clean_text(text: str) -> str:
    """One short line: control characters out (a body must not forge log lines), long text cut."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def parse_error_body(body: bytes | str | Mapping[str, object] | None) -> OAuthErrorBody:
    """Read RingCentral's error shape (also the REST API's top-level ``errorCode``) from any body."""
    if body is None or (isinstance(body, bytes | str) and not body.strip()):
        return OAuthErrorBody()
    data: object = body
    if isinstance(body, bytes | str):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return OAuthErrorBody(empty=False)
    if not isinstance(data, Mapping):
        return OAuthErrorBody(empty=False)
    codes: list[str] = []
    messages: list[str] = []
    items = data.get("errors")
    for item in [data, *(items if isinstance(items, list) else [])]:
        if isinstance(item, Mapping):
            code, message = item.get("errorCode"), item.get("message")
            if isinstance(code, str) and code.strip() and code.strip().upper() not in codes:
                codes.append(code.strip().upper())
            if isinstance(message, str) and message.strip():
                messages.append(clean_text(message))
    error, description = data.get("error"), data.get("error_description")
    return OAuthErrorBody(
        error=clean_text(error).lower() if isinstance(error, str) else "",
        description=clean_text(description) if isinstance(description, str) else "",
        codes=tuple(codes), messages=tuple(messages), is_json=True, empty=False)


class _Reported(TypedDict):
    environment: str
    status: int
    code: str


def _retry_seconds(retry_after: str | None) -> float | None:
    try:
        seconds = float(retry_after or "")
    except ValueError:
        return None  # an HTTP date, or garbage: the generic advice is good enough
    return seconds if 0 <= seconds <= 86400 else None


def _reported(status: int, parsed: OAuthErrorBody) -> str:
    """``HTTP 400 invalid_client OAU-153: Invalid client: abc``: what support will ask for."""
    head = " ".join(p for p in (f"HTTP {status}", parsed.error, parsed.codes[0] if parsed.codes else "") if p)
    text = parsed.description or (parsed.messages[0] if parsed.messages else "")
    return f"{head}: {text}" if text else head


def explain_oauth_error(status: int, body: bytes | str | Mapping[str, object] | None, context: AuthContext,
                        *, retry_after: str | None = None) -> OAuthFailure:
    """Turn an OAuth error answer (token or authorize endpoint) into an error that says what to fix.

    Args:
        status: the HTTP status.
        body: the raw body (JSON or not, possibly empty) or already-decoded JSON.
        context: the platform, client id and grant of the request, and where each setting came from.
        retry_after: the ``Retry-After`` header, if any (seconds).
    """
    parsed = parse_error_body(body)
    codes, error, ctx = set(parsed.codes), parsed.error, context
    text = " ".join((error, parsed.description, *parsed.messages)).lower()
    seen = _reported(status, parsed)
    common = _Reported(environment=ctx.environment, status=status,
                       code=parsed.codes[0] if parsed.codes else error)
    uri = ctx.redirect_uri or "the launcher's redirect URI (http://127.0.0.1:<port>/oauth/callback)"

    if status == 429 or "CMN-301" in codes:
        seconds = _retry_seconds(retry_after)
        wait = f"Wait {seconds:g} seconds" if seconds is not None else "Wait a minute"
        return PlatformUnavailable(
            f"{ctx.subject} is limiting sign-in requests for {ctx.app} ({seen}).",
            help_hint=f"{wait} and try again; RingCentral limits how often an app may ask for tokens.",
            retry_after=seconds, **common)
    if status >= 500:
        return PlatformUnavailable(
            f"{ctx.subject} could not handle the sign-in request ({seen}).",
            help_hint="The fault is on the platform's side; try again in a few minutes.", **common)
    if "OAU-113" in codes or "no redirect uri is registered" in text:
        return AuthConfigError(
            f"{ctx.subject} refused the sign-in: {ctx.app} has no OAuth redirect URI registered ({seen}).",
            help_hint=f"The app was probably made for another auth flow (JWT only, for example). In the "
            f"developer console ({CONSOLE_URL}) give it the \"{CONSOLE_GRANT_LABEL[Grant.AUTHORIZATION_CODE]}\" "
            f"auth and the redirect URI {uri}, or set {ctx.client_id_from} to the client id of an app that has "
            "them.", setting=ctx.client_id_from, **common)
    if "OAU-109" in codes or error == "invalid_redirect_uri" or "redirect uris do not match" in text:
        return AuthConfigError(
            f"{ctx.subject} refused the sign-in: the redirect URI {uri} is not registered for {ctx.app} ({seen}).",
            help_hint=f"In the developer console ({CONSOLE_URL}) add exactly {uri} to that app's OAuth redirect "
            "URIs (RingCentral compares them character for character, port included), or set "
            f"{ctx.redirect_port_from} to the port of a redirect URI the app already has.",
            setting=ctx.redirect_port_from, **common)
    if (codes & {"OAU-250", "OAU-251"} or error in {"unauthorized_client", "unsupported_grant_type"}
            or "unauthorized for this grant type" in text):
        label = CONSOLE_GRANT_LABEL[ctx.grant]
        return AuthConfigError(
            f"{ctx.subject} does not allow {ctx.app} to use {_GRANT_WORDS[ctx.grant]} ({seen}).",
            help_hint=f"In the developer console ({CONSOLE_URL}) enable \"{label}\" in the app's auth "
            f"settings, or set {ctx.client_id_from} to the client id of an app that has it.",
            setting=ctx.client_id_from, **common)
    if codes & {"OAU-123", "OAU-153"} or error == "invalid_client":
        return _bad_client(ctx, seen, common)
    if "OAU-140" in codes or error == "invalid_grant":
        if ctx.grant is Grant.JWT:
            return AuthConfigError(
                f"{ctx.subject} refused the JWT (set by {ctx.jwt_from}) for {ctx.app} ({seen}): it is malformed, "
                "expired or revoked, or it was made for the other environment or for another app.",
                help_hint=f"In the developer console ({CONSOLE_URL}) create a JWT credential for "
                f"{ctx.environment} that this app may use, and put it in {ctx.jwt_from}.",
                setting=ctx.jwt_from, **common)
        return OAuthFailure(f"{ctx.subject} refused the sign-in: the code or session expired or was already "
                            f"used ({seen}).", help_hint="Click Sign In to try again.", **common)
    if error == "access_denied":
        who = "the JWT's user or " if ctx.grant is Grant.JWT else "you declined, or "
        return AccessDenied(
            f"{ctx.subject} denied access to {ctx.app} ({seen}): {who}the account does not allow this app.",
            help_hint="If it keeps happening, ask your RingCentral account administrator whether the app and "
            "the user are allowed.", **common)
    if parsed.empty or not parsed.is_json:
        what = "an empty body" if parsed.empty else "a body that is not RingCentral's JSON"
        return OAuthFailure(
            f"{ctx.subject} answered the sign-in request with HTTP {status} and {what}.",
            help_hint=f"Check that {ctx.app_server_from} names a RingCentral platform; a proxy or a captive "
            "portal can also answer like this.", setting=ctx.app_server_from, **common)
    return OAuthFailure(f"{ctx.subject} refused the sign-in request of {ctx.app} ({seen}).",
                        help_hint=f"Check the app's settings in the developer console ({CONSOLE_URL}); "
                        "RingCentral support will ask for the code above.", **common)


def _bad_client(ctx: AuthContext, seen: str, common: _Reported) -> AuthConfigError:
    other = {"sandbox": "production", "production": "sandbox"}.get(ctx.environment)
    differ = (f"Sandbox and production give an app different client ids and secrets; make sure these are the "
              f"{ctx.environment} ones, not the {other} ones." if other
              else "Each platform gives an app its own client id; use the one for this platform.")
    if ctx.grant is Grant.JWT:  # the secret travels with the id, so either can be the wrong one
        return AuthConfigError(
            f"{ctx.subject} does not accept {ctx.app} with the client secret set by {ctx.client_secret_from} "
            f"({seen}).", help_hint=f"{differ} Copy both from the app's credentials in the developer console "
            f"({CONSOLE_URL}).", setting=ctx.client_id_from, **common)
    return AuthConfigError(
        f"{ctx.subject} does not know {ctx.app}, or the app requires a client secret ({seen}).",
        help_hint=f"{differ} Browser sign-in needs an app of type \"Client-side web app\" without a client "
        "secret (it uses PKCE).", setting=ctx.client_id_from, **common)


def password_grant_refused(source: str) -> AuthConfigError:
    """Why the auth mode ``password`` (OAuth ROPC) is not offered; ``source`` names where it was asked for."""
    return AuthConfigError(
        f"{source}: the password grant is not offered. It would give your RingCentral password to this app "
        "instead of to RingCentral's sign-in page, and the OAuth security best practice (RFC 9700 §2.4) says "
        "the resource owner password credentials grant MUST NOT be used; RingCentral does not make it "
        "available to public apps either.",
        help_hint="Use pkce (sign-in in your browser, where single sign-on, MFA and passkeys work) or, for one "
        "shared service user, jwt.", code="password", setting=source)
