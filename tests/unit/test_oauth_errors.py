"""OAuth error answers become messages that name the environment, what to fix and the setting where it lives."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from desktop.core.errors import LauncherError, LoginError
from desktop.core.oauth_errors import (
    CONSOLE_URL,
    AccessDenied,
    AuthConfigError,
    AuthContext,
    Grant,
    OAuthFailure,
    PlatformUnavailable,
    explain_oauth_error,
    parse_error_body,
    password_grant_refused,
)

REDIRECT = "http://127.0.0.1:47612/oauth/callback"
CODE_CTX = AuthContext(
    environment="sandbox", app_server="https://platform.devtest.ringcentral.com", client_id="sbx-client-id",
    redirect_uri=REDIRECT, client_id_from="settings key environments.sandbox.client_id",
    redirect_port_from="settings key redirect_port", app_server_from="settings key environments.sandbox.app_server")
JWT_CTX = replace(CODE_CTX, grant=Grant.JWT, redirect_uri=None,
                  client_secret_from="keyring entry sandbox/client_secret", jwt_from="keyring entry sandbox/jwt")
NOT_JSON = (b"", "", None, "   ", b"<html><body>Bad Gateway</body></html>", b"\xff\xfe not utf-8", "[1, 2]", "42")


def rc_body(error: str | None, code: str | None, message: str) -> str:
    """RingCentral's OAuth error shape."""
    body: dict[str, object] = {"error_description": message}
    if error is not None:
        body["error"] = error
    if code is not None:
        body["errors"] = [{"errorCode": code, "message": message}]
    return json.dumps(body)


def explain(status: int, body: bytes | str | None, ctx: AuthContext = CODE_CTX, retry_after: str | None = None,
            ) -> OAuthFailure:
    err = explain_oauth_error(status, body, ctx, retry_after=retry_after)
    assert isinstance(err, LoginError) and isinstance(err, LauncherError)
    assert "sandbox" in str(err) and ctx.app_server in str(err), str(err)  # always names the environment
    return err


# --- parsing -----------------------------------------------------------------------------------------------
def test_parse_reads_the_ringcentral_shape_and_the_rest_api_shape() -> None:
    parsed = parse_error_body(rc_body("invalid_client", "oau-153", "Invalid client: x"))
    assert (parsed.error, parsed.codes, parsed.description) == ("invalid_client", ("OAU-153",), "Invalid client: x")
    api = parse_error_body({"errorCode": "CMN-301", "message": "Request rate exceeded",
                            "errors": [{"errorCode": "CMN-301", "message": "Request rate exceeded"}]})
    assert api.codes == ("CMN-301",) and api.messages[0] == "Request rate exceeded" and api.is_json


@pytest.mark.parametrize("body", NOT_JSON)
def test_parse_survives_bodies_that_are_not_ringcentral_json(body: bytes | str | None) -> None:
    parsed = parse_error_body(body)
    assert not parsed.is_json and parsed.codes == () and parsed.error == ""


def test_parse_ignores_wrong_types_and_cleans_text() -> None:
    long_text = "a\r\nFAKE LOG " + "x" * 500
    parsed = parse_error_body(json.dumps({"error": 3, "errors": "nope", "error_description": long_text}))
    assert parsed.error == "" and parsed.codes == ()
    assert "\n" not in parsed.description and len(parsed.description) <= 200


# --- redirect URIs -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    rc_body("invalid_request", "OAU-109", "Redirect URIs do not match"),
    rc_body("invalid_redirect_uri", None, "whatever"),
    rc_body(None, None, "Redirect URIs do not match"),
])
def test_redirect_mismatch_names_the_uri_to_register_and_the_port_setting(body: str) -> None:
    err = explain(400, body)
    assert isinstance(err, AuthConfigError)
    assert REDIRECT in str(err) and "sbx-client-id" in str(err) and CONSOLE_URL in str(err)
    assert "settings key redirect_port" in str(err) and err.setting == "settings key redirect_port"
    assert "port included" in str(err)


def test_redirect_mismatch_without_a_known_uri_still_says_which_form() -> None:
    err = explain(400, rc_body("invalid_request", "OAU-109", "Redirect URIs do not match"), replace(CODE_CTX,
                                                                                                  redirect_uri=None))
    assert "/oauth/callback" in str(err) and err.code == "OAU-109" and err.status == 400


def test_no_redirect_uri_registered_is_not_mistaken_for_a_bad_client() -> None:
    # RingCentral answers OAU-113 with error=invalid_client (an app made for JWT only, typically).
    err = explain(403, rc_body("invalid_client", "OAU-113", "No redirect URI is registered for this client"))
    assert isinstance(err, AuthConfigError) and err.code == "OAU-113"
    assert "no OAuth redirect URI" in str(err) and REDIRECT in str(err)
    assert "3-legged OAuth flow authorization code" in str(err)
    assert err.setting == CODE_CTX.client_id_from


# --- grants ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("ctx", "label"), [
    (JWT_CTX, "JWT auth flow"),
    (CODE_CTX, "3-legged OAuth flow authorization code"),
    (replace(CODE_CTX, grant=Grant.REFRESH_TOKEN), "Issue refresh tokens"),
])
@pytest.mark.parametrize("body", [
    rc_body("unauthorized_client", "OAU-251", "Unauthorized for this grant type"),
    rc_body(None, None, "Unauthorized for this grant type"),
    rc_body("invalid_request", "OAU-250", "Unsupported grant type"),
])
def test_missing_grant_says_which_console_switch_to_turn_on(ctx: AuthContext, label: str, body: str) -> None:
    err = explain(400, body, ctx)
    assert isinstance(err, AuthConfigError)
    assert f'enable "{label}"' in str(err) and ctx.client_id_from in str(err) and err.setting == ctx.client_id_from


# --- client id and secret ----------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    rc_body("invalid_client", "OAU-153", "Invalid client: sbx-client-id"),
    rc_body("invalid_client", "OAU-123", "Client authentication is required"),
    rc_body("invalid_client", None, "Invalid client"),
])
def test_bad_client_for_jwt_names_the_id_and_secret_settings_and_the_other_environment(body: str) -> None:
    err = explain(401, body, JWT_CTX)
    assert isinstance(err, AuthConfigError)
    text = str(err)
    assert JWT_CTX.client_id_from in text and JWT_CTX.client_secret_from in text
    assert "sandbox ones, not the production ones" in text
    assert err.setting == JWT_CTX.client_id_from


def test_bad_client_without_a_secret_explains_the_client_side_app() -> None:
    err = explain(401, rc_body("invalid_client", "OAU-123", "Client authentication is required"))
    assert isinstance(err, AuthConfigError) and "requires a client secret" in str(err)
    assert "Client-side web app" in str(err) and "PKCE" in str(err)


def test_bad_client_names_the_other_built_in_environment_or_none() -> None:
    prod = replace(CODE_CTX, environment="production", app_server="https://platform.ringcentral.com")
    err = explain_oauth_error(401, rc_body("invalid_client", "OAU-153", "x"), prod)
    assert "production ones, not the sandbox ones" in str(err)
    custom = replace(CODE_CTX, environment="custom", app_server="https://rc.example.test")
    err = explain_oauth_error(401, '{"error": "invalid_client"}', custom)
    assert "Each platform gives an app its own client id" in str(err)


# --- JWT and codes -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [rc_body("invalid_grant", "OAU-140", "Invalid JWT assertion"),
                                  rc_body("invalid_grant", None, "")])
def test_refused_jwt_names_the_jwt_setting_and_the_likely_causes(body: str) -> None:
    err = explain(400, body, JWT_CTX)
    assert isinstance(err, AuthConfigError) and err.setting == JWT_CTX.jwt_from
    assert JWT_CTX.jwt_from in str(err)
    for cause in ("expired", "revoked", "other environment", "another app"):
        assert cause in str(err)


def test_refused_code_is_not_a_configuration_problem() -> None:
    err = explain(400, rc_body("invalid_grant", "OAU-211", "Authorization code is invalid"))
    assert type(err) is OAuthFailure and "Sign In" in str(err) and err.code == "OAU-211"


def test_access_denied() -> None:
    err = explain(400, rc_body("access_denied", None, "The user denied the authorization request"))
    assert isinstance(err, AccessDenied) and "declined" in str(err) and "administrator" in str(err)
    assert "JWT's user" in str(explain(403, rc_body("access_denied", "OAU-xyz", "no"), JWT_CTX))


# --- rate limits, server errors, unknown ---------------------------------------------------------------------
@pytest.mark.parametrize("body", [*NOT_JSON, rc_body(None, "CMN-301", "Request rate exceeded")])
def test_rate_limit_says_how_long_to_wait(body: bytes | str | None) -> None:
    err = explain(429, body, retry_after="30")
    assert isinstance(err, PlatformUnavailable) and err.retry_after == 30
    assert "Wait 30 seconds" in str(err) and "HTTP 429" in str(err)


@pytest.mark.parametrize("retry_after", ["Wed, 21 Oct 2015 07:28:00 GMT", "-5", "", "nan-ish"])
def test_rate_limit_without_a_usable_retry_after_says_a_minute(retry_after: str) -> None:
    err = explain(429, "", retry_after=retry_after)
    assert isinstance(err, PlatformUnavailable) and err.retry_after is None and "Wait a minute" in str(err)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("body", [*NOT_JSON, rc_body("server_error", "OAU-999", "boom")])
def test_server_errors_are_generic_with_the_status(status: int, body: bytes | str | None) -> None:
    err = explain(status, body)
    assert isinstance(err, PlatformUnavailable) and f"HTTP {status}" in str(err) and err.status == status


@pytest.mark.parametrize("body", NOT_JSON)
def test_non_json_client_errors_point_at_the_app_server_setting(body: bytes | str | None) -> None:
    err = explain(404, body)
    assert type(err) is OAuthFailure and "HTTP 404" in str(err)
    assert err.setting == CODE_CTX.app_server_from and CODE_CTX.app_server_from in str(err)


def test_unknown_error_keeps_the_code_and_description() -> None:
    err = explain(400, rc_body("invalid_request", "OAU-101", "Parameter [assertion] is missing"), JWT_CTX)
    assert type(err) is OAuthFailure and err.code == "OAU-101"
    assert "HTTP 400 invalid_request OAU-101: Parameter [assertion] is missing" in str(err)


def test_an_error_body_cannot_forge_lines_in_the_message() -> None:
    err = explain(400, rc_body("invalid_request", "OAU-101", "x\nERROR something else"))
    assert "\n" not in str(err)


# --- password grant -----------------------------------------------------------------------------------------
def test_password_grant_is_refused_with_the_reasons() -> None:
    err = password_grant_refused("settings key auth.mode")
    assert isinstance(err, AuthConfigError) and err.setting == "settings key auth.mode"
    text = str(err)
    assert text.startswith("settings key auth.mode: the password grant is not offered")
    assert "RFC 9700 §2.4" in text and "MUST NOT" in text and "public apps" in text
    assert "Use pkce" in text and "jwt." in text
