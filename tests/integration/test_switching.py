"""Switching environments in one running app: two environments signed in against two fake platforms,
both sessions kept, no request ever crossing, and a confirmation while a call is active."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.settings_loader import load_settings
from desktop.ui.controller import AppController
from tests.fakes.oauth_types import FakeClient
from tests.fakes.platform import FakePlatform
from tests.integration.conftest import CLIENT_ID, browser_command, free_port
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine


@pytest.fixture
def second_platform(tls) -> Iterator[FakePlatform]:
    with FakePlatform(tls[0]) as platform:
        yield platform


def settings_for(name: str, platform: FakePlatform, port: int) -> dict[str, object]:
    platform.register_client(CLIENT_ID, FakeClient([f"http://127.0.0.1:{port}/oauth/callback"]))
    return {f"environments.{name}.app_server": platform.origin, f"environments.{name}.widget_url": platform.widget_url,
            f"environments.{name}.client_id": CLIENT_ID, f"environments.{name}.redirect_port": port}


async def shown(controller: AppController, env: str) -> AppUnderTest:
    await wait_until(lambda: controller.window.options.env_name == env, what=f"the {env} window")
    app = AppUnderTest.attach(controller.window)
    await wait_until(lambda: app.events("rc-login-status-notify"), 20, f"the {env} widget")
    return app


def test_two_environments_keep_their_sessions_and_never_cross(qapp, loop, tmp_path, tls, platform, redirect_port,
                                                              second_platform, browser) -> None:
    data = tmp_path / "data"
    data.mkdir()
    settings = {"environment": "alpha", **settings_for("alpha", platform, redirect_port),
                **settings_for("beta", second_platform, free_port())}
    (data / "settings.json").write_text(json.dumps(settings))
    argv = ["--data-dir", str(data), "--browser", browser_command()]

    def load(words):  # the settings as start-up resolves them, without this machine's IT policy
        return load_settings(words, {}, data, policy_path=tmp_path / "no-policy.json")

    controller = AppController(load(argv), argv, load, log_path=str(data / "log"), extra_ca_file=Path(tls[1]))

    async def scenario() -> None:
        controller.window.load_widget()
        controller.start(controller.window)
        alpha = await shown(controller, "alpha")
        assert set(alpha.window.environment_menu.actions) == {"production", "sandbox", "alpha", "beta"}
        await alpha.click("#sign-in")
        await wait_until(alpha.signed_in, 20, "alpha signed in")

        alpha.window.environment_menu.actions["beta"].trigger()
        beta = await shown(controller, "beta")
        assert not beta.signed_in() and json.loads((data / "settings.json").read_text())["environment"] == "beta"
        await beta.click("#sign-in")
        await wait_until(beta.signed_in, 20, "beta signed in")

        # A call rings in beta: switching asks first, and "no" keeps everything as it is.
        await beta.js("window.postMessage({type: 'rc-call-ring-notify', call: {id: 'call-1'}}, '*')")
        await wait_until(lambda: beta.window.active_calls == {"call-1"}, what="the ringing call")
        questions: list[str] = []
        beta.window.confirm = lambda title, text: questions.append(text) is not None  # answers "no"
        beta.window.environment_menu.actions["alpha"].trigger()
        assert questions and "A call is active" in questions[0] and controller.window is beta.window
        assert beta.window.environment_menu.actions["beta"].isChecked()
        beta.window.confirm = lambda title, text: True
        beta.window.environment_menu.actions["alpha"].trigger()

        again = await shown(controller, "alpha")
        await wait_until(again.signed_in, 20, "alpha still signed in")
        await controller.shutdown()

    loop.run_until_complete(scenario())
    # One sign-in each, and each platform only ever saw its own tokens: a token of the other platform would
    # be unknown here (bearer_valid False), and a refresh with it would be a failed token request.
    assert len(platform.successful_code_exchanges()) == 1 and len(second_platform.successful_code_exchanges()) == 1
    for fake in (platform, second_platform):
        assert fake.api_requests and all(r["bearer_valid"] for r in fake.api_requests)
        assert all(r["ok"] for r in fake.token_requests)
