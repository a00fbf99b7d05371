"""The OAuth rules of the fake RingCentral platform, without HTTP: authorize, token, revoke and bearer checks.

Deliberately strict (RFC 6749, RFC 7636, RFC 7009 and RingCentral's documented errors): exact redirect-URI
match, mandatory PKCE S256 for public clients, single-use short-lived codes, ``redirect_uri`` at the exchange
equal to the authorize one, client authentication by HTTP Basic only for apps with a secret. Passing against
this stand-in should mean the same requests work against the real platform.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from tests.fakes.oauth_tokens import TokenStore
from tests.fakes.oauth_types import (
    GRANT_AUTHORIZATION_CODE,
    GRANT_JWT,
    GRANT_REFRESH_TOKEN,
    JWT_BEARER_GRANT_TYPE,
    AuthorizeRecord,
    FakeClient,
    OAuthError,
)
from tests.fakes.records import Records

VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 §4.1
CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url(sha256) without padding
#: Query keys a real authorize URL legitimately repeats (the widget sends ui_options twice).
REPEATABLE = {"ui_options"}


def s256(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(ASCII(verifier))) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def single_values(pairs: list[tuple[str, str]], repeatable: set[str]) -> dict[str, str]:
    """First value per key; RFC 6749 §3.1/§3.2: parameters MUST NOT be sent more than once."""
    values: dict[str, str] = {}
    for key, value in pairs:
        if key in values and key not in repeatable:
            raise OAuthError(400, "invalid_request", "OAU-101", f"Parameter [{key}] is repeated")
        values.setdefault(key, value)
    return values


def add_query(uri: str, params: list[tuple[str, str]]) -> str:
    """Append *params* to *uri*'s query (with ``&`` if it already has one)."""
    parts = urlsplit(uri)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str | None
    expires_at: float
    used: bool = False
    access_tokens: list[str] = field(default_factory=list)


class OAuthServer:
    """Thread-safe OAuth state: clients, codes and tokens; authorize requests go to *records*."""

    def __init__(self, records: Records, clients: dict[str, FakeClient] | None = None,
                 code_ttl: float = 60.0) -> None:
        self.lock = threading.RLock()
        self.records = records
        self.clients: dict[str, FakeClient] = dict(clients or {})
        self.code_ttl = code_ttl  # RingCentral codes live about a minute
        self.deny_next_login = False
        self.tokens = TokenStore(self.lock)
        self._codes: dict[str, _Code] = {}

    # --- authorize --------------------------------------------------------------------------------------
    def authorize(self, query: list[tuple[str, str]]) -> str:
        """Validate an authorize request and return the redirect Location; raise OAuthError (shown as a page)."""
        record: AuthorizeRecord = {
            "query": list(query), "client_id": None, "redirect_uri": None, "state": None, "code_challenge": None,
            "ok": False, "denied": False, "error": None, "error_code": None, "code": None}
        with self.lock:
            try:
                location = self._authorize(query, record)
            except OAuthError as exc:
                record.update({"error": exc.error, "error_code": exc.error_code})
                raise
            finally:
                self.records.add_authorize(record)
            return location

    def _authorize(self, query: list[tuple[str, str]], record: AuthorizeRecord) -> str:
        params = single_values(query, REPEATABLE)
        client_id = params.get("client_id", "")
        record.update({"client_id": client_id or None, "redirect_uri": params.get("redirect_uri"),
                       "state": params.get("state"), "code_challenge": params.get("code_challenge")})
        client = self.clients.get(client_id)
        if client is None:  # unknown client: an error page, never a redirect (RFC 6749 §4.1.2.1)
            raise OAuthError(400, "invalid_client", "OAU-153", f"Invalid client: {client_id}")
        redirect_uri = params.get("redirect_uri")
        if not client.redirect_uris:
            raise OAuthError(400, "invalid_request", "OAU-113", "Redirect URI is not registered for this app")
        if not redirect_uri:
            raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [redirect_uri] is missing")
        if redirect_uri not in client.redirect_uris:  # exact string match, port included
            raise OAuthError(400, "invalid_redirect_uri", "OAU-109", "Redirect URIs do not match")
        if params.get("response_type") != "code":
            raise OAuthError(400, "unsupported_response_type", "OAU-101", "Parameter [response_type] is invalid")
        if GRANT_AUTHORIZATION_CODE not in client.grants:
            raise OAuthError(400, "unauthorized_client", "OAU-251", "Unauthorized for this grant type")
        state = params.get("state", "")
        if not state:
            raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [state] is missing")
        challenge = self._check_challenge(params, client)
        if self.deny_next_login:
            self.deny_next_login = False
            record.update({"ok": True, "denied": True})
            return add_query(redirect_uri, [("error", "access_denied"),
                                            ("error_description", "The user denied the authorization request"),
                                            ("state", state)])
        code = secrets.token_urlsafe(24)
        self._codes[code] = _Code(client_id, redirect_uri, challenge, time.monotonic() + self.code_ttl)
        record.update({"ok": True, "code": code})
        return add_query(redirect_uri, [("code", code), ("state", state)])

    @staticmethod
    def _check_challenge(params: dict[str, str], client: FakeClient) -> str | None:
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method")
        if challenge is None and method is None:
            if client.secret is None:  # a public client without PKCE would let any code thief in
                raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [code_challenge] is missing")
            return None
        if method != "S256":  # 'plain' (or the RFC default when absent) is refused
            raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [code_challenge_method] is invalid")
        if not challenge or not CHALLENGE_RE.match(challenge):
            raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [code_challenge] is invalid")
        return challenge

    # --- token ------------------------------------------------------------------------------------------
    def authenticate(self, form: dict[str, str], authorization: str | None) -> tuple[str, FakeClient]:
        """Client authentication for /token: HTTP Basic for apps with a secret, ``client_id`` otherwise."""
        with self.lock:
            return self._authenticate(form, authorization)

    def _authenticate(self, form: dict[str, str], authorization: str | None) -> tuple[str, FakeClient]:
        body_id = form.get("client_id")
        if "client_secret" in form:  # RingCentral takes the secret in HTTP Basic only
            raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [client_secret] is not supported")
        if authorization is not None and authorization[:6].lower() == "basic ":
            try:
                client_id, sep, secret = base64.b64decode(authorization[6:], validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise OAuthError(401, "invalid_client", "OAU-153", "Invalid client: malformed Basic") from None
            client = self.clients.get(client_id)
            if (not sep or client is None or client.secret is None
                    or not secrets.compare_digest(secret.encode(), client.secret.encode())):
                raise OAuthError(401, "invalid_client", "OAU-153", f"Invalid client: {client_id}")
            if body_id is not None and body_id != client_id:
                raise OAuthError(400, "invalid_request", "OAU-101", "Parameter [client_id] is invalid")
            return client_id, client
        if authorization is not None:
            raise OAuthError(401, "invalid_client", "OAU-153", "Invalid client: unsupported Authorization")
        client = self.clients.get(body_id or "")
        if client is None:
            raise OAuthError(401, "invalid_client", "OAU-153", f"Invalid client: {body_id or ''}")
        if client.secret is not None:  # a confidential app must prove it holds the secret
            raise OAuthError(401, "invalid_client", "OAU-123", "Client authentication is required")
        return body_id or "", client

    def token(self, form: dict[str, str], client_id: str, client: FakeClient) -> dict[str, object]:
        """Run one grant for an authenticated client; return the token response or raise OAuthError."""
        grant_type = form.get("grant_type")
        with self.lock:
            if grant_type == "authorization_code":
                return self._code_grant(form, client_id, client)
            if grant_type == "refresh_token":
                self._require_grant(client, GRANT_REFRESH_TOKEN)
                return self.tokens.refresh(form.get("refresh_token", ""), client_id)
            if grant_type == JWT_BEARER_GRANT_TYPE:
                self._require_grant(client, GRANT_JWT)
                if client.secret is None:
                    raise OAuthError(401, "invalid_client", "OAU-123", "Client authentication is required")
                if form.get("assertion", "") not in client.jwts:
                    raise OAuthError(400, "invalid_grant", "OAU-140", "Invalid JWT assertion")
                return self.tokens.issue(client_id)
            if grant_type == "password":  # ROPC is not enabled for any fake app
                raise OAuthError(400, "unauthorized_client", "OAU-251", "Unauthorized for this grant type")
            raise OAuthError(400, "invalid_request", "OAU-250", "Unsupported grant type")

    @staticmethod
    def _require_grant(client: FakeClient, grant: str) -> None:
        if grant not in client.grants:
            raise OAuthError(400, "unauthorized_client", "OAU-251", "Unauthorized for this grant type")

    def _code_grant(self, form: dict[str, str], client_id: str, client: FakeClient) -> dict[str, object]:
        self._require_grant(client, GRANT_AUTHORIZATION_CODE)
        entry = self._codes.get(form.get("code", ""))
        if entry is None or entry.client_id != client_id:
            raise OAuthError(400, "invalid_grant", "OAU-211", "Authorization code is invalid")
        if entry.used:  # RFC 6749 §4.1.2: a replayed code also revokes what it produced
            for access in entry.access_tokens:
                self.tokens.revoke(access)
            raise OAuthError(400, "invalid_grant", "OAU-211", "Authorization code has already been used")
        entry.used = True  # any presentation burns the code, even a failed one
        if time.monotonic() > entry.expires_at:
            raise OAuthError(400, "invalid_grant", "OAU-212", "Authorization code is expired")
        if form.get("redirect_uri") != entry.redirect_uri:  # RFC 6749 §4.1.3; RC answers OAU-109 here too
            raise OAuthError(400, "invalid_redirect_uri", "OAU-109", "Redirect URIs do not match")
        verifier = form.get("code_verifier")
        if entry.challenge is None:
            if verifier is not None:  # a verifier for a code issued without a challenge is a mix-up
                raise OAuthError(400, "invalid_grant", "OAU-101", "Parameter [code_verifier] is unexpected")
        elif verifier is None:
            raise OAuthError(400, "invalid_grant", "OAU-101", "Parameter [code_verifier] is missing")
        elif not VERIFIER_RE.match(verifier) or not secrets.compare_digest(s256(verifier), entry.challenge):
            raise OAuthError(400, "invalid_grant", "OAU-101", "Parameter [code_verifier] is invalid")
        answer = self.tokens.issue(client_id)
        entry.access_tokens.append(str(answer["access_token"]))
        return answer
