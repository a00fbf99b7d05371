"""A throw-away certificate authority and a server certificate for ``127.0.0.1`` and ``localhost``.

The widget only accepts an ``https://`` ``appServer``, so the fake platform must speak real TLS. Clients
(httpx, or Chromium via its own trust flags) trust the CA written by :func:`make_server_tls`.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme

#: Host names the server certificate is valid for: two names give two origins on one server.
CERT_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost")


def make_server_tls(directory: Path, hosts: tuple[str, ...] = CERT_HOSTS) -> tuple[ssl.SSLContext, Path]:
    """Create a CA and a server certificate for ``hosts``; return (server SSL context, path of the CA PEM)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    server_cert = ca.issue_cert(*hosts)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    # TLS 1.2+ only, like any real RingCentral endpoint.
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    server_cert.configure_cert(context)
    ca_path = directory / "fake-platform-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    return context, ca_path
