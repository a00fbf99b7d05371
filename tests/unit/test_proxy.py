"""The proxy setting as Chromium flags, httpx options and the probes' environment; and the app's own HTTP
client going through a real proxy to the stand-in platform, by a name only the proxy can resolve."""

from __future__ import annotations

import asyncio
import shlex
from pathlib import Path

import httpx
import pytest

from desktop.core.chromium_flags import chromium_flags
from desktop.core.proxy import chromium_proxy_flags, httpx_proxy_options, proxy_environment
from desktop.services.tls_trust import app_http_client
from tests.fakes.platform import FakePlatform
from tests.fakes.tls import make_server_tls
from tests.support.threaded_proxy import running_proxy


@pytest.mark.parametrize(("setting", "flags", "options", "environment"), [
    ("system", [], {}, None),
    ("none", ["--no-proxy-server"], {"trust_env": False}, {}),
    ("http://proxy.corp:3128", ["--proxy-server=http://proxy.corp:3128"],
     {"proxy": "http://proxy.corp:3128", "trust_env": False},
     {"HTTPS_PROXY": "http://proxy.corp:3128", "HTTP_PROXY": "http://proxy.corp:3128"}),
    ("pac:https://wpad.corp/proxy.pac", ["--proxy-pac-url=https://wpad.corp/proxy.pac"], {}, None),
])
def test_one_setting_three_places(setting: str, flags: list[str], options: dict[str, object],
                                  environment: dict[str, str] | None) -> None:
    assert chromium_proxy_flags(setting) == flags
    assert httpx_proxy_options(setting) == options
    assert proxy_environment(setting) == environment


def test_an_explicit_setting_replaces_the_persons_proxy_flags() -> None:
    mine = "--proxy-server=http://old:1 --proxy-bypass-list=*.corp --lang=de"
    kept = shlex.split(chromium_flags(mine, running_as_root=False))
    assert kept[:3] == shlex.split(mine)  # system: the person's flags stay
    flags = chromium_flags(mine, running_as_root=False, proxy="none")
    assert "--no-proxy-server" in flags and "old:1" not in flags and "--lang=de" in flags
    assert "bypass" not in flags


def test_the_app_client_goes_through_the_proxy(tmp_path: Path) -> None:
    context, ca = make_server_tls(tmp_path / "tls", ("platform.test", "127.0.0.1"))
    with FakePlatform(context) as platform, running_proxy({"platform.test": "127.0.0.1"}) as proxy:
        url = f"https://platform.test:{platform.port}/widget/app.html"

        async def fetch(setting: str) -> int:
            async with app_http_client(ca, setting, timeout=10) as client:
                return (await client.get(url)).status_code

        assert asyncio.run(fetch(proxy.url)) == 200  # platform.test resolves only at the proxy
        assert proxy.requests == [f"CONNECT platform.test:{platform.port}"]
        with pytest.raises(httpx.ConnectError):
            asyncio.run(fetch("none"))  # without the proxy the name cannot be found
        assert len(proxy.requests) == 1
