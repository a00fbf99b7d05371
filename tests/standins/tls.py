"""A throw-away CA and a server certificate for 127.0.0.1 and localhost (trustme), so the stand-in
platform speaks real https, as the widget requires of ``appServer``."""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme


def make_tls(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """Return a server SSL context and the path of the CA certificate (PEM) that signed it."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return context, ca_file
