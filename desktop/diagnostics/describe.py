"""Plain words for what the network steps saw: an error, a server certificate, a server's clock.

A helpdesk reads these lines, so they name the cause ("certificate has expired", "connection refused",
"your clock is 600 s behind the server's") rather than the exception class that carried it.
"""

from __future__ import annotations

import errno
import socket
import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from desktop.core.errors import exception_chain
from desktop.core.findings import Status

#: A server certificate that ends within this many days is worth a warning.
EXPIRY_WARNING_DAYS = 14
#: Sign-in (OAuth state, JWT "iat"/"exp") tolerates about a minute of clock difference.
CLOCK_TOLERANCE_S = 60

_ERRNO_WORDS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by the other side",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "no answer (the system gave up connecting)",
}


def describe_dns_error(exc: OSError) -> str:
    """getaddrinfo's codes are negative and platform-specific; only the common ones get plain words."""
    if isinstance(exc, socket.gaierror):
        if exc.errno == socket.EAI_NONAME or exc.errno == getattr(socket, "EAI_NODATA", None):
            return "name not found"
        if exc.errno == socket.EAI_AGAIN:
            return "temporary failure: no DNS server answered"
    return exc.strerror or str(exc) or type(exc).__name__


def describe_failure(exc: BaseException, timeout: float) -> str:
    """The most specific words for a failed connection, handshake or request."""
    items = exception_chain(exc)
    # First: a handshake that stalls surfaces as an SSLError ("did not complete"), but it is a timeout.
    if any(isinstance(item, TimeoutError | httpx.TimeoutException) for item in items):
        return f"no answer within {timeout:g} s"
    for item in items:
        if isinstance(item, ssl.SSLCertVerificationError):
            return f"certificate rejected: {item.verify_message or item.reason or item}"
    for item in items:
        if isinstance(item, httpx.ProxyError):
            return f"the proxy refused the tunnel: {item}"
        if isinstance(item, ssl.SSLError):
            # WRONG_VERSION_NUMBER: something that is not TLS answered (a plain-http port, a captive portal).
            return f"TLS handshake failed: {item.reason or item}"
    for item in items:
        if isinstance(item, socket.gaierror):
            return describe_dns_error(item)
        if isinstance(item, OSError) and item.errno in _ERRNO_WORDS:
            return _ERRNO_WORDS[item.errno]
    for item in items:
        if isinstance(item, OSError) and item.strerror:
            return item.strerror
    return str(exc) or type(exc).__name__


def _names(rdns: object) -> dict[str, str]:
    """{"commonName": ..., "organizationName": ...} from getpeercert()'s nested tuples."""
    names: dict[str, str] = {}
    for rdn in rdns if isinstance(rdns, tuple) else ():
        for pair in rdn:
            if len(pair) == 2:
                names.setdefault(str(pair[0]), str(pair[1]))
    return names


def describe_certificate(ssl_object: ssl.SSLObject | None, now: datetime) -> tuple[Status, str]:
    """Protocol, who issued the certificate to whom, and when it ends; a warning when that is soon."""
    if ssl_object is None:
        return Status.INFO, "no TLS details available"
    version = ssl_object.version() or "TLS"
    cert = ssl_object.getpeercert()
    if not cert:
        # The stdlib only decodes a certificate it verified.
        return Status.INFO, f"{version}; certificate not checked (verification is off)"
    issuer = _names(cert.get("issuer"))
    issued_by = " / ".join(dict.fromkeys(
        issuer[key] for key in ("commonName", "organizationName") if key in issuer)) or "an unnamed issuer"
    alt_names = cert.get("subjectAltName", ())
    first_alt = next((str(pair[1]) for pair in alt_names if isinstance(pair, tuple) and pair[0] == "DNS"), None)
    subject = _names(cert.get("subject")).get("commonName") or first_alt or "an unnamed subject"
    text = f"{version}, certificate for {subject} issued by {issued_by}"
    not_after = cert.get("notAfter")
    if not isinstance(not_after, str):
        return Status.OK, text
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
    days = (expires - now).days
    text += f", valid until {expires:%Y-%m-%d} ({days} days left)"
    if days < EXPIRY_WARNING_DAYS:
        return Status.WARNING, f"{text}; it expires within {EXPIRY_WARNING_DAYS} days"
    return Status.OK, text


def describe_clock(date_header: str | None, local: datetime) -> tuple[Status, str]:
    """Compare the server's Date header with the local UTC time the response arrived at."""
    if not date_header:
        return Status.INFO, "the server sent no Date header; clock not compared"
    try:
        server = parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return Status.INFO, f"unreadable Date header {date_header[:40]!r}; clock not compared"
    if server.tzinfo is None:
        server = server.replace(tzinfo=UTC)
    # Date has whole seconds: the server's clock read somewhere in [Date, Date + 1 s), so take the middle.
    ahead = (server - local).total_seconds() + 0.5
    seconds = round(abs(ahead))
    if seconds <= CLOCK_TOLERANCE_S:
        return Status.OK, f"within {seconds} s of the server's clock"
    direction = "behind" if ahead > 0 else "ahead of"
    return Status.WARNING, (f"your clock is {seconds} s {direction} the server's; sign-in and JWT fail with a "
                            "skewed clock (set the system clock to synchronise automatically)")
