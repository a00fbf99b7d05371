"""Thread-safe request records of the fake platform, for assertions in tests.

The server threads append; tests read copies, so an assertion never sees a list change under it.
"""

from __future__ import annotations

import copy
import threading

from tests.fakes.oauth_types import ApiRecord, AuthorizeRecord, RevocationRecord, TokenRecord


class Records:
    """Append-only logs of authorize, token, revoke and API requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._authorize: list[AuthorizeRecord] = []
        self._token: list[TokenRecord] = []
        self._revoke: list[RevocationRecord] = []
        self._api: list[ApiRecord] = []

    def add_authorize(self, record: AuthorizeRecord) -> None:
        with self._lock:
            self._authorize.append(record)

    def add_token(self, record: TokenRecord) -> None:
        with self._lock:
            self._token.append(record)

    def add_revocation(self, record: RevocationRecord) -> None:
        with self._lock:
            self._revoke.append(record)

    def add_api(self, record: ApiRecord) -> None:
        with self._lock:
            self._api.append(record)

    @property
    def authorize_requests(self) -> list[AuthorizeRecord]:
        with self._lock:
            return copy.deepcopy(self._authorize)

    @property
    def token_requests(self) -> list[TokenRecord]:
        with self._lock:
            return copy.deepcopy(self._token)

    @property
    def revocations(self) -> list[RevocationRecord]:
        with self._lock:
            return copy.deepcopy(self._revoke)

    @property
    def api_requests(self) -> list[ApiRecord]:
        with self._lock:
            return copy.deepcopy(self._api)

    def clear(self) -> None:
        """Forget everything recorded so far (tokens and codes stay valid)."""
        with self._lock:
            self._authorize.clear()
            self._token.clear()
            self._revoke.clear()
            self._api.clear()
