"""URLs and texts that are safe to show in a diagnose report: no query, no user info, no proxy password.

A widget URL's query can carry the client id, and a proxy URL its user name and password; the report names the
URL's place and the proxy's host, and :func:`scrub` takes out anything of them a text still holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

#: Shorter "secrets" are not replaced in the text: masking every "ab" would garble the report and hide nothing.
_MIN_SCRUBBED = 3
#: A URL's query or fragment: up to white space or a closing bracket, so "Widget (https://x/?id=1)" keeps its ")".
_QUERY = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s?#)\]'\"]*)[?#][^\s)\]'\"]*")


def display_url(url: str) -> str:
    """``scheme://host[:port]/path``: no user info, query or fragment (a query can carry a client id)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return parts.path  # not a URL at all; still without its query
    netloc = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{netloc}{parts.path or '/'}"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """*text* without URL queries and without any of *secrets* (longest first, so no piece of one is left)."""
    text = _QUERY.sub(r"\1", text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _MIN_SCRUBBED:
            text = text.replace(secret, "***")
    return text


def url_secrets(url: str) -> tuple[str, ...]:
    """What of *url* must never be shown: its password, and its query (a client id) whole and by long values."""
    before, _, query = url.partition("?")
    query = query.partition("#")[0]
    password = before.partition("://")[2].partition("/")[0].rpartition("@")[0].partition(":")[2]
    # Short values ("true", "1") are left alone: masking them everywhere would garble the report.
    values = [value for pair in query.split("&") if len(value := pair.partition("=")[2]) >= 8]
    return query, password, *values
