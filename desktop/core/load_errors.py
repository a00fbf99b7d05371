"""Why the widget page did not load, in plain words, and when to try again by itself.

Chromium reports a network error code (``net::ERR_*``, negative numbers), an HTTP status or a certificate
error. People get a sentence about their situation (offline, the name cannot be found, the proxy, the
certificate); the technical name follows in brackets for IT.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop.core.errors import WidgetLoadFailed
from desktop.core.records import record

#: Chromium net error codes (net/base/net_error_list.h) and what they mean to a person.
_PLAIN_WORDS: dict[int, str] = {
    -106: "This computer is offline.",
    -105: "The address {host} could not be found. The computer may be offline, or its DNS cannot resolve it.",
    -137: "The address {host} could not be found (the DNS server did not answer).",
    -102: "{host} refused the connection.",
    -109: "{host} cannot be reached from this network.",
    -118: "{host} did not answer in time.",
    -7: "{host} did not answer in time.",
    -101: "The connection to {host} was reset.",
    -100: "The connection to {host} was closed before the page arrived.",
    -21: "The network changed while the page was loading.",
    -130: "The proxy server cannot be reached. Check the proxy settings.",
    -111: "The proxy server refused to connect to {host}.",
    -127: "The proxy server asks for a sign-in this app cannot give.",
    -107: "A secure connection to {host} could not be made.",
    -113: "A secure connection to {host} could not be made (no common protocol or cipher).",
    -20: "The page was blocked (by IT policy or a filter).",
    -310: "{host} sends the page round in a loop of redirects.",
    -312: "The port in the address of {host} is one that browsers refuse for safety.",
    -324: "{host} closed the connection without sending the page.",
}
#: Errors that waiting cannot fix: retrying by itself would only hide them (Retry stays offered).
_NO_AUTOMATIC_RETRY = frozenset({-20, -127, -312})
#: Seconds between automatic attempts: quick at first (a blip), then about once a minute.
RETRY_DELAYS = (2.0, 5.0, 10.0, 30.0, 60.0)


@record
class LoadFailure:
    error: WidgetLoadFailed
    retry_by_itself: bool


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def describe_load_failure(url: str, domain: str, code: int, reason: str) -> LoadFailure:
    """``domain`` is Qt's error domain name (``ConnectionErrorDomain``, ``CertificateErrorDomain``, ...)."""
    where = url.split("?", 1)[0].split("#", 1)[0]  # the query carries the client id (or a secret)
    host = _host(where)
    technical = reason or f"{domain} {code}"
    if domain == "CertificateErrorDomain" or -299 <= code <= -200:
        text = (f"The certificate of {host} is not trusted, so the connection was refused to protect your "
                f"account ({technical}). Check the computer's date and time, and ask IT about the network "
                "(a proxy that inspects traffic needs its CA installed).")
        return LoadFailure(WidgetLoadFailed(text, help_hint=f"Address: {where}"), retry_by_itself=False)
    if domain == "HttpErrorDomain" and code > 0:  # an HTTP status; Qt files net errors -300..-399 here too
        text = f"{host} answered with an error (HTTP {code}) instead of the phone."
        return LoadFailure(WidgetLoadFailed(text, help_hint=f"Address: {where}"), retry_by_itself=code >= 500)
    sentence = _PLAIN_WORDS.get(code, "The phone could not be loaded from {host}.").format(host=host)
    text = f"{sentence} ({technical})"
    retry = code not in _NO_AUTOMATIC_RETRY
    hint = f"Address: {where}." + (" The app tries again by itself when the network is back." if retry else "")
    return LoadFailure(WidgetLoadFailed(text, help_hint=hint), retry_by_itself=retry)


def retry_delay(attempt: int) -> float:
    """Seconds before automatic attempt number ``attempt`` (0 based)."""
    return RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
