"""The proxy the app's own requests take: decided once, from the ``proxy`` setting and the environment.

Every httpx client the app makes is handed this decision, with ``trust_env=False`` so that httpx reads no proxy
variable of its own: the JWT check's client routes each request as :meth:`ProxyDecision.route` says
(:mod:`desktop.services.proxy_routing`), and each of diagnose's probes gets ``proxy=`` the route of the URL it
probes. So ``diagnose`` reports the very decision the requests follow, and nothing has to agree with httpx.

The setting (:mod:`desktop.core.proxy`): ``none`` is a direct connection; ``http://host:port`` is that proxy for
every request (NO_PROXY is not consulted: the setting names the proxy); ``system`` and ``pac:URL`` (httpx runs no
PAC script) read the proxy variables, by the rules httpx applied when it read them itself, kept as they were:

* HTTP_PROXY, HTTPS_PROXY and ALL_PROXY for ``http://``, ``https://`` and any URL; a value without ``://`` is an
  ``http://`` proxy. A lower-case name wins over the upper-case one and an empty lower-case one removes it; in a
  CGI request (REQUEST_METHOD set) HTTP_PROXY is ignored, since a client can inject it as a "Proxy:" header
  (CVE-2016-1000110). With no ``*_proxy`` variable at all, macOS's and Windows' own proxy settings count (as
  :func:`urllib.request.getproxies` reads them).
* NO_PROXY, comma-separated (https://curl.se/libcurl/c/CURLOPT_NOPROXY.html): ``*`` is every host;
  ``example.com`` covers it and its subdomains (not ``wwwexample.com``), ``.example.com`` its subdomains only;
  an IP address or ``localhost`` only that host (what follows a ``/`` is ignored: no address ranges);
  ``host:port`` only that port, when the URL names it (a scheme's default port never matches);
  ``scheme://host[:port]`` only that scheme.
* The most specific rule wins: one with a port first, then the longer host, then the longer scheme.

:func:`decide_proxy` is pure (the variables and the OS's settings are its arguments); :func:`app_proxy_decision`
reads them for this process.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from desktop.core.errors import LauncherError
from desktop.core.proxy import SYSTEM
from desktop.core.records import record

#: The variables' schemes that count; others (ftp_proxy, TRAVIS_APT_PROXY...) are not for the app's requests.
_SCHEMES = ("http", "https", "all")
SETTING_SOURCE = "the proxy setting"
SYSTEM_SOURCE = "the system proxy settings"


class ProxySettingsError(LauncherError):
    """The proxy variables cannot be used; the message names the variable and the entry."""

    title = "Proxy settings cannot be used"


@record
class ProxyRoute:
    """The way to one URL: ``proxy`` (credentials included, never shown) or direct (None); ``source`` says why."""

    proxy: str | None
    source: str = ""

    def describe(self, host: str) -> str:
        if self.proxy is not None:
            return f"{mask_proxy(self.proxy)} (from {self.source})"
        if self.source:
            return f"none: {self.source} covers {host} (direct connection)"
        return "none (direct connection)"

    def secrets(self) -> tuple[str, ...]:
        """The proxy's user name and password as the URL writes them, to scrub from any text shown."""
        if self.proxy is None:
            return ()
        parts = urlsplit(self.proxy)
        raw = parts.netloc.rpartition("@")[0]
        pieces = [raw, *raw.split(":", 1), parts.username or "", parts.password or ""]
        return tuple(piece for piece in pieces if piece)


@record
class ProxyRule:
    """URLs this rule covers go through ``proxy`` (None: direct). Empty ``scheme`` or ``host`` means any;
    ``*example.com`` is the domain and its subdomains, ``*.example.com`` its subdomains only."""

    scheme: str
    host: str
    port: int | None
    proxy: str | None
    source: str

    def covers(self, url: httpx.URL) -> bool:
        if self.scheme and self.scheme != url.scheme:
            return False
        if self.host and not _host_matches(self.host, url.host):
            return False
        return self.port is None or self.port == url.port

    @property
    def rank(self) -> tuple[int, int, int]:
        """Sorts the most specific rule first: one with a port, then the longer host, then the longer scheme."""
        return (0 if self.port is not None else 1), -len(self.host), -len(self.scheme)


@record
class ProxyDecision:
    """Which proxy each of the app's requests goes through; :meth:`route` answers for one URL."""

    setting: str
    rules: tuple[ProxyRule, ...] = ()
    #: Why a URL no rule covers goes direct, when there is a reason to name ("NO_PROXY '*'").
    otherwise: str = ""
    #: Why the proxy variables cannot be used at all; :meth:`route` then raises it.
    unusable: str = ""

    def route(self, url: httpx.URL) -> ProxyRoute:
        """Raises ProxySettingsError when the variables cannot be used."""
        if self.unusable:
            raise ProxySettingsError(self.unusable)
        for rule in self.rules:
            if rule.covers(url):
                return ProxyRoute(rule.proxy, rule.source)
        return ProxyRoute(None, self.otherwise)

    @property
    def proxies(self) -> tuple[str, ...]:
        """Every proxy some URL may go through, once each."""
        return tuple(dict.fromkeys(rule.proxy for rule in self.rules if rule.proxy is not None))


def decide_proxy(setting: str, environ: Mapping[str, str], system: Mapping[str, str] | None = None) -> ProxyDecision:
    """The decision for the ``proxy`` *setting* (validated by the schema), the variables in *environ*, and the
    OS's *system* proxy settings (urllib's scheme-to-URL mapping), used when no proxy variable is set."""
    if setting == "none":
        return ProxyDecision(setting)
    if setting != SYSTEM and not setting.startswith("pac:"):
        return ProxyDecision(setting, (ProxyRule("", "", None, setting, SETTING_SOURCE),))
    proxies = environment_proxies(environ) or dict(system or {})
    # A dict keyed by what a rule covers: a repeated key keeps its first place and its last proxy.
    found: dict[str, tuple[str | None, str]] = {}
    for scheme in _SCHEMES:
        value = proxies.get(scheme)
        if value:
            found[f"{scheme}://"] = (value if "://" in value else f"http://{value}", _variable(scheme, environ))
    for entry in (item.strip() for item in proxies.get("no", "").split(",")):
        if entry == "*":
            return ProxyDecision(setting, otherwise="NO_PROXY '*'")
        if entry:
            found[_no_proxy_key(entry)] = (None, f"NO_PROXY entry {entry!r}")
    rules: list[ProxyRule] = []
    for key, (proxy, source) in found.items():
        try:
            url = httpx.URL(key)
        except httpx.InvalidURL as exc:
            # Only a NO_PROXY entry can be unreadable: the proxies' keys are "http://", "https://", "all://".
            return ProxyDecision(setting, unusable=f"The proxy variables cannot be used: {source} is not a host "
                                 f"name, an address or a URL ({exc}).")
        rules.append(ProxyRule("" if url.scheme == "all" else url.scheme, "" if url.host == "*" else url.host,
                               url.port, proxy, source))
    return ProxyDecision(setting, tuple(sorted(rules, key=lambda rule: rule.rank)))


def environment_proxies(env: Mapping[str, str]) -> dict[str, str]:
    """:func:`urllib.request.getproxies_environment` over *env* instead of ``os.environ``: scheme to proxy URL."""
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


def _variable(scheme: str, env: Mapping[str, str]) -> str:
    """The variable a proxy came from (the lower-case one wins, as above), else the system settings."""
    names = [name for name, value in env.items() if value and name.lower() == f"{scheme}_proxy"]
    if f"{scheme}_proxy" in names:
        return f"{scheme}_proxy"
    return names[0] if names else SYSTEM_SOURCE


def _no_proxy_key(entry: str) -> str:
    """What a NO_PROXY entry covers, written as a URL: ``all://`` is any scheme, a leading ``*`` as above."""
    if "://" in entry:
        return entry
    address = entry.split("/", maxsplit=1)[0]
    if _is_ip(address, version=4) or entry.lower() == "localhost":
        return f"all://{entry}"
    if _is_ip(address, version=6):
        return f"all://[{entry}]"
    return f"all://*{entry}"


def _is_ip(text: str, *, version: int) -> bool:
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    if pattern.startswith("*"):
        return host == pattern[1:] or (host.endswith(f".{pattern[1:]}") and len(host) > len(pattern))
    return host == pattern


def mask_proxy(url: str) -> str:
    """``scheme://host:port`` of a proxy, with ``***`` for any user name and password."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    hidden = ""
    if parts.username is not None or parts.password is not None:
        hidden = "***:***@" if parts.password is not None else "***@"
    return f"{parts.scheme}://{hidden}{parts.netloc.rpartition('@')[2]}"


def app_proxy_decision(setting: str) -> ProxyDecision:
    """The decision for *setting* in this process: its environment, and when no proxy variable is set the OS's
    proxy settings, which :func:`urllib.request.getproxies` reads on macOS and Windows (on Linux it reads only
    the variables, which then are none)."""
    import os
    import urllib.request  # here: the one function that reads the machine

    return decide_proxy(setting, os.environ, urllib.request.getproxies())
