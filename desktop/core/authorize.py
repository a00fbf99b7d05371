"""Checks an authorize URL before the launcher opens it in the system browser.

A page asking the launcher to open a URL is untrusted input: the widget has no origin checks, so any
script in its window could post ``rc-login-popup-notify``. Only a URL that is exactly the login this
launcher expects (the configured server, client id and loopback redirect, PKCE S256, a state) is opened.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from desktop.core.errors import AuthorizeUrlRejected
from desktop.core.records import record
from desktop.core.urls import is_loopback_host

AUTHORIZE_PATH = "/restapi/oauth/authorize"
#: Hosts RingCentral serves its login pages from, besides the configured app server.
RINGCENTRAL_LOGIN_HOSTS = frozenset({
    "platform.ringcentral.com",
    "platform.devtest.ringcentral.com",
    "login.ringcentral.com",
    "login.devtest.ringcentral.com",
})
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_SINGLE_VALUED = ("client_id", "redirect_uri", "response_type", "code_challenge", "code_challenge_method", "state")


@record
class AuthorizeRequest:
    """An authorize URL that passed every check, and the ``state`` the callback must carry back."""

    url: str
    state: str


def _host_and_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port


def is_login_url(url: str, app_server: str) -> bool:
    """Whether ``url`` points at the authorize endpoint of the app server or a RingCentral login host.

    Used to tell a login popup from other popups; the full checks are in :func:`check_authorize_url`.
    """
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    on_server = (host, port) == _host_and_port(app_server) or (host in RINGCENTRAL_LOGIN_HOSTS and port is None)
    return parts.scheme in ("https", "http") and on_server and parts.path == AUTHORIZE_PATH


def check_authorize_url(url: str, *, app_server: str, client_id: str, redirect_uri: str) -> AuthorizeRequest:
    """Return the checked request, or raise :class:`AuthorizeUrlRejected` naming the first problem."""

    def refuse(why: str) -> AuthorizeUrlRejected:
        return AuthorizeUrlRejected(f"Refused to open the sign-in page: {why}.")

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refuse("the address is not a valid URL") from None
    server_host, server_port = _host_and_port(app_server)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback_host(server_host)
                                        and app_server.startswith("http://")):
        raise refuse(f"it does not use https ({parts.scheme or 'no scheme'})")
    if parts.username or parts.password:
        raise refuse("it contains a user name or password")
    if (host, port) != (server_host, server_port) and not (host in RINGCENTRAL_LOGIN_HOSTS and port is None):
        raise refuse(f"host {host!r} is neither the app server {app_server} nor a RingCentral login host")
    if parts.path != AUTHORIZE_PATH:
        raise refuse(f"path {parts.path!r} is not {AUTHORIZE_PATH}")
    query = parse_qs(parts.query, keep_blank_values=True)
    for key in _SINGLE_VALUED:
        if len(query.get(key, [])) > 1:
            raise refuse(f"parameter {key} appears more than once")
    one = {key: query.get(key, [""])[0] for key in _SINGLE_VALUED}
    if one["client_id"] != client_id:
        raise refuse(f"client_id {one['client_id']!r} is not the configured client id {client_id!r}")
    if one["redirect_uri"] != redirect_uri:
        raise refuse(f"redirect_uri {one['redirect_uri']!r} is not the launcher's {redirect_uri}")
    if one["response_type"] != "code":
        raise refuse(f"response_type is {one['response_type']!r}, expected 'code'")
    if one["code_challenge_method"] != "S256" or not _CHALLENGE.match(one["code_challenge"]):
        raise refuse("it lacks a PKCE code_challenge with method S256")
    if not one["state"]:
        raise refuse("it has no state")
    return AuthorizeRequest(url=url, state=one["state"])
