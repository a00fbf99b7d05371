"""JWT sign-in (service user) in the real window: secrets from a real keychain, the pre-check, the
once-per-environment warning, and a sign-out that sticks across restarts until the person signs in again."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile

from desktop.core.settings import Layer
from desktop.services.secrets import SecretStore
from tests.fakes.oauth_types import FakeClient
from tests.integration.conftest import CLIENT_ID, settings_argv
from tests.integration.harness import AppUnderTest, wait_until
from tests.support.keychain import encrypted_file_backend, use_backend

pytestmark = pytest.mark.webengine

SECRET = "service-client-secret-0123"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMDEwMDEifQ.c2lnbmF0dXJlLW9mLXRoZS1qd3Q"
def secret_mode(platform, mode: str = "jwt") -> list[Layer]:
    """The environment as the secret modes require it: server and widget from the settings file."""
    return [Layer("user file", "test-settings.json", {
        "environments.custom.auth_mode": mode, "environments.custom.app_server": platform.origin,
        "environments.custom.widget_url": platform.widget_url})]


@pytest.fixture
def keychain(tmp_path: Path) -> Iterator[SecretStore]:
    with use_backend(encrypted_file_backend(tmp_path / "keychain.cfg")):
        yield SecretStore()


@pytest.fixture
def service_client(platform, redirect_port) -> None:
    platform.register_client(CLIENT_ID, FakeClient([f"http://127.0.0.1:{redirect_port}/oauth/callback"],
                                                   secret=SECRET, grants={"jwt", "refresh_token"}, jwts={JWT}))


def jwt_logins(platform) -> list[bool]:
    return [r["ok"] for r in platform.token_requests if r["grant_type"].endswith("jwt-bearer")]


def test_jwt_sign_in_warning_and_sticky_sign_out(qapp, loop, tmp_path, tls, platform, redirect_port, keychain,
                                                 service_client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    keychain.set("custom", "client_secret", SECRET)
    keychain.set("custom", "jwt", JWT)
    data = tmp_path / "data"

    def new_app(profile: QWebEngineProfile | None = None) -> AppUnderTest:
        return AppUnderTest(qapp, settings_argv(redirect_port), data, tls[1], layers=secret_mode(platform),
                            profile=profile)

    async def scenario() -> None:
        first = new_app()
        first.start()
        await wait_until(first.signed_in, 20, "the service user to be signed in")
        assert "everyone who uses this installation signs in as the same RingCentral user" in (
            first.window.notice_bar.label.text())
        # One JWT grant by the pre-check (its token revoked at once), one by the widget.
        assert jwt_logins(platform) == [True, True] and len(platform.revocations) == 1
        first.window.account.sign_out_action.trigger()
        await wait_until(lambda: not first.signed_in(), 20, "the sign-out")
        assert json.loads((data / "state.json").read_text())["jwt_signed_out"] == ["custom"]
        await first.close()

        second = new_app(first.profile)  # a restart: the widget must not sign the service user in again
        second.start()
        await wait_until(lambda: second.events("rc-login-status-notify"), 20, "the widget")
        await asyncio.sleep(1.5)
        assert not second.signed_in() and jwt_logins(platform) == [True, True]
        assert "does not sign it in again" in second.window.notice_bar.label.text()
        assert "same RingCentral user" not in second.window.notice_bar.label.text()  # warned once only
        assert second.window.service_user is not None
        action = second.window.service_user.sign_in_action
        assert action.isVisible() and action.isEnabled()
        action.trigger()
        await wait_until(second.signed_in, 20, "the service user to sign in again")
        assert json.loads((data / "state.json").read_text())["jwt_signed_out"] == []
        await second.close()

    loop.run_until_complete(scenario())
    assert caplog.records and SECRET not in caplog.text and JWT not in caplog.text


def test_missing_secret_names_the_command_and_loads_nothing(run_app, platform, redirect_port, keychain,
                                                           service_client) -> None:
    async def scenario(app: AppUnderTest) -> None:
        app.start()
        await wait_until(lambda: "secrets set client_secret --env custom" in app.window.notice_bar.label.text(),
                         what="the missing-secret message")
        await asyncio.sleep(0.5)
        assert app.loaded == [] and platform.token_requests == []

    run_app(scenario, start=False, layers=secret_mode(platform), argv=settings_argv(redirect_port))


def test_wrong_secret_is_explained_before_the_widget_loads(run_app, platform, redirect_port, keychain,
                                                           service_client) -> None:
    keychain.set("custom", "client_secret", "not-the-secret")
    keychain.set("custom", "jwt", JWT)

    async def scenario(app: AppUnderTest) -> None:
        app.start()
        await wait_until(lambda: app.window.notice_bar.kind == "error", what="the error")
        text = app.window.notice_bar.label.text()
        assert "custom" in text and CLIENT_ID in text and "not-the-secret" not in text
        await asyncio.sleep(0.5)
        assert app.loaded == [] and jwt_logins(platform) == [False]

    run_app(scenario, start=False, layers=secret_mode(platform), argv=settings_argv(redirect_port))


@pytest.fixture
def no_keychain() -> Iterator[None]:
    from keyring.backends.fail import Keyring as NoKeychain

    with use_backend(NoKeychain()):
        yield


def test_without_a_keychain_jwt_mode_explains(run_app, platform, redirect_port, no_keychain) -> None:
    async def scenario(app: AppUnderTest) -> None:
        app.start()
        await wait_until(lambda: app.window.notice_bar.kind == "error", what="the keychain message")
        text = app.window.notice_bar.label.text()
        assert "keychain" in text.lower() and "Traceback" not in text
        await asyncio.sleep(0.5)
        assert app.loaded == []

    run_app(scenario, start=False, layers=secret_mode(platform), argv=settings_argv(redirect_port))


def test_without_a_keychain_pkce_still_signs_in(run_app, platform, browser, no_keychain) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "PKCE sign-in with no keychain at all")

    run_app(scenario)


def test_deprecated_authorization_code_mode_warns_and_signs_in_with_the_secret(run_app, platform, redirect_port,
                                                                               keychain, browser) -> None:
    # The app's registered redirect is the widget's own redirect.html: this mode uses the widget's popup.
    platform.register_client(CLIENT_ID, FakeClient([platform.redirect_url], secret=SECRET,
                                                   grants={"authorization_code", "refresh_token"}))
    keychain.set("custom", "client_secret", SECRET)

    async def scenario(app: AppUnderTest) -> None:
        app.start()
        await wait_until(lambda: app.events("rc-login-status-notify"), 20, "the widget")
        assert "deprecated" in app.window.notice_bar.label.text()
        await app.click("#sign-in")
        await wait_until(app.signed_in, 20, "sign-in through the widget's popup")
        exchange = platform.successful_code_exchanges()[0]
        assert exchange["basic_auth"] and not exchange["code_verifier_sent"]  # the secret, no PKCE
        assert browser.entries() == []

    run_app(scenario, start=False, layers=secret_mode(platform, "authorization_code"),
            argv=settings_argv(redirect_port))
