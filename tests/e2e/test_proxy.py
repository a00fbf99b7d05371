"""The proxy setting in the real app: the phone loads through a local proxy, by a name only the proxy can
resolve, and a proxy that cannot be reached is explained on the offline screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.test_app_process import Running
from tests.fakes.platform import FakePlatform
from tests.fakes.tls import make_server_tls
from tests.integration.conftest import CLIENT_ID, free_port
from tests.support.threaded_proxy import running_proxy

pytestmark = pytest.mark.e2e


def start(program: Path, tmp_path: Path, platform: FakePlatform, ca: Path, proxy: str) -> Running:
    origin = f"https://platform.test:{platform.port}"
    env = dict(os.environ, EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS=str(ca), EMBEDDABLE_DESKTOP_PROXY=proxy)
    argv = ["--env", "custom", "--app-server", origin, "--client-id", CLIENT_ID, "--widget-url",
            origin + "/widget/app.html", "--redirect-port", str(free_port()), "--data-dir", str(tmp_path / "data")]
    return Running(program, argv, env, tmp_path / "data" / "logs" / "embeddable-desktop.log")


def test_the_phone_loads_through_the_proxy(app_program: Path, tmp_path: Path) -> None:
    context, ca = make_server_tls(tmp_path / "tls", ("platform.test", "127.0.0.1"))
    with FakePlatform(context) as platform, running_proxy({"platform.test": "127.0.0.1"}) as proxy:
        app = start(app_program, tmp_path, platform, ca, proxy.url)
        try:
            app.wait_for("widget login status: signed out")  # the widget's page and scripts came through
            assert f"proxy: {proxy.url} (setting proxy, environment variable EMBEDDABLE_DESKTOP_PROXY)" in app.log()
            assert f"CONNECT platform.test:{platform.port}" in proxy.requests
        finally:
            assert app.terminate() == 0


def test_an_unreachable_proxy_is_explained(app_program: Path, tmp_path: Path) -> None:
    context, ca = make_server_tls(tmp_path / "tls", ("platform.test", "127.0.0.1"))
    with FakePlatform(context) as platform:
        app = start(app_program, tmp_path, platform, ca, f"http://127.0.0.1:{free_port()}")  # nothing listens
        try:
            app.wait_for("the phone did not load")
            assert "The proxy server cannot be reached. Check the proxy settings." in app.log()
        finally:
            assert app.terminate() == 0
