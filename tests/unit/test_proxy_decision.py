"""The app's proxy decision from the proxy variables: which proxy each URL goes through, and why.

The expected routes are the ones the app's requests took before it decided itself, when httpx read the variables
(httpx 0.28-0.29 with trust_env): the rules are the app's now, and they did not change.
"""

from __future__ import annotations

import os
import urllib.request

import httpx
import pytest

from desktop.services.proxy_decision import (
    ProxyRoute,
    ProxySettingsError,
    decide_proxy,
    environment_proxies,
    mask_proxy,
)

P = {"HTTPS_PROXY": "http://p:1"}
HTTPS_PROXY = ("http://p:1", "HTTPS_PROXY")
DIRECT = (None, "")

RULES: list[tuple[dict[str, str], str, tuple[str | None, str]]] = [
    ({}, "https://apps.ringcentral.com/", DIRECT),
    (P, "https://apps.ringcentral.com/", HTTPS_PROXY),
    ({"HTTP_PROXY": "http://p:1"}, "https://apps.ringcentral.com/", DIRECT),
    ({"HTTP_PROXY": "http://p:1"}, "http://apps.ringcentral.com/", ("http://p:1", "HTTP_PROXY")),
    ({"ALL_PROXY": "http://a:1", "HTTPS_PROXY": "http://s:2"}, "https://apps.ringcentral.com/",
     ("http://s:2", "HTTPS_PROXY")),
    ({"ALL_PROXY": "http://a:1", "HTTPS_PROXY": "http://s:2"}, "http://apps.ringcentral.com/",
     ("http://a:1", "ALL_PROXY")),
    ({"all_proxy": "a:3128"}, "https://apps.ringcentral.com/", ("http://a:3128", "all_proxy")),
    ({"ALL_PROXY": "socks5://a:1"}, "http://x.com/", ("socks5://a:1", "ALL_PROXY")),
    ({"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"}, "https://x.com/",
     ("http://lower:1", "https_proxy")),
    ({"https_proxy": "", "HTTPS_PROXY": "http://upper:2"}, "https://x.com/", DIRECT),
    ({**P, "ftp_proxy": "http://f:1"}, "https://x.com/", HTTPS_PROXY),
    ({**P, "NO_PROXY": "ringcentral.com"}, "https://apps.ringcentral.com/", (None, "NO_PROXY entry 'ringcentral.com'")),
    ({**P, "NO_PROXY": "ringcentral.com"}, "https://ringcentral.com/", (None, "NO_PROXY entry 'ringcentral.com'")),
    ({**P, "NO_PROXY": "ringcentral.com"}, "https://notringcentral.com/", HTTPS_PROXY),
    ({**P, "NO_PROXY": "Apps.RingCentral.COM"}, "https://apps.ringcentral.com/",
     (None, "NO_PROXY entry 'Apps.RingCentral.COM'")),
    ({**P, "no_proxy": ".ringcentral.com"}, "https://apps.ringcentral.com/",
     (None, "NO_PROXY entry '.ringcentral.com'")),
    ({**P, "no_proxy": ".ringcentral.com"}, "https://ringcentral.com/", HTTPS_PROXY),
    ({**P, "NO_PROXY": "*.ringcentral.com"}, "https://apps.ringcentral.com/", HTTPS_PROXY),  # no globs
    ({**P, "NO_PROXY": "x.com,"}, "https://www.x.com/", (None, "NO_PROXY entry 'x.com'")),
    ({**P, "NO_PROXY": "a.com, *"}, "https://apps.ringcentral.com/", (None, "NO_PROXY '*'")),
    ({**P, "NO_PROXY": "127.0.0.1"}, "https://127.0.0.1:8443/", (None, "NO_PROXY entry '127.0.0.1'")),
    ({**P, "NO_PROXY": "10.0.0.0/8"}, "https://10.0.0.0/", (None, "NO_PROXY entry '10.0.0.0/8'")),
    ({**P, "NO_PROXY": "10.0.0.0/8"}, "https://10.1.2.3/", HTTPS_PROXY),  # no address ranges
    ({**P, "NO_PROXY": "localhost"}, "https://LOCALHOST/", (None, "NO_PROXY entry 'localhost'")),
    ({**P, "NO_PROXY": "::1"}, "https://[::1]:8443/", (None, "NO_PROXY entry '::1'")),
    ({**P, "NO_PROXY": "apps.ringcentral.com:443"}, "https://apps.ringcentral.com/", HTTPS_PROXY),
    ({**P, "NO_PROXY": "apps.ringcentral.com:8443"}, "https://apps.ringcentral.com:8443/",
     (None, "NO_PROXY entry 'apps.ringcentral.com:8443'")),
    ({**P, "NO_PROXY": "x.com:8443"}, "https://www.x.com:8443/", (None, "NO_PROXY entry 'x.com:8443'")),
    ({**P, "NO_PROXY": "x.com:8443"}, "https://www.x.com/", HTTPS_PROXY),
    ({**P, "HTTP_PROXY": "http://h:1", "NO_PROXY": "https://x.com"}, "https://x.com/",
     (None, "NO_PROXY entry 'https://x.com'")),
    ({**P, "HTTP_PROXY": "http://h:1", "NO_PROXY": "https://x.com"}, "http://x.com/", ("http://h:1", "HTTP_PROXY")),
    ({**P, "NO_PROXY": "https://x.com:8443"}, "https://x.com/", HTTPS_PROXY),
    ({**P, "NO_PROXY": "https://x.com:443"}, "https://x.com:8443/", (None, "NO_PROXY entry 'https://x.com:443'")),
    ({**P, "NO_PROXY": "all://x.com"}, "https://x.com/", (None, "NO_PROXY entry 'all://x.com'")),
    ({**P, "ALL_PROXY": "http://a:1", "NO_PROXY": "https://"}, "https://x.com/", (None, "NO_PROXY entry 'https://'")),
    ({"HTTP_PROXY": "http://h:1", "REQUEST_METHOD": "GET"}, "http://x.com/", DIRECT),
    ({"http_proxy": "http://h:1", "REQUEST_METHOD": "GET"}, "http://x.com/", ("http://h:1", "http_proxy")),
    ({"HTTPS_PROXY": "http://user:pw@p:1"}, "https://x.com/", ("http://user:pw@p:1", "HTTPS_PROXY")),
]


@pytest.mark.parametrize(("env", "url", "expected"), RULES, ids=lambda value: str(value))
@pytest.mark.parametrize("setting", ["system", "pac:https://wpad.corp/proxy.pac"])
def test_the_variables_route_each_url(setting: str, env: dict[str, str], url: str,
                                      expected: tuple[str | None, str]) -> None:
    route = decide_proxy(setting, env).route(httpx.URL(url))
    assert (route.proxy, route.source) == expected


def test_the_variables_are_read_as_urllib_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    for env, _url, _expected in RULES:
        for name in list(os.environ):
            if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
                monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert environment_proxies(os.environ) == urllib.request.getproxies_environment(), env


def test_the_systems_settings_count_only_without_variables() -> None:
    system = {"https": "http://sys:8080", "http": "sys:8080"}
    decided = decide_proxy("system", {}, system)
    assert decided.route(httpx.URL("https://x.com/")) == ProxyRoute("http://sys:8080", "the system proxy settings")
    assert decided.route(httpx.URL("http://x.com/")).proxy == "http://sys:8080"
    assert decide_proxy("system", {"no_proxy": "y.com"}, system).route(httpx.URL("https://x.com/")).proxy is None
    assert decide_proxy("none", {}, system).route(httpx.URL("https://x.com/")).proxy is None
    assert decide_proxy("http://set:1", {}, system).route(httpx.URL("https://x.com/")).proxy == "http://set:1"


def test_the_decision_lists_each_proxy_once() -> None:
    env = {"HTTPS_PROXY": "http://p:1", "HTTP_PROXY": "http://p:1", "ALL_PROXY": "http://a:1", "NO_PROXY": "x.com"}
    assert decide_proxy("system", env).proxies == ("http://p:1", "http://a:1")
    assert decide_proxy("none", env).proxies == ()
    assert decide_proxy("http://set:1", env).proxies == ("http://set:1",)


def test_a_no_proxy_entry_that_is_no_host_makes_the_variables_unusable() -> None:
    decision = decide_proxy("system", {**P, "NO_PROXY": "localhost,[::1]"})
    with pytest.raises(ProxySettingsError) as info:
        decision.route(httpx.URL("https://x.com/"))
    assert str(info.value) == ("The proxy variables cannot be used: NO_PROXY entry '[::1]' is not a host name, an "
                               "address or a URL (Invalid port: ':1]').")
    assert decide_proxy("system", {**P, "NO_PROXY": "[::1],*"}).route(httpx.URL("https://x.com/")).proxy is None


def test_the_route_says_where_it_comes_from_and_hides_credentials() -> None:
    def shown(env: dict[str, str], url: str, setting: str = "system") -> str:
        return decide_proxy(setting, env).route(httpx.URL(url)).describe(httpx.URL(url).host)

    assert shown({"https_proxy": "http://p:1"}, "https://x.com/") == "http://p:1 (from https_proxy)"
    assert shown({"ALL_PROXY": "http://p:1", "NO_PROXY": ".x.com"}, "https://a.x.com/") == \
        "none: NO_PROXY entry '.x.com' covers a.x.com (direct connection)"
    assert shown({"HTTPS_PROXY": "http://u:pw12@p:1"}, "https://x.com/") == "http://***:***@p:1 (from HTTPS_PROXY)"
    assert shown(P, "https://x.com/", "http://proxy.corp:3128") == "http://proxy.corp:3128 (from the proxy setting)"
    assert shown(P, "https://x.com/", "none") == "none (direct connection)"
    route = decide_proxy("system", {"HTTPS_PROXY": "http://us%40er:pa%3Ass@p:1"}).route(httpx.URL("https://x.com/"))
    assert set(route.secrets()) == {"us%40er:pa%3Ass", "us%40er", "pa%3Ass"}
    assert mask_proxy("http://user@p:1") == "http://***@p:1"
