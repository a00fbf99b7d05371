"""The JWT check against the fake platform over real https: the widget's exact token request, the session
revoked afterwards, and every refusal or network failure explained. Secrets never reach a message or a log.

The fake platform cannot answer 429/5xx from its token endpoint or fail a revocation, so those few cases
use ``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from desktop.core.oauth_errors import (
    AuthConfigError,
    AuthContext,
    Grant,
    OAuthFailure,
    PlatformUnavailable,
    PlatformUnreachable,
)
from desktop.services.jwt_check import check_jwt
from tests.fakes.oauth_types import (
    GRANT_AUTHORIZATION_CODE,
    GRANT_JWT,
    GRANT_REFRESH_TOKEN,
    JWT_BEARER_GRANT_TYPE,
    FakeClient,
)
from tests.fakes.platform import FakePlatform

JWT_APP = "jwt-app-client-id"
CODE_APP = "code-only-client-id"
SECRET = "jwt-app-client-secret-0123"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMDEwMDEifQ.c2lnbmF0dXJlLW9mLXRoZS1qd3Q"
SECRET_FROM = "keyring entry custom/client_secret"
JWT_FROM = "keyring entry custom/jwt"


@pytest.fixture
def platform(tls: tuple[ssl.SSLContext, Path]) -> Iterator[FakePlatform]:
    with FakePlatform(tls[0]) as fake:
        fake.register_client(JWT_APP, FakeClient([], secret=SECRET, grants={GRANT_JWT, GRANT_REFRESH_TOKEN},
                                                 jwts={JWT}))
        fake.register_client(CODE_APP, FakeClient([], secret=SECRET,
                                                  grants={GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN}, jwts={JWT}))
        yield fake


def context(app_server: str, client_id: str = JWT_APP) -> AuthContext:
    return AuthContext(environment="custom", app_server=app_server, client_id=client_id, grant=Grant.JWT,
                       client_id_from="settings key environments.custom.client_id",
                       client_secret_from=SECRET_FROM, jwt_from=JWT_FROM,
                       app_server_from="settings key environments.custom.app_server")


def run_check(app_server: str, *, verify: ssl.SSLContext | bool = True, client_id: str = JWT_APP,
              secret: str = SECRET, jwt: str = JWT, timeout: float = 10.0,
              transport: httpx.AsyncBaseTransport | None = None,
              on_response: Callable[[httpx.Response], None] | None = None) -> None:
    async def main() -> None:
        async def hook(response: httpx.Response) -> None:
            if on_response is not None:
                await response.aread()
                on_response(response)

        async with httpx.AsyncClient(verify=verify, transport=transport, event_hooks={"response": [hook]}) as http:
            await check_jwt(app_server, client_id, secret, jwt, context=context(app_server, client_id), client=http,
                            timeout=timeout)

    asyncio.run(main())


def trusting(ca: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca))


def assert_no_secrets(text: str, *extra: str) -> None:
    for secret in (SECRET, JWT, *extra):
        assert secret not in text


# --- against the fake platform ------------------------------------------------------------------------------
def test_success_sends_the_widgets_request_and_revokes_the_token(
        platform: FakePlatform, tls: tuple[ssl.SSLContext, Path], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tokens: list[str] = []

    def keep_token(response: httpx.Response) -> None:
        if response.request.url.path == "/restapi/oauth/token":
            tokens.append(response.json()["access_token"])

    run_check(platform.origin, verify=trusting(tls[1]), on_response=keep_token)
    [request] = platform.token_requests
    assert request["grant_type"] == JWT_BEARER_GRANT_TYPE and request["ok"]
    assert request["basic_auth"] and request["client_id"] == JWT_APP
    [revocation] = platform.revocations
    assert revocation["token_kind"] == "access" and revocation["client_id"] == JWT_APP
    assert platform.live_access_tokens() == []
    assert len(tokens) == 1
    assert "session revoked" in caplog.text
    assert_no_secrets(caplog.text, tokens[0])


def test_wrong_secret_names_the_id_and_secret_settings(
        platform: FakePlatform, tls: tuple[ssl.SSLContext, Path], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthConfigError) as info:
        run_check(platform.origin, verify=trusting(tls[1]), secret="not-the-secret-at-all")
    err = info.value
    assert err.code == "OAU-153" and err.status == 401 and err.environment == "custom"
    assert SECRET_FROM in str(err) and "settings key environments.custom.client_id" in str(err)
    assert platform.revocations == [] and platform.live_access_tokens() == []
    assert_no_secrets(str(err) + caplog.text, "not-the-secret-at-all")


def test_app_without_the_jwt_grant_is_told_to_enable_it(platform: FakePlatform,
                                                        tls: tuple[ssl.SSLContext, Path]) -> None:
    with pytest.raises(AuthConfigError) as info:
        run_check(platform.origin, verify=trusting(tls[1]), client_id=CODE_APP)
    assert info.value.code == "OAU-251"
    assert 'enable "JWT auth flow"' in str(info.value) and CODE_APP in str(info.value)


def test_unknown_jwt_names_the_jwt_setting(platform: FakePlatform, tls: tuple[ssl.SSLContext, Path],
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    other_jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.YW5vdGhlci1lbnZpcm9ubWVudA"
    with pytest.raises(AuthConfigError) as info:
        run_check(platform.origin, verify=trusting(tls[1]), jwt=other_jwt)
    assert info.value.code == "OAU-140" and info.value.setting == JWT_FROM
    assert JWT_FROM in str(info.value) and "other environment" in str(info.value)
    assert_no_secrets(str(info.value) + caplog.text, other_jwt)


def test_untrusted_certificate_is_a_clear_tls_error(platform: FakePlatform, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PlatformUnreachable) as info:
        run_check(platform.origin, verify=ssl.create_default_context())  # the system CAs only
    err = info.value
    assert err.tls and err.app_server == platform.origin
    assert "certificate" in str(err) and platform.origin in str(err) and "never ignored" in str(err)
    assert platform.token_requests == []
    assert_no_secrets(str(err) + caplog.text)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_closed_port_is_a_connection_error_naming_the_app_server(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = f"https://127.0.0.1:{closed_port()}"

    with pytest.raises(PlatformUnreachable) as info:
        run_check(server, timeout=5)
    assert not info.value.tls and str(info.value).startswith(f"Could not connect to the custom platform {server}")
    assert "settings key environments.custom.app_server" in str(info.value)
    assert_no_secrets(str(info.value) + caplog.text)


def test_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts TCP connections (backlog) but never speaks TLS
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        server = f"https://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(PlatformUnreachable) as info:
            run_check(server, timeout=0.5)
    assert "did not answer within 0.5 seconds" in str(info.value) and server in str(info.value)


def test_empty_secret_or_jwt_is_refused_before_any_request(platform: FakePlatform,
                                                           tls: tuple[ssl.SSLContext, Path]) -> None:
    with pytest.raises(AuthConfigError) as info:
        run_check(platform.origin, verify=trusting(tls[1]), secret="")
    assert info.value.setting == SECRET_FROM
    with pytest.raises(AuthConfigError) as info:
        run_check(platform.origin, verify=trusting(tls[1]), jwt="")
    assert info.value.setting == JWT_FROM
    assert platform.token_requests == []


# --- what the fake platform cannot do -----------------------------------------------------------------------
SERVER = "https://platform.example.test"


def scripted(token: httpx.Response, revoke: httpx.Response | Exception | None = None,
             seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if request.url.path == "/restapi/oauth/revoke":
            if isinstance(revoke, Exception):
                raise revoke
            return revoke or httpx.Response(200)
        return token
    return httpx.MockTransport(handler)


def test_request_shape_form_basic_auth_and_accept() -> None:
    seen: list[httpx.Request] = []
    run_check(SERVER, transport=scripted(httpx.Response(200, json={"access_token": "at-123456"}), seen=seen))
    token_request, revoke_request = seen
    expected_basic = "Basic " + base64.b64encode(f"{JWT_APP}:{SECRET}".encode()).decode()
    for request in seen:
        assert request.method == "POST" and request.headers["Authorization"] == expected_basic
        assert request.headers["Accept"] == "application/json"
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert str(token_request.url) == SERVER + "/restapi/oauth/token"
    assert parse_qs(token_request.content.decode()) == {"grant_type": [JWT_BEARER_GRANT_TYPE], "assertion": [JWT]}
    assert str(revoke_request.url) == SERVER + "/restapi/oauth/revoke"
    assert parse_qs(revoke_request.content.decode()) == {"token": ["at-123456"]}


def test_rate_limit_and_server_error() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "12"},
                             json={"errorCode": "CMN-301", "message": "Request rate exceeded"})
    with pytest.raises(PlatformUnavailable) as info:
        run_check(SERVER, transport=scripted(limited))
    assert info.value.retry_after == 12 and "Wait 12 seconds" in str(info.value)
    with pytest.raises(PlatformUnavailable) as info:
        run_check(SERVER, transport=scripted(httpx.Response(503, text="<html>Service Unavailable</html>")))
    assert "HTTP 503" in str(info.value)


def test_a_200_without_a_token_is_not_taken_as_success() -> None:
    with pytest.raises(OAuthFailure) as info:
        run_check(SERVER, transport=scripted(httpx.Response(200, text="<html>captive portal</html>")))
    assert "without an access token" in str(info.value)


def test_an_echoed_secret_or_jwt_is_masked_in_the_message() -> None:
    echo = httpx.Response(400, json={"error": "invalid_request", "error_description": f"bad {JWT} / {SECRET}",
                                     "errors": [{"errorCode": "OAU-101", "message": f"bad {JWT}"}]})
    with pytest.raises(OAuthFailure) as info:
        run_check(SERVER, transport=scripted(echo))
    assert "[redacted]" in str(info.value)
    assert_no_secrets(str(info.value))


@pytest.mark.parametrize("revoke", [httpx.Response(500), httpx.ConnectError("Connection reset by peer")])
def test_failed_revoke_is_logged_not_raised(revoke: httpx.Response | Exception,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    run_check(SERVER, transport=scripted(httpx.Response(200, json={"access_token": "at-abcdef"}), revoke))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "revoke" in warnings[0] and "expires" in warnings[0]
    assert_no_secrets(caplog.text, "at-abcdef")
