"""Value types of the fake RingCentral OAuth server: registered clients, errors and the assertion records.

Kept apart from the rules in :mod:`tests.fakes.oauth` so tests can import the small types without the logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypedDict
from urllib.parse import urlsplit

#: Names used in :attr:`FakeClient.grants` (the app's "auth flows" in the RingCentral developer console).
GRANT_AUTHORIZATION_CODE = "authorization_code"
GRANT_REFRESH_TOKEN = "refresh_token"
GRANT_JWT = "jwt"
#: The form value of ``grant_type`` for the JWT flow.
JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _default_grants() -> set[str]:
    return {GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN}


@dataclass
class FakeClient:
    """An app registered on the fake platform.

    ``secret`` is None for a public client (then PKCE S256 is mandatory); ``grants`` uses the ``GRANT_*``
    names; ``jwts`` are the JWT assertions this app accepts for the JWT grant (which also needs ``"jwt"``).
    """

    redirect_uris: list[str]
    secret: str | None = None
    grants: set[str] = field(default_factory=_default_grants)
    jwts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # RFC 6749 §3.1.2: a redirection endpoint URI MUST NOT include a fragment. Refuse to register one,
        # so a test cannot accidentally rely on something the real console would reject.
        for uri in self.redirect_uris:
            parts = urlsplit(uri)
            if parts.fragment or "#" in uri or parts.scheme not in {"http", "https"} or not parts.netloc:
                raise ValueError(f"not a registrable redirect URI: {uri!r}")


class OAuthError(Exception):
    """An OAuth failure, carrying RingCentral's error body shape and the HTTP status to answer with."""

    def __init__(self, status: int, error: str, error_code: str, message: str) -> None:
        super().__init__(f"{error_code} {message}")
        self.status = status
        self.error = error
        self.error_code = error_code
        self.message = message

    def body(self) -> dict[str, object]:
        """The JSON body, as RingCentral shapes it (``error``, ``error_description``, ``errors[]``)."""
        return {
            "error": self.error,
            "error_description": self.message,
            "errors": [{"errorCode": self.error_code, "message": self.message}],
        }


class AuthorizeRecord(TypedDict):
    """One ``GET /restapi/oauth/authorize``: its query (ordered, repeats kept) and the outcome."""

    query: list[tuple[str, str]]
    client_id: str | None
    redirect_uri: str | None
    state: str | None
    code_challenge: str | None
    ok: bool
    denied: bool  # True when deny_next_login answered with error=access_denied
    error: str | None
    error_code: str | None
    code: str | None  # the authorization code issued, if any


class TokenRecord(TypedDict):
    """One ``POST /restapi/oauth/token`` and the outcome."""

    grant_type: str | None
    client_id: str | None  # from Basic auth, else from the body
    basic_auth: bool
    redirect_uri: str | None
    code_verifier_sent: bool
    ok: bool
    status: int
    error: str | None  # e.g. "invalid_grant"
    error_code: str | None  # e.g. "OAU-109"
    user_agent: str | None  # the X-User-Agent header
    origin: str | None


class RevocationRecord(TypedDict):
    """One ``POST /restapi/oauth/revoke``."""

    token_kind: Literal["access", "refresh", "unknown", "missing"]
    client_id: str | None
    user_agent: str | None


class ApiRecord(TypedDict):
    """One request under ``/restapi/v1.0/``."""

    method: str
    path: str  # without the query string
    query: str
    bearer_valid: bool
    status: int
    user_agent: str | None
    client_id_header: str | None
    origin: str | None
