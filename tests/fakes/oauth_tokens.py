"""Access and refresh tokens of the fake platform: issue, rotate on refresh, revoke, and check bearers.

Tokens are random opaque strings; each access token is paired with one refresh token, and revoking either
revokes the pair (RFC 7009 §2.1 allows it, and RingCentral logs the session out that way).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Literal

from tests.fakes.oauth_types import OAuthError

ACCESS_TTL = 3600  # seconds; the SDK refreshes immediately if expires_in <= 60
REFRESH_TTL = 604800
SCOPE = "ReadAccounts CallControl VoipCalling ReadMessages SMS"
#: The extension id of the one fake user; keys the widget's per-user store.
OWNER_ID = "101001"


@dataclass
class _Pair:
    client_id: str
    access_token: str
    refresh_token: str
    endpoint_id: str
    access_expires_at: float
    refresh_expires_at: float
    access_revoked: bool = False
    refresh_revoked: bool = False


class TokenStore:
    """Thread-safe token pairs; shares the OAuth server's lock so codes and tokens change together."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._by_access: dict[str, _Pair] = {}
        self._by_refresh: dict[str, _Pair] = {}

    def issue(self, client_id: str) -> dict[str, object]:
        """A new token pair for *client_id*, as the token endpoint's JSON answer."""
        with self._lock:
            now = time.time()
            pair = _Pair(client_id, "fake-at-" + secrets.token_urlsafe(24), "fake-rt-" + secrets.token_urlsafe(24),
                         "fake-ep-" + secrets.token_hex(6), now + ACCESS_TTL, now + REFRESH_TTL)
            self._by_access[pair.access_token] = pair
            self._by_refresh[pair.refresh_token] = pair
            return {
                "access_token": pair.access_token, "token_type": "bearer", "expires_in": ACCESS_TTL,
                "refresh_token": pair.refresh_token, "refresh_token_expires_in": REFRESH_TTL, "scope": SCOPE,
                "owner_id": OWNER_ID, "endpoint_id": pair.endpoint_id,
            }

    def refresh(self, refresh_token: str, client_id: str) -> dict[str, object]:
        """Rotate: the old refresh token stops working, a new pair is issued."""
        with self._lock:
            pair = self._by_refresh.get(refresh_token)
            if pair is None or pair.client_id != client_id or pair.refresh_revoked:
                raise OAuthError(400, "invalid_grant", "OAU-213", "Token not found")
            if time.time() > pair.refresh_expires_at:
                raise OAuthError(400, "invalid_grant", "OAU-213", "Token is expired")
            pair.refresh_revoked = True
            return self.issue(client_id)

    def revoke(self, token: str) -> Literal["access", "refresh", "unknown"]:
        """Revoke the pair *token* belongs to; say which kind of token it was."""
        with self._lock:
            pair = self._by_access.get(token)
            kind: Literal["access", "refresh", "unknown"] = "access"
            if pair is None:
                pair, kind = self._by_refresh.get(token), "refresh"
            if pair is None:
                return "unknown"
            pair.access_revoked = pair.refresh_revoked = True
            return kind

    def bearer_valid(self, authorization: str | None) -> bool:
        """True for ``Bearer <access token>`` that is neither revoked nor expired."""
        if not authorization or authorization[:7].lower() != "bearer ":
            return False
        with self._lock:
            pair = self._by_access.get(authorization[7:].strip())
            return pair is not None and not pair.access_revoked and time.time() < pair.access_expires_at

    def expire_access_tokens(self) -> None:
        """Make every access token expired (refresh tokens keep working), to exercise the refresh path."""
        with self._lock:
            for pair in self._by_access.values():
                pair.access_expires_at = 0.0

    def every_token(self) -> list[str]:
        """Every access and refresh token ever issued, revoked or not (for tests that grep for leaks)."""
        with self._lock:
            return [*self._by_access, *self._by_refresh]

    def live_access_tokens(self) -> list[str]:
        """Access tokens that would pass :meth:`bearer_valid` now."""
        with self._lock:
            now = time.time()
            return [t for t, p in self._by_access.items() if not p.access_revoked and now < p.access_expires_at]
