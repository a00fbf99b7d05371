"""Small helpers for tests that play the launcher's part against the fake platform: PKCE pairs and Basic auth.

They follow the same rules the platform enforces (RFC 7636 verifier alphabet and length, S256).
"""

from __future__ import annotations

import base64
import secrets

from tests.fakes.oauth import s256


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge); the verifier is base64url of 32 random bytes (43 chars), like the widget's."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    return verifier, s256(verifier)


def basic_auth(client_id: str, secret: str) -> dict[str, str]:
    """The ``Authorization: Basic base64(id:secret)`` header, as the SDK sends it for apps with a secret."""
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}
