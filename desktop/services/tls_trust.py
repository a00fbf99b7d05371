"""How the app's own HTTPS (the JWT check, diagnose) reaches servers: the web profile's CAs and proxy decision.

The system's store (as Chromium uses it), certifi's, and the extra CA file IT may name in
``EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS`` for servers behind a private or TLS-inspecting proxy CA. One definition,
so a diagnose report never calls a certificate untrusted that the phone itself accepts, or the other way round.

The context is always handed to httpx, and the proxy too (:mod:`desktop.services.proxy_decision`), with
``trust_env=False``. That also stops httpx's own reading of SSL_CERT_FILE and SSL_CERT_DIR, which it does only
for ``verify=True``, never for a context: those variables still count, read by OpenSSL itself when
:func:`ssl.create_default_context` loads the default locations, as they did before. (httpx reads no .netrc
unless asked, and the JWT check sends its own credentials.)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.proxy import SYSTEM

if TYPE_CHECKING:
    import ssl

    import httpx

EXTRA_CA_ENV = "EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS"


def extra_ca_file(environ: Mapping[str, str]) -> Path | None:
    """The PEM file of extra CAs the web profile trusts, if IT set one."""
    value = environ.get(EXTRA_CA_ENV)
    return Path(value) if value else None


def app_http_client(extra: Path | None, proxy: str = SYSTEM, *, timeout: float = 15.0) -> httpx.AsyncClient:
    """The client for the app's own requests (the JWT pre-check): the web profile's trust, and the proxy decided
    from the ``proxy`` setting and the environment, so it reaches the platform the way the phone does.

    Raises:
        ProxySettingsError: the proxy variables, or a proxy they name, cannot be used (the message says which).
    """
    # Here, not at the top: start-up reads this module for extra_ca_file, and these import httpx.
    from desktop.services.proxy_decision import app_proxy_decision
    from desktop.services.proxy_routing import routed_client

    return routed_client(app_proxy_decision(proxy), trust_context(extra), timeout=timeout)


def trust_context(extra: Path | None) -> ssl.SSLContext:
    """A verifying client context over the system's CAs, certifi's and ``extra``'s."""
    import ssl  # here: start-up reads extra_ca_file, and ssl costs memory the phone may never need

    import certifi

    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    if extra is not None:
        context.load_verify_locations(cafile=str(extra))
    return context
