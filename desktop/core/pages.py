"""The small HTML pages the loopback listener answers with.

Self-contained (no external resources, so nothing leaks the URL through a Referer: RFC 9700 §4.2),
every echoed value escaped, and never the authorization code.
"""

from __future__ import annotations

import html

from desktop import APP_NAME
from desktop.core.callback import CallbackDecision, Verdict, describe_error
from desktop.core.records import record

#: Headers on every listener answer.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Cache-Control", "no-store"),
    ("Pragma", "no-cache"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
)


@record
class Page:
    status: int
    title: str
    body: str  # already-escaped HTML fragment

    def render(self) -> bytes:
        text = (
            "<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{html.escape(self.title)}</title>"
            "<style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}</style>"
            f"</head><body><h1>{html.escape(self.title)}</h1>{self.body}</body></html>"
        )
        return text.encode("utf-8")


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def signed_in() -> Page:
    return Page(200, "Signed in", _p(f"You can close this tab and return to {APP_NAME}."))


def login_failed(message: str) -> Page:
    return Page(200, "Sign-in failed", _p(message) + _p(f"Return to {APP_NAME} to try again."))


def stale_attempt() -> Page:
    return Page(
        400,
        "This sign-in link is out of date",
        _p(f"A newer sign-in was started in {APP_NAME}. Finish that one, or click Sign In again."),
    )


def state_mismatch() -> Page:
    return Page(
        400,
        "Sign-in not accepted",
        _p(f"This response does not belong to a sign-in started by {APP_NAME}, so it was ignored."),
    )


def malformed_callback() -> Page:
    return Page(400, "Sign-in not accepted", _p("The response carried neither a code nor an error."))


def not_found() -> Page:
    return Page(404, "Not found", _p("Nothing here."))


def method_not_allowed() -> Page:
    return Page(405, "Method not allowed", _p("Only GET and HEAD are accepted here."))


def wrong_host(authority: str) -> Page:
    """A request not addressed to the listener's own address (a renamed page: DNS rebinding)."""
    return Page(400, "Bad request", _p(f"This sign-in address only answers requests for {authority}."))


def for_callback(decision: CallbackDecision) -> Page:
    """The page the browser gets for a callback with this verdict."""
    if decision.verdict is Verdict.ACCEPTED:
        return signed_in()
    if decision.verdict is Verdict.DENIED:
        return login_failed(describe_error(decision.error, decision.error_description))
    if decision.verdict is Verdict.STALE:
        return stale_attempt()
    if decision.verdict is Verdict.MALFORMED:
        return malformed_callback()
    return state_mismatch()


def bad_request() -> Page:
    return Page(400, "Bad request", _p("The request could not be read."))
