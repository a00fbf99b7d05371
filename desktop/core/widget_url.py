"""Builds the widget URL with the query parameters the launcher passes to Embeddable.

The widget reads most flags as ``!!value``, so ``disableLoginPopup=0`` would turn the flag *on*; this
module therefore only ever adds a flag with the value ``1`` and never adds a false-looking value.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from desktop.core.options import LaunchOptions

#: Values the widget may read as "on" although a person would read them as "off".
FALSE_LOOKING = frozenset({"", "0", "false", "False", "no", "off", "null", "undefined"})


def widget_params(options: LaunchOptions, version: str, *, client_secret: str | None = None,
                  jwt: str | None = None) -> dict[str, str]:
    """The parameters the launcher owns, in the order they are sent.

    ``client_secret`` (and ``jwt``) only in the secret modes: the widget honours a secret only next to a
    client id, and auto-signs-in with a JWT on every load while it is in the URL.
    """
    params: dict[str, str] = {}
    if options.client_id is not None:
        params["clientId"] = options.client_id
        if client_secret is not None and options.auth_mode != "pkce":
            params["clientSecret"] = client_secret
            if jwt is not None and options.auth_mode == "jwt":
                params["jwt"] = jwt
    params["appServer"] = options.app_server
    if options.uses_loopback_login:
        # The widget puts this in the authorize URL and the token request, so it must be exactly the
        # URI the listener serves and the one registered for the client id.
        params["redirectUri"] = options.redirect_uri
        params["disableLoginPopup"] = "1"
    params["userAgent"] = f"EmbeddableDesktop/{version}"
    params["appVersion"] = version
    for key, value in params.items():
        if value in FALSE_LOOKING:
            raise ValueError(f"widget parameter {key} would be sent with the false-looking value {value!r}")
    return params


def build_widget_url(options: LaunchOptions, version: str, *, client_secret: str | None = None,
                     jwt: str | None = None) -> str:
    """The widget URL: the configured one, its own extra parameters kept, the launcher's replacing any
    parameter of the same name (or its deprecated alias). Secret and credential parameters are only ever
    the launcher's own."""
    ours = widget_params(options, version, client_secret=client_secret, jwt=jwt)
    owned = set(ours) | {"appKey", "appSecret", "clientSecret", "jwt", "authorizationCode",
                         "authorizationCodeVerifier", "redirectUri", "disableLoginPopup"}
    parts = urlsplit(options.widget_url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in owned]
    query = urlencode(kept + list(ours.items()))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
