"""Which proxy a request to a URL goes through, decided the way httpx decides it, and URLs that are safe to show.

httpx (with ``trust_env``, as the app's own requests run) reads HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY
through :func:`urllib.request.getproxies` and turns them into URL patterns, the most specific pattern first. The
report must name the proxy those requests really use, so :func:`choose_proxy` copies httpx's rules
(``httpx._utils.get_environment_proxies`` and ``URLPattern``, httpx 0.28) with public APIs only. They differ from
urllib's ``proxy_bypass_environment``: for httpx ``NO_PROXY=.example.com`` covers ``www.example.com`` but not
``example.com``. The unit tests compare the two against httpx itself, so a change in httpx shows up there.
"""

from __future__ import annotations

import ipaddress
import os
import re
import urllib.request
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import httpx

from desktop.core.records import record

#: Scheme keys httpx takes from the proxy settings; others (ftp_proxy, TRAVIS_APT_PROXY...) are ignored by it.
_SCHEMES = ("http", "https", "all")
#: Shorter "secrets" are not replaced in the text: masking every "ab" would garble the report and hide nothing.
_MIN_SCRUBBED = 3
#: A URL's query or fragment: up to white space or a closing bracket, so "Widget (https://x/?id=1)" keeps its ")".
_QUERY = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s?#)\]'\"]*)[?#][^\s)\]'\"]*")


@record
class ProxyChoice:
    """The proxy for one URL: ``url`` goes to httpx (credentials included, never shown); ``source`` says why."""

    url: str | None
    source: str = ""

    def describe(self, host: str) -> str:
        if self.url is not None:
            return f"{mask_proxy(self.url)} (from {self.source})"
        if self.source:
            return f"none: {self.source} covers {host} (direct connection)"
        return "none (direct connection)"

    def secrets(self) -> tuple[str, ...]:
        """The proxy's user name and password, raw and %-decoded, to scrub from any text shown."""
        if self.url is None:
            return ()
        parts = urlsplit(self.url if "://" in self.url else f"http://{self.url}")
        raw = parts.netloc.rpartition("@")[0]
        pieces = [raw, *raw.split(":", 1), parts.username or "", parts.password or ""]
        return tuple(piece for piece in pieces if piece)


def environment_proxies(env: Mapping[str, str]) -> dict[str, str]:
    """:func:`urllib.request.getproxies_environment` over *env* instead of ``os.environ``.

    Lower-case names win over upper-case ones, an empty lower-case name removes the setting, and a CGI request
    (REQUEST_METHOD set) ignores HTTP_PROXY, which a client can inject as a "Proxy:" header (CVE-2016-1000110).
    """
    proxies: dict[str, str] = {}
    for name, value in env.items():
        if value and name.lower().endswith("_proxy"):
            proxies[name.lower()[:-6]] = value
    if "REQUEST_METHOD" in env:
        proxies.pop("http", None)
    for name, value in env.items():
        if name.endswith("_proxy"):
            if value:
                proxies[name.lower()[:-6]] = value
            else:
                proxies.pop(name.lower()[:-6], None)
    return proxies


def choose_proxy(url: str, env: Mapping[str, str] | None = None) -> ProxyChoice:
    """The proxy httpx would use for *url*: from *env*, or (``None``) from what httpx itself reads, which on
    macOS and Windows includes the system proxy settings when no variable is set. Raises ValueError when httpx
    could not read the settings either."""
    proxies = urllib.request.getproxies() if env is None else environment_proxies(env)
    names = os.environ if env is None else env
    # A dict, as in httpx: a repeated key keeps its first position and its last value.
    mounts: dict[str, tuple[str | None, str]] = {}
    for scheme in _SCHEMES:
        value = proxies.get(scheme)
        if value:
            mounts[f"{scheme}://"] = (value if "://" in value else f"http://{value}", _variable(scheme, names))
    for entry in (item.strip() for item in proxies.get("no", "").split(",")):
        if entry == "*":
            return ProxyChoice(None, "NO_PROXY '*'")
        if entry:
            mounts[_no_proxy_pattern(entry)] = (None, f"NO_PROXY entry {entry!r}")
    try:
        target = httpx.URL(url)
        ordered = sorted(mounts.items(), key=lambda item: _priority(item[0]))
        for pattern, (proxy, source) in ordered:
            if _matches(pattern, target):
                return ProxyChoice(proxy, source)
    except httpx.InvalidURL as exc:
        raise ValueError(f"httpx cannot read the proxy settings: {exc}") from None
    return ProxyChoice(None)


def _variable(scheme: str, env: Mapping[str, str]) -> str:
    """The variable a setting came from (the lower-case one wins, as in urllib), else the system settings."""
    names = [name for name, value in env.items() if value and name.lower() == f"{scheme}_proxy"]
    if f"{scheme}_proxy" in names:
        return f"{scheme}_proxy"
    return names[0] if names else "the system proxy settings"


def _no_proxy_pattern(entry: str) -> str:
    """httpx's pattern for a NO_PROXY entry (see https://curl.se/libcurl/c/CURLOPT_NOPROXY.html)."""
    if "://" in entry:
        return entry
    address = entry.split("/", maxsplit=1)[0]
    if _is_ip(address, version=4):
        return f"all://{entry}"
    if _is_ip(address, version=6):
        return f"all://[{entry}]"
    if entry.lower() == "localhost":
        return f"all://{entry}"
    return f"all://*{entry}"


def _is_ip(text: str, *, version: int) -> bool:
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


def _parts(pattern: str) -> tuple[str, str, int | None]:
    url = httpx.URL(pattern)
    return ("" if url.scheme == "all" else url.scheme), ("" if url.host == "*" else url.host), url.port


def _priority(pattern: str) -> tuple[int, int, int]:
    """httpx's order: a pattern with a port first, then the longer host, then the longer scheme."""
    scheme, host, port = _parts(pattern)
    return (0 if port is not None else 1), -len(host), -len(scheme)


def _matches(pattern: str, target: httpx.URL) -> bool:
    scheme, host, port = _parts(pattern)
    if scheme and scheme != target.scheme:
        return False
    if host.startswith("*."):  # subdomains only
        regex = rf"^.+\.{re.escape(host[2:])}$"
    elif host.startswith("*"):  # the domain and its subdomains, not "wwwexample.com"
        regex = rf"^(.+\.)?{re.escape(host[1:])}$"
    else:
        regex = rf"^{re.escape(host)}$"
    if host and not re.match(regex, target.host):
        return False
    return port is None or port == target.port


def mask_proxy(url: str) -> str:
    """``scheme://host:port`` of a proxy, with ``***`` for any user name and password."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    hidden = ""
    if parts.username is not None or parts.password is not None:
        hidden = "***:***@" if parts.password is not None else "***@"
    return f"{parts.scheme}://{hidden}{parts.netloc.rpartition('@')[2]}"


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
