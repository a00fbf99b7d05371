"""Decides what to do with a request that reached the loopback redirect path.

Pure: it gets the query and the states of the attempts, and returns a verdict. The widget never checks
``state`` (a forged callback would be exchanged), so this check is the only CSRF protection there is.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Iterable
from urllib.parse import parse_qs, urlencode

from desktop.core.records import record


class Verdict(enum.Enum):
    ACCEPTED = "accepted"  # code + the latest state: hand the callback to the widget
    DENIED = "denied"  # error=... + the latest state: the login ended without a code
    STALE = "stale"  # the state of an older attempt: a newer Sign In replaced it
    MISMATCH = "mismatch"  # a state nobody issued (or none): never forwarded
    MALFORMED = "malformed"  # the latest state, but neither a code nor an error


@record
class CallbackDecision:
    verdict: Verdict
    error: str = ""
    error_description: str = ""
    code: str = ""
    state: str = ""


def widget_callback_uri(redirect_uri: str, decision: CallbackDecision) -> str:
    """The callback handed to the widget, rebuilt from the checked ``code`` and ``state`` only.

    Never the request as received: the widget obeys ``code_verifier``, ``token_uri``, ``discovery_uri`` and
    ``jwt`` keys (and a ``#`` fragment) in a callback, so anyone who learned the state could otherwise swap
    the PKCE verifier or send the code exchange elsewhere.
    """
    return f"{redirect_uri}?{urlencode({'code': decision.code, 'state': decision.state})}"


def _same(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def decide_callback(query: str, latest_state: str | None, older_states: Iterable[str]) -> CallbackDecision:
    """Classify the query string of a callback request.

    Args:
        query: the raw query string (without ``?``).
        latest_state: the state of the login attempt in progress, if any.
        older_states: states of earlier attempts of this run (they make a link "stale", not "forged").
    """
    params = parse_qs(query, keep_blank_values=True)
    states = params.get("state", [])
    state = states[0] if len(states) == 1 else ""
    if not state or latest_state is None or not _same(state, latest_state):
        if state and any(_same(state, old) for old in older_states):
            return CallbackDecision(Verdict.STALE)
        return CallbackDecision(Verdict.MISMATCH)
    errors = params.get("error", [])
    if errors:
        description = params.get("error_description", [""])[0]
        return CallbackDecision(Verdict.DENIED, error=errors[0], error_description=description)
    codes = params.get("code", [])
    if len(codes) != 1 or not codes[0]:
        return CallbackDecision(Verdict.MALFORMED)
    return CallbackDecision(Verdict.ACCEPTED, code=codes[0], state=state)


def describe_error(error: str, description: str) -> str:
    """A sentence a person understands for an OAuth error returned to the redirect URI."""
    known = {
        "access_denied": "Sign-in was cancelled or access was denied in the browser.",
        "invalid_request": "RingCentral rejected the sign-in request.",
        "unauthorized_client": "This app is not allowed to use the authorization code flow; check its "
        "auth settings in the RingCentral developer console.",
        "server_error": "RingCentral reported an internal error; try again.",
        "temporarily_unavailable": "RingCentral is temporarily unavailable; try again in a moment.",
    }
    sentence = known.get(error, f"RingCentral returned the error {error!r}.")
    return f"{sentence} ({description})" if description else sentence
