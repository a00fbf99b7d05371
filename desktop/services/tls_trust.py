"""How the app's own HTTPS (the JWT check, diagnose) reaches servers: the web profile's CAs and proxy setting.

The system's store (as Chromium uses it), certifi's, and the extra CA file IT may name in
``EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS`` for servers behind a private or TLS-inspecting proxy CA. One definition,
so a diagnose report never calls a certificate untrusted that the phone itself accepts, or the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.proxy import SYSTEM, httpx_proxy_options

if TYPE_CHECKING:
    import ssl

    import httpx

EXTRA_CA_ENV = "EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS"


def extra_ca_file(environ: Mapping[str, str]) -> Path | None:
    """The PEM file of extra CAs the web profile trusts, if IT set one."""
    value = environ.get(EXTRA_CA_ENV)
    return Path(value) if value else None


def app_http_client(extra: Path | None, proxy: str = SYSTEM, *, timeout: float = 15.0) -> httpx.AsyncClient:
    """The client for the app's own requests (the JWT pre-check): the web profile's trust and the ``proxy``
    setting, so it reaches the platform the way the phone does."""
    import httpx  # here, not at the top: start-up reads this module for extra_ca_file and must stay light

    return httpx.AsyncClient(verify=trust_context(extra), timeout=timeout, **httpx_proxy_options(proxy))


def trust_context(extra: Path | None) -> ssl.SSLContext:
    """A verifying client context over the system's CAs, certifi's and ``extra``'s."""
    import ssl  # here: start-up reads extra_ca_file, and ssl costs memory the phone may never need

    import certifi

    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    if extra is not None:
        context.load_verify_locations(cafile=str(extra))
    return context
