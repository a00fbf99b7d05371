"""The fake platform is strict: each test is a mistake a launcher could make that the real platform refuses.

Runs the real server over TLS (trustme CA) and talks to it with httpx, as a browser or the launcher would.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.client_helpers import basic_auth, pkce_pair
from tests.fakes.oauth_types import JWT_BEARER_GRANT_TYPE, FakeClient
from tests.fakes.platform import DEMO_CLIENT_ID, FakePlatform

PUBLIC = "public-app"
SECRET_APP = "secret-app"
SECRET = "s3cret"
JWT_APP = "jwt-app"
LOOPBACK = "http://127.0.0.1:53682/callback"


@pytest.fixture
def platform(tls: tuple[ssl.SSLContext, Path]) -> Iterator[FakePlatform]:
    with FakePlatform(tls[0]) as fake:
        fake.register_client(PUBLIC, FakeClient([LOOPBACK, "https://example.test/cb?x=1"]))
        fake.register_client(SECRET_APP, FakeClient([LOOPBACK], secret=SECRET))
        fake.register_client(JWT_APP, FakeClient([], secret=SECRET, grants={"jwt", "refresh_token"}, jwts={"j.w.t"}))
        fake.register_demo_client()
        yield fake


@pytest.fixture
def http(platform: FakePlatform, tls: tuple[ssl.SSLContext, Path]) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=str(tls[1]))
    with httpx.Client(base_url=platform.origin, verify=context, follow_redirects=False, timeout=10) as client:
        yield client


def authorize_params(client_id: str = PUBLIC, redirect_uri: str = LOOPBACK, challenge: str | None = None,
                     **extra: str) -> dict[str, str]:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": "st-1"}
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return params


def get_code(http: httpx.Client, **kwargs: str) -> str:
    response = http.get("/restapi/oauth/authorize", params=authorize_params(**kwargs))
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def exchange(http: httpx.Client, code: str, verifier: str | None, redirect_uri: str = LOOPBACK,
             client_id: str | None = PUBLIC, headers: dict[str, str] | None = None) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        form["code_verifier"] = verifier
    if client_id is not None:
        form["client_id"] = client_id
    return http.post("/restapi/oauth/token", data=form, headers=headers)


def error_code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["errorCode"])


# --- authorize ---------------------------------------------------------------------------------------------
def test_authorize_wrong_redirect_uri_is_oau_109_and_not_redirected(http: httpx.Client) -> None:
    _, challenge = pkce_pair()
    for wrong in ("http://127.0.0.1:53683/callback", "http://localhost:53682/callback", LOOPBACK + "/"):
        response = http.get("/restapi/oauth/authorize", params=authorize_params(redirect_uri=wrong,
                                                                                   challenge=challenge))
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "OAU-109 Redirect URIs do not match" in response.text


def test_authorize_unknown_client_is_refused(http: httpx.Client) -> None:
    _, challenge = pkce_pair()
    response = http.get("/restapi/oauth/authorize", params=authorize_params(client_id="nope", challenge=challenge))
    assert response.status_code == 400 and "OAU-153" in response.text and "Invalid client" in response.text


@pytest.mark.parametrize("extra", [{}, {"code_challenge_method": "plain"}, {"code_challenge_method": "S256"}])
def test_public_client_needs_an_s256_challenge(http: httpx.Client, extra: dict[str, str]) -> None:
    verifier, _ = pkce_pair()
    params = authorize_params(**extra)
    if extra.get("code_challenge_method") == "plain":
        params["code_challenge"] = verifier
    response = http.get("/restapi/oauth/authorize", params=params)
    assert response.status_code == 400 and "code_challenge" in response.text


@pytest.mark.parametrize("challenge", ["short", "a" * 44, "+" * 43])
def test_malformed_challenge_is_refused(http: httpx.Client, challenge: str) -> None:
    response = http.get("/restapi/oauth/authorize", params=authorize_params(challenge=challenge))
    assert response.status_code == 400


def test_authorize_requires_state_code_response_type_and_no_repeats(http: httpx.Client) -> None:
    _, challenge = pkce_pair()
    assert http.get("/restapi/oauth/authorize", params=authorize_params(challenge=challenge, state="")).is_client_error
    assert http.get("/restapi/oauth/authorize",
                    params=authorize_params(challenge=challenge, response_type="token")).is_client_error
    repeated = "&".join(f"{k}={v}" for k, v in authorize_params(challenge=challenge).items())
    assert http.get(f"/restapi/oauth/authorize?{repeated}&state=again").status_code == 400


def test_authorize_appends_to_an_existing_query_and_echoes_state(http: httpx.Client) -> None:
    _, challenge = pkce_pair()
    response = http.get("/restapi/oauth/authorize",
                        params=authorize_params(redirect_uri="https://example.test/cb?x=1", challenge=challenge,
                                                state="a b&c"))
    location = urlsplit(response.headers["location"])
    query = parse_qs(location.query)
    assert location.netloc == "example.test" and query["x"] == ["1"] and query["state"] == ["a b&c"]


def test_deny_next_login_redirects_with_access_denied_once(http: httpx.Client, platform: FakePlatform) -> None:
    _, challenge = pkce_pair()
    platform.deny_next_login = True
    response = http.get("/restapi/oauth/authorize", params=authorize_params(challenge=challenge))
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["st-1"] and "code" not in query
    assert get_code(http, challenge=challenge)
    assert [r["denied"] for r in platform.authorize_requests] == [True, False]


# --- token: authorization code -------------------------------------------------------------------------------
def test_correct_pkce_flow_succeeds_and_opens_the_api(http: httpx.Client, platform: FakePlatform) -> None:
    verifier, challenge = pkce_pair()
    code = get_code(http, challenge=challenge)
    response = exchange(http, code, verifier, headers={"X-User-Agent": "ua RingCentralEmbeddable/2.3.1"})
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == 3600 and token["owner_id"]
    assert {"refresh_token", "refresh_token_expires_in", "scope", "endpoint_id"} <= token.keys()
    api = http.get("/restapi/v1.0/account/~", headers={"Authorization": "Bearer " + token["access_token"]})
    assert api.status_code == 200 and api.json()["serviceInfo"]["brand"]["id"] == "1210"
    [record] = platform.successful_code_exchanges()
    assert record["client_id"] == PUBLIC and record["user_agent"] == "ua RingCentralEmbeddable/2.3.1"
    assert platform.api_requests[-1]["bearer_valid"] is True


def test_wrong_or_missing_verifier_is_refused_and_burns_the_code(http: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    code = get_code(http, challenge=challenge)
    wrong, _ = pkce_pair()
    response = exchange(http, code, wrong)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert exchange(http, code, verifier).json()["error"] == "invalid_grant"  # single presentation
    other = get_code(http, challenge=challenge)
    assert exchange(http, other, None).json()["error"] == "invalid_grant"
    assert exchange(http, get_code(http, challenge=challenge), "too-short").status_code == 400


def test_redirect_uri_must_equal_the_authorize_one(http: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    code = get_code(http, challenge=challenge)
    response = exchange(http, code, verifier, redirect_uri="https://apps.ringcentral.com/x/redirect.html")
    assert response.status_code == 400 and error_code(response) == "OAU-109"


def test_code_reuse_is_invalid_grant_and_revokes_the_first_tokens(http: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    code = get_code(http, challenge=challenge)
    first = exchange(http, code, verifier).json()
    again = exchange(http, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    api = http.get("/restapi/v1.0/account/~", headers={"Authorization": "Bearer " + first["access_token"]})
    assert api.status_code == 401


def test_expired_code_is_refused(tls: tuple[ssl.SSLContext, Path]) -> None:
    with FakePlatform(tls[0], {PUBLIC: FakeClient([LOOPBACK])}, code_ttl=0.0) as fake, httpx.Client(
            base_url=fake.origin, verify=ssl.create_default_context(cafile=str(tls[1]))) as client:
        verifier, challenge = pkce_pair()
        assert exchange(client, get_code(client, challenge=challenge), verifier).json()["error"] == "invalid_grant"


def test_secret_client_needs_basic_auth(http: httpx.Client, platform: FakePlatform) -> None:
    def code() -> str:
        return get_code(http, client_id=SECRET_APP)

    assert exchange(http, code(), None, client_id=SECRET_APP).status_code == 401
    assert exchange(http, code(), None, client_id=None, headers=basic_auth(SECRET_APP, "wrong")).status_code == 401
    with_body_secret = http.post("/restapi/oauth/token", data={
        "grant_type": "authorization_code", "code": code(), "redirect_uri": LOOPBACK, "client_id": SECRET_APP,
        "client_secret": SECRET})
    assert with_body_secret.status_code == 400
    ok = exchange(http, code(), None, client_id=None, headers=basic_auth(SECRET_APP, SECRET))
    assert ok.status_code == 200, ok.text
    assert [r["ok"] for r in platform.token_requests] == [False, False, False, True]


def test_public_client_cannot_use_basic_or_anothers_code(http: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    assert exchange(http, get_code(http, challenge=challenge), verifier, client_id=None,
                    headers=basic_auth(PUBLIC, "")).status_code == 401
    stolen = exchange(http, get_code(http, challenge=challenge), verifier, client_id=DEMO_CLIENT_ID)
    assert stolen.json()["error"] == "invalid_grant"


def test_token_endpoint_takes_only_form_bodies(http: httpx.Client) -> None:
    response = http.post("/restapi/oauth/token", json={"grant_type": "refresh_token", "client_id": PUBLIC})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


# --- token: other grants --------------------------------------------------------------------------------------
def test_jwt_grant_rules(http: httpx.Client) -> None:
    def jwt(client_id: str, assertion: str, headers: dict[str, str] | None) -> httpx.Response:
        form = {"grant_type": JWT_BEARER_GRANT_TYPE, "assertion": assertion}
        if headers is None:
            form["client_id"] = client_id
        return http.post("/restapi/oauth/token", data=form, headers=headers)

    denied = jwt(SECRET_APP, "j.w.t", basic_auth(SECRET_APP, SECRET))
    assert denied.status_code == 400 and denied.json()["error"] == "unauthorized_client"
    assert denied.json()["error_description"] == "Unauthorized for this grant type"
    assert jwt(JWT_APP, "j.w.t", None).status_code == 401
    assert jwt(JWT_APP, "other", basic_auth(JWT_APP, SECRET)).json()["error"] == "invalid_grant"
    assert jwt(JWT_APP, "j.w.t", basic_auth(JWT_APP, SECRET)).status_code == 200


def test_password_and_unknown_grants_are_refused(http: httpx.Client) -> None:
    password = http.post("/restapi/oauth/token", data={"grant_type": "password", "client_id": PUBLIC,
                                                       "username": "u", "password": "p"})
    assert password.json()["error"] == "unauthorized_client" and error_code(password) == "OAU-251"
    other = http.post("/restapi/oauth/token", data={"grant_type": "client_credentials", "client_id": PUBLIC})
    assert other.status_code == 400 and error_code(other) == "OAU-250"


def test_refresh_rotates_the_refresh_token(http: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    first = exchange(http, get_code(http, challenge=challenge), verifier).json()

    def refresh(token: str) -> httpx.Response:
        return http.post("/restapi/oauth/token", data={"grant_type": "refresh_token", "refresh_token": token,
                                                       "client_id": PUBLIC})

    second = refresh(first["refresh_token"])
    assert second.status_code == 200 and second.json()["refresh_token"] != first["refresh_token"]
    assert refresh(first["refresh_token"]).json()["error"] == "invalid_grant"


# --- revoke, API, CORS ----------------------------------------------------------------------------------------
def test_revoke_invalidates_access_and_refresh(http: httpx.Client, platform: FakePlatform) -> None:
    verifier, challenge = pkce_pair()
    token = exchange(http, get_code(http, challenge=challenge), verifier).json()
    assert http.post("/restapi/oauth/revoke", data={"token": token["access_token"],
                                                    "client_id": PUBLIC}).status_code == 200
    bearer = {"Authorization": "Bearer " + token["access_token"]}
    assert http.get("/restapi/v1.0/account/~/extension/~", headers=bearer).status_code == 401
    refreshed = http.post("/restapi/oauth/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": token["refresh_token"], "client_id": PUBLIC})
    assert refreshed.status_code == 400
    assert http.post("/restapi/oauth/revoke", data={"token": "unknown"}).status_code == 200
    assert [r["token_kind"] for r in platform.revocations] == ["access", "unknown"]


def test_api_requires_a_valid_bearer(http: httpx.Client, platform: FakePlatform) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, basic_auth(PUBLIC, "x")):
        response = http.get("/restapi/v1.0/account/~/extension/~/features", headers=headers)
        assert response.status_code == 401 and response.json()["errorCode"] == "AGW-401"
    token = platform.issue_tokens(PUBLIC)
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    features = http.get("/restapi/v1.0/account/~/extension/~/features", headers=bearer).json()
    assert {"ReadExtensionInfo", "ReadCompanyInfo"} <= {f["id"] for f in features["records"] if f["available"]}
    assert http.get("/restapi/v1.0/account/~/extension/~", headers=bearer).json()["extensionNumber"] == "101"
    assert http.get("/restapi/v1.0/account/~/dialing-plan", headers=bearer).json()["paging"]["totalPages"] == 1
    platform.expire_access_tokens()
    assert http.get("/restapi/v1.0/account/~", headers=bearer).status_code == 401
    assert [r["bearer_valid"] for r in platform.api_requests] == [False, False, False, True, True, True, False]


def test_cors_echoes_the_origin_with_credentials(http: httpx.Client, platform: FakePlatform) -> None:
    origin = "https://localhost:1234"
    preflight = http.request("OPTIONS", "/restapi/oauth/token", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,x-user-agent"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == origin
    assert preflight.headers["access-control-allow-credentials"] == "true"
    allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-user-agent", "client-id"} <= allowed
    assert {"GET", "POST", "PUT", "DELETE"} <= {m.strip() for m in
                                                preflight.headers["access-control-allow-methods"].split(",")}
    token = platform.issue_tokens(PUBLIC)
    api = http.get("/restapi/v1.0/account/~", headers={"Origin": origin,
                                                      "Authorization": f"Bearer {token['access_token']}"})
    assert api.headers["access-control-allow-origin"] == origin != "*"
    assert api.headers["access-control-allow-credentials"] == "true"
    assert api.headers["cache-control"] == "no-store"


# --- static pages ----------------------------------------------------------------------------------------------
def test_widget_and_other_origin_pages_are_served(http: httpx.Client, platform: FakePlatform,
                                                  tls: tuple[ssl.SSLContext, Path]) -> None:
    assert platform.widget_url.startswith(platform.origin)
    assert "connect-src 'self'" in http.get("/widget/app.html").text
    assert http.get("/widget/../platform.py").status_code == 404
    assert http.get("/widget/%2e%2e/platform.py").status_code == 404
    context = ssl.create_default_context(cafile=str(tls[1]))
    mic = httpx.get(platform.mic_page_url, verify=context)  # the certificate also covers localhost
    assert mic.status_code == 200 and "getUserMedia" in mic.text
    assert platform.other_origin_url("x").startswith("https://localhost:")


def test_redirect_uris_with_fragments_cannot_be_registered() -> None:
    with pytest.raises(ValueError):
        FakeClient(["https://example.test/cb#frag"])
