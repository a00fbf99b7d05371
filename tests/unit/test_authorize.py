"""The authorize URL check: only the exact login this launcher expects is opened."""

from urllib.parse import urlencode

import pytest

from desktop.core.authorize import check_authorize_url, is_login_url
from desktop.core.errors import AuthorizeUrlRejected

SERVER = "https://platform.devtest.ringcentral.com"
CLIENT = "client-1"
REDIRECT = "http://127.0.0.1:47612/oauth/callback"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def url(base: str = SERVER + "/restapi/oauth/authorize", **overrides: str | None) -> str:
    query = {
        "response_type": "code", "redirect_uri": REDIRECT, "client_id": CLIENT, "state": "MTY5-undefined-abc%3D",
        "brand_id": "", "display": "page", "code_challenge": CHALLENGE, "code_challenge_method": "S256",
    }
    query.update(overrides)
    return base + "?" + urlencode({k: v for k, v in query.items() if v is not None})


def check(u: str, server: str = SERVER) -> str:
    return check_authorize_url(u, app_server=server, client_id=CLIENT, redirect_uri=REDIRECT).state


def test_the_widget_url_passes_and_yields_its_state() -> None:
    assert check(url()) == "MTY5-undefined-abc%3D"


def test_ringcentral_login_host_is_accepted() -> None:
    assert check(url("https://login.ringcentral.com/restapi/oauth/authorize"))


@pytest.mark.parametrize(("bad", "why"), [
    (url("http://platform.devtest.ringcentral.com/restapi/oauth/authorize"), "does not use https"),
    (url("https://evil.example.com/restapi/oauth/authorize"), "neither the app server"),
    (url("https://platform.devtest.ringcentral.com.evil.com/restapi/oauth/authorize"), "neither the app server"),
    (url("https://platform.devtest.ringcentral.com:8443/restapi/oauth/authorize"), "neither the app server"),
    (url("https://user@platform.devtest.ringcentral.com/restapi/oauth/authorize"), "user name"),
    (url(SERVER + "/restapi/oauth/authorize/"), "is not /restapi/oauth/authorize"),
    (url(SERVER + "/oauth/authorize"), "path"),
    (url(client_id="other"), "client_id 'other'"),
    (url(client_id=None), "client_id ''"),
    (url(redirect_uri="http://127.0.0.1:1/oauth/callback"), "redirect_uri"),
    (url(redirect_uri="https://apps.ringcentral.com/redirect.html"), "redirect_uri"),
    (url(response_type="token"), "response_type"),
    (url(code_challenge=None), "S256"),
    (url(code_challenge_method="plain"), "S256"),
    (url(code_challenge="short"), "S256"),
    (url(state=""), "no state"),
    (url(state=None), "no state"),
    (url() + "&state=second", "state appears more than once"),
    (url() + "&client_id=" + CLIENT, "client_id appears more than once"),
    ("javascript:alert(1)", "does not use https"),
    ("file:///etc/passwd", "does not use https"),
    ("https://[broken/restapi", "not a valid URL"),
])
def test_anything_else_is_refused_with_a_reason(bad: str, why: str) -> None:
    with pytest.raises(AuthorizeUrlRejected, match="Refused to open the sign-in page") as info:
        check(bad)
    assert why in str(info.value)


def test_http_only_for_a_loopback_app_server() -> None:
    local = "http://127.0.0.1:8080"
    assert check(url(local + "/restapi/oauth/authorize"), server=local)
    with pytest.raises(AuthorizeUrlRejected):
        check(url("http://127.0.0.1:8080/restapi/oauth/authorize"), server="https://127.0.0.1:8080")


def test_is_login_url() -> None:
    assert is_login_url(url(), SERVER)
    assert is_login_url("https://login.ringcentral.com/restapi/oauth/authorize?x", SERVER)
    assert not is_login_url("https://example.com/restapi/oauth/authorize", SERVER)
    assert not is_login_url("https://platform.devtest.ringcentral.com/help", SERVER)
