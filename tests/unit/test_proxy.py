"""The proxy setting as Chromium flags and as the app's one proxy decision; and the app's own HTTP client going
through a real proxy to the stand-in platform (by a name only the proxy can resolve) exactly where the decision
says, and trusting the CAs it trusted before it stopped httpx reading the environment.

The rules for the variables themselves are in test_proxy_decision.py.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from desktop.core.chromium_flags import chromium_flags
from desktop.core.errors import LauncherError, exception_chain
from desktop.core.findings import Status
from desktop.core.proxy import chromium_proxy_flags
from desktop.diagnostics.report import Subject, collect
from desktop.services.proxy_decision import ProxySettingsError, app_proxy_decision, decide_proxy
from desktop.services.tls_trust import app_http_client
from tests.fakes.platform import FakePlatform
from tests.fakes.tls import make_server_tls
from tests.support.diagnose_servers import ConnectProxy
from tests.support.threaded_proxy import running_proxy

#: What a person may have set: every setting below is decided against these variables.
VARIABLES = {"HTTPS_PROXY": "http://env-proxy:1", "NO_PROXY": "covered.example"}
URLS = ("https://apps.example/", "https://covered.example/", "http://apps.example/")


@pytest.mark.parametrize(("setting", "flags", "routes"), [
    ("system", [], [("http://env-proxy:1", "HTTPS_PROXY"), (None, "NO_PROXY entry 'covered.example'"), (None, "")]),
    ("none", ["--no-proxy-server"], [(None, "")] * 3),
    ("http://proxy.corp:3128", ["--proxy-server=http://proxy.corp:3128"],
     [("http://proxy.corp:3128", "the proxy setting")] * 3),  # the setting names the proxy: NO_PROXY not consulted
    ("pac:https://wpad.corp/proxy.pac", ["--proxy-pac-url=https://wpad.corp/proxy.pac"],
     [("http://env-proxy:1", "HTTPS_PROXY"), (None, "NO_PROXY entry 'covered.example'"), (None, "")]),
])
def test_one_setting_for_the_phone_and_the_apps_requests(setting: str, flags: list[str],
                                                         routes: list[tuple[str | None, str]]) -> None:
    assert chromium_proxy_flags(setting) == flags
    decision = decide_proxy(setting, VARIABLES)
    assert [(r.proxy, r.source) for r in (decision.route(httpx.URL(url)) for url in URLS)] == routes


def test_an_explicit_setting_replaces_the_persons_proxy_flags() -> None:
    mine = "--proxy-server=http://old:1 --proxy-bypass-list=*.corp --lang=de"
    kept = shlex.split(chromium_flags(mine, running_as_root=False))
    assert kept[:3] == shlex.split(mine)  # system: the person's flags stay
    flags = chromium_flags(mine, running_as_root=False, proxy="none")
    assert "--no-proxy-server" in flags and "old:1" not in flags and "--lang=de" in flags
    assert "bypass" not in flags


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable of whoever runs the tests; each test sets its own."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def platform_and_proxy(tmp_path: Path) -> Iterator[tuple[FakePlatform, ConnectProxy, Path]]:
    context, ca = make_server_tls(tmp_path / "tls", ("platform.test", "127.0.0.1"))
    with FakePlatform(context) as platform, running_proxy({"platform.test": "127.0.0.1"}) as proxy:
        yield platform, proxy, ca


def fetch(ca: Path | None, setting: str, url: str) -> int:
    async def get() -> int:
        async with app_http_client(ca, setting, timeout=10) as client:
            return (await client.get(url)).status_code

    return asyncio.run(get())


def test_the_app_client_goes_through_the_proxy(platform_and_proxy: tuple[FakePlatform, ConnectProxy, Path],
                                               clean_environment: pytest.MonkeyPatch) -> None:
    platform, proxy, ca = platform_and_proxy
    url = f"https://platform.test:{platform.port}/widget/app.html"
    assert fetch(ca, proxy.url, url) == 200  # platform.test resolves only at the proxy
    assert proxy.requests == [f"CONNECT platform.test:{platform.port}"]
    clean_environment.setenv("HTTPS_PROXY", proxy.url)  # httpx left to itself would take this one
    with pytest.raises(httpx.ConnectError):
        fetch(ca, "none", url)  # without the proxy the name cannot be found
    assert len(proxy.requests) == 1


def test_the_app_client_goes_where_the_decision_routes_each_url(
        platform_and_proxy: tuple[FakePlatform, ConnectProxy, Path], clean_environment: pytest.MonkeyPatch) -> None:
    platform, proxy, ca = platform_and_proxy
    clean_environment.setenv("https_proxy", proxy.url)
    clean_environment.setenv("NO_PROXY", "127.0.0.1")
    named, address = (f"https://{host}:{platform.port}/widget/app.html" for host in ("platform.test", "127.0.0.1"))
    decision = app_proxy_decision("system")
    assert decision.route(httpx.URL(named)).proxy == proxy.url
    assert decision.route(httpx.URL(address)).source == "NO_PROXY entry '127.0.0.1'"
    assert fetch(ca, "system", named) == 200
    assert fetch(ca, "system", address) == 200  # straight to the server: the proxy saw nothing new
    assert proxy.requests == [f"CONNECT platform.test:{platform.port}"]
    assert fetch(ca, proxy.url, address) == 200  # the setting names the proxy: NO_PROXY is not consulted
    assert proxy.requests[1:] == [f"CONNECT 127.0.0.1:{platform.port}"]


def test_the_app_client_still_trusts_ssl_cert_file(platform_and_proxy: tuple[FakePlatform, ConnectProxy, Path],
                                                   clean_environment: pytest.MonkeyPatch) -> None:
    """trust_env=False turns off httpx's reading of SSL_CERT_FILE; OpenSSL's own reading of it, when the app's
    context loads the default locations, is what counted before and still does."""
    platform, _proxy, ca = platform_and_proxy
    url = f"https://127.0.0.1:{platform.port}/widget/app.html"
    with pytest.raises(httpx.ConnectError) as info:
        fetch(None, "none", url)  # the test CA is in no store
    assert any(isinstance(item, ssl.SSLCertVerificationError) for item in exception_chain(info.value))
    clean_environment.setenv("SSL_CERT_FILE", str(ca))
    assert fetch(None, "none", url) == 200


def test_proxy_variables_the_app_cannot_use_are_one_clear_error(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("HTTPS_PROXY", "http://p:1")
    clean_environment.setenv("no_proxy", "localhost, [::1]")
    with pytest.raises(LauncherError) as info:
        app_http_client(None, "system")
    assert str(info.value).startswith("The proxy variables cannot be used: NO_PROXY entry '[::1]' is not a host name,")
    assert "\n" not in str(info.value)
    asyncio.run(app_http_client(None, "none").aclose())  # "none" does not read them at all
    clean_environment.delenv("no_proxy")
    clean_environment.setenv("ALL_PROXY", "ftp://someone:hunter22@files.corp:21")
    with pytest.raises(ProxySettingsError) as failed:
        app_http_client(None, "system")
    message = str(failed.value)
    assert message.startswith("The proxy ftp://***:***@files.corp:21 (from ALL_PROXY) cannot be used for the app's")
    assert "hunter22" not in message and "someone" not in message


@pytest.mark.parametrize("setting", ["system", "proxy"])
def test_diagnose_reports_the_route_the_app_client_takes(setting: str, tmp_path: Path,
                                                         platform_and_proxy: tuple[FakePlatform, ConnectProxy, Path],
                                                         clean_environment: pytest.MonkeyPatch) -> None:
    platform, proxy, ca = platform_and_proxy
    setting = proxy.url if setting == "proxy" else setting
    clean_environment.setenv("HTTPS_PROXY", proxy.url)
    clean_environment.setenv("NO_PROXY", "127.0.0.1")
    named, address = (f"https://{host}:{platform.port}/widget/app.html" for host in ("platform.test", "127.0.0.1"))
    subject = Subject(settings_path=tmp_path / "settings.json", data_dir=tmp_path, widget_url=named,
                      app_server=address, extra_ca_file=ca, proxy=setting)
    found = {(f.section, f.name): f for f in asyncio.run(collect(subject, timeout=4))}
    widget, server = found["Network: the widget", "proxy"], found["Network: the app server", "proxy"]
    assert found["Network: the widget", "tls"].status is found["Network: the app server", "tls"].status is Status.OK
    reported = sorted(proxy.requests)  # the two probes run side by side
    assert fetch(ca, setting, named) == fetch(ca, setting, address) == 200
    assert sorted(proxy.requests) == sorted(reported * 2)  # the app's client went the way the report went
    if setting == "system":
        assert widget.detail == f"{proxy.url} (from HTTPS_PROXY)"
        assert server.detail == "none: NO_PROXY entry '127.0.0.1' covers 127.0.0.1 (direct connection)"
        assert reported == [f"CONNECT platform.test:{platform.port}"]
    else:
        assert widget.detail == server.detail == f"{proxy.url} (from the proxy setting)"
        assert reported == [f"CONNECT 127.0.0.1:{platform.port}", f"CONNECT platform.test:{platform.port}"]
