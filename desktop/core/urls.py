"""Checks for the URLs a person configures (app server, widget URL) and the loopback redirect URI.

The widget silently replaces an ``appServer`` that is not ``https://`` (or that contains ``?`` or
``javascript``) with production, so a bad value would send a developer's sandbox login to production
without a word. These checks refuse such values up front, naming the option.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit

from desktop.core.records import record

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The loopback listener binds this literal, and the redirect URI names it (RFC 8252 §8.3: not "localhost").
LOOPBACK_BIND_HOST = "127.0.0.1"
CALLBACK_PATH = "/oauth/callback"


@record
class CheckedUrl:
    """A URL that passed the checks, with any warnings to show (e.g. plain http on loopback)."""

    url: str
    warnings: tuple[str, ...] = ()


def is_loopback_host(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse(value: str, option: str) -> SplitResult:
    if not value or value != value.strip():
        raise ValueError(f"{option}: must be a URL without surrounding spaces, got {value!r}")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"{option}: {value!r} is not a valid URL ({exc})") from None
    if not parts.hostname:
        raise ValueError(f"{option}: {value!r} has no host; expected e.g. https://platform.ringcentral.com")
    if parts.username or parts.password:
        raise ValueError(f"{option}: {value!r} must not contain a user name or password")
    return parts


def _check_scheme(parts: SplitResult, value: str, option: str) -> tuple[str, ...]:
    if parts.scheme == "https":
        return ()
    if parts.scheme == "http" and is_loopback_host(parts.hostname):
        return (
            f"{option}: {value} uses plain http; allowed only because it is on this machine "
            "(the hosted widget accepts https app servers only)",
        )
    raise ValueError(
        f"{option}: {value!r} must start with https:// "
        "(http is allowed only for 127.0.0.1 or localhost)"
    )


def check_app_server(value: str, option: str = "--app-server") -> CheckedUrl:
    """Validate a platform base URL such as ``https://platform.devtest.ringcentral.com``.

    Raises:
        ValueError: with a message naming ``option`` and the problem.
    """
    parts = _parse(value, option)
    warnings = _check_scheme(parts, value, option)
    if "javascript" in value.lower():
        raise ValueError(f"{option}: {value!r} must not contain 'javascript' (the widget would ignore it)")
    if parts.query or "?" in value:
        raise ValueError(f"{option}: {value!r} must not have a query ('?'); the widget would ignore it")
    if parts.fragment:
        raise ValueError(f"{option}: {value!r} must not have a fragment ('#')")
    if parts.path not in ("", "/"):
        raise ValueError(f"{option}: {value!r} must be a server address without a path")
    return CheckedUrl(f"{parts.scheme}://{parts.netloc}", warnings)


def check_widget_url(value: str, option: str = "--widget-url") -> CheckedUrl:
    """Validate the URL of the widget's ``app.html``.

    A fragment is refused because the widget merges ``#hash`` values over the query, so one could
    silently override the redirect URI or client id the launcher passes.
    """
    parts = _parse(value, option)
    warnings = _check_scheme(parts, value, option)
    if parts.fragment or "#" in value:
        raise ValueError(f"{option}: {value!r} must not have a fragment ('#'); the widget reads it as options")
    return CheckedUrl(value, warnings)


def origin_of(url: str) -> str:
    """The web origin (scheme://host[:port]) of ``url``, lower-cased, default ports dropped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def loopback_redirect_uri(port: int) -> str:
    """The redirect URI the listener serves, exactly as it must be registered in the developer console."""
    return f"http://{LOOPBACK_BIND_HOST}:{port}{CALLBACK_PATH}"
