"""The OAuth half of the fake RingCentral platform: clients, codes, tokens, strictly as the real one.

Enforced: registered client and exact redirect URI (OAU-109), S256 PKCE for clients without a secret,
single-use short-lived codes bound to client + redirect URI + challenge, the verifier's form and hash,
client authentication (Basic for clients with a secret, ``client_id`` otherwise), grant permissions
("Unauthorized for this grant type"), token revocation (RFC 7009).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
CODE_LIFETIME = 60.0


@dataclass
class FakeClient:
    """A registered app. ``grants`` may include "authorization_code", "refresh_token", "jwt"."""

    redirect_uris: list[str]
    secret: str | None = None
    grants: set[str] = field(default_factory=lambda: {"authorization_code", "refresh_token"})
    jwts: set[str] = field(default_factory=set)


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str | None
    issued: float
    used: bool = False


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str, code: str) -> None:
        super().__init__(description)
        self.status = status
        self.body = {"error": error, "error_description": description,
                     "errors": [{"errorCode": code, "message": description}]}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class OAuthServer:
    """Thread-safe state of the fake platform's OAuth endpoints, with records for assertions."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clients: dict[str, FakeClient] = {}
        self.codes: dict[str, _Code] = {}
        self.access_tokens: dict[str, str] = {}  # access token -> refresh token
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> client id
        self.deny_next_login = False
        self.token_requests: list[dict[str, Any]] = []
        self.authorize_requests: list[dict[str, str]] = []
        self.revocations: list[str] = []

    # --- /restapi/oauth/authorize --------------------------------------------------------------------
    def authorize(self, query: dict[str, list[str]]) -> str:
        """Validate an authorize request; return the redirect Location (auto-approval).

        Raises:
            OAuthError: with status 400 for anything the real platform refuses.
        """
        one = {k: v[0] for k, v in query.items() if len(v) == 1}
        with self.lock:
            self.authorize_requests.append(one)
            client = self.clients.get(one.get("client_id", ""))
            if client is None:
                raise OAuthError(400, "invalid_client", "Client application is not found", "OAU-153")
            redirect = one.get("redirect_uri", "")
            if redirect not in client.redirect_uris:
                raise OAuthError(400, "invalid_request", "Redirect URIs do not match", "OAU-109")
            if one.get("response_type") != "code":
                raise OAuthError(400, "unsupported_response_type", "Unsupported response type", "OAU-113")
            if "authorization_code" not in client.grants:
                raise OAuthError(400, "unauthorized_client", "Unauthorized for this grant type", "OAU-251")
            state = one.get("state", "")
            if not state:
                raise OAuthError(400, "invalid_request", "state is required", "OAU-101")
            challenge = one.get("code_challenge")
            pkce_ok = one.get("code_challenge_method") == "S256" and bool(_CHALLENGE.match(challenge or ""))
            if (client.secret is None or challenge is not None) and not pkce_ok:
                raise OAuthError(400, "invalid_request", "PKCE with S256 is required", "OAU-102")
            separator = "&" if "?" in redirect else "?"
            if self.deny_next_login:
                self.deny_next_login = False
                return redirect + separator + urlencode({"error": "access_denied",
                                                         "error_description": "The user denied access",
                                                         "state": state})
            code = secrets.token_urlsafe(24)
            self.codes[code] = _Code(one["client_id"], redirect, challenge, time.monotonic())
            return redirect + separator + urlencode({"code": code, "state": state})

    # --- /restapi/oauth/token ------------------------------------------------------------------------
    def _authenticate(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[str, FakeClient]:
        if basic is not None:
            client = self.clients.get(basic[0])
            if client is None or client.secret is None or not secrets.compare_digest(client.secret, basic[1]):
                raise OAuthError(401, "invalid_client", "Invalid client credentials", "OAU-123")
            return basic[0], client
        client_id = form.get("client_id", "")
        client = self.clients.get(client_id)
        if client is None:
            raise OAuthError(401, "invalid_client", "Client authentication is required", "OAU-123")
        if client.secret is not None:
            raise OAuthError(401, "invalid_client", "Client secret is required for this client", "OAU-123")
        return client_id, client

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> dict[str, Any]:
        grant = form.get("grant_type", "")
        record: dict[str, Any] = {"grant_type": grant, "client_id": form.get("client_id") or (basic or ("",))[0],
                                  "ok": False, "error": None, "redirect_uri": form.get("redirect_uri")}
        with self.lock:
            self.token_requests.append(record)
            try:
                client_id, client = self._authenticate(form, basic)
                if grant == "authorization_code":
                    self._check_code(form, client_id)
                elif grant == "refresh_token":
                    if self.refresh_tokens.pop(form.get("refresh_token", ""), None) != client_id:
                        raise OAuthError(400, "invalid_grant", "Token not found", "OAU-211")
                elif grant == JWT_GRANT:
                    if basic is None:
                        raise OAuthError(401, "invalid_client", "Client secret is required for JWT", "OAU-123")
                    if "jwt" not in client.grants:
                        raise OAuthError(400, "unauthorized_client", "Unauthorized for this grant type", "OAU-251")
                    if form.get("assertion") not in client.jwts:
                        raise OAuthError(400, "invalid_grant", "Invalid token", "OAU-140")
                else:
                    raise OAuthError(400, "unauthorized_client", "Unauthorized for this grant type", "OAU-251")
            except OAuthError as exc:
                record["error"] = exc.body["error"]
                raise
            record["ok"] = True
            return self._issue(client_id)

    def _check_code(self, form: dict[str, str], client_id: str) -> None:
        code = self.codes.get(form.get("code", ""))
        if code is None or code.used or time.monotonic() - code.issued > CODE_LIFETIME:
            raise OAuthError(400, "invalid_grant", "Authorization code is invalid or expired", "OAU-109")
        code.used = True  # single use, even when the rest of this request fails
        if code.client_id != client_id:
            raise OAuthError(400, "invalid_grant", "Code was issued to another client", "OAU-109")
        if form.get("redirect_uri") != code.redirect_uri:
            raise OAuthError(400, "invalid_grant", "Redirect URIs do not match", "OAU-109")
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            if not _VERIFIER.match(verifier) or not secrets.compare_digest(s256(verifier), code.challenge):
                raise OAuthError(400, "invalid_grant", "Code verifier does not match the challenge", "OAU-115")

    def _issue(self, client_id: str) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = refresh
        self.refresh_tokens[refresh] = client_id
        return {"access_token": access, "token_type": "bearer", "expires_in": 3600, "refresh_token": refresh,
                "refresh_token_expires_in": 604800, "scope": "ReadAccounts CallControl VoipCalling ReadMessages SMS",
                "owner_id": "101001", "endpoint_id": "endpoint-" + secrets.token_hex(4)}

    # --- /restapi/oauth/revoke and bearer checks -----------------------------------------------------
    def revoke(self, token: str) -> None:
        with self.lock:
            self.revocations.append(token)
            refresh = self.access_tokens.pop(token, None)
            if refresh is not None:
                self.refresh_tokens.pop(refresh, None)
            elif token in self.refresh_tokens:
                self.refresh_tokens.pop(token)
                for access, ref in list(self.access_tokens.items()):
                    if ref == token:
                        del self.access_tokens[access]

    def bearer_valid(self, header: str | None) -> bool:
        if not header or not header.lower().startswith("bearer "):
            return False
        with self.lock:
            return header[7:].strip() in self.access_tokens

    def successful_code_exchanges(self) -> int:
        with self.lock:
            return sum(1 for r in self.token_requests if r["grant_type"] == "authorization_code" and r["ok"])
