"""Whether calls can reach the agent: one phone-health state, fed by what the widget and the system say (issue 27).

The widget's web phone reports its SIP connection (``rc-webphone-connection-status-notify``), the widget its
sign-in (``rc-login-status-notify``), the window whether the page is there at all (the offline screen, a renderer
that ended), and the system sleep, resume and network changes. This module folds them into the one thing an agent
asks: can a call reach me now, and if not, since when and why (in words). Pure: the caller passes the time
(``time.monotonic()``), so every rule is tested without waiting.

States:
- **ready**: signed in and the web phone connected: calls can reach the person;
- **connecting**: signing in or the web phone connecting for the first time since the page loaded;
- **unreachable** ("can't receive calls"): the connection dropped, failed or was given up, the page is gone, or the
  computer slept; ``since`` is when calls stopped reaching the person;
- **signed out**: the widget says so;
- **elsewhere** ("another window has the phone"): the web phone is ``inactive`` here because another tab or window of
  the same account holds the connection.

The widget's own statuses, as the real 2.3.1 posts them: ``connecting`` → ``connected`` on load; on a closed
connection ``connectError`` then ``reconnecting`` (SIP.js retries with growing gaps) → ``connected``, or after 15
failures nothing more; ``connectFailed`` when it cannot connect at all; ``disconnected`` before connecting and
when it gives up; ``inactive`` in a tab that is not the active web phone.
"""

from __future__ import annotations

from collections import deque
from enum import Enum

from desktop.core.records import record

#: What the widget posts, without its ``connectionStatus-`` prefix.
CONNECTION_PREFIX = "connectionStatus-"
#: How many changes of state are kept for ``diagnose`` and the support bundle.
HISTORY = 50


class Health(Enum):
    READY = "ready"
    CONNECTING = "connecting"
    UNREACHABLE = "unreachable"
    SIGNED_OUT = "signed out"
    ELSEWHERE = "elsewhere"

    @property
    def words(self) -> str:
        """The state as the tray, the window and ``status`` say it."""
        return _WORDS[self]


_WORDS = {Health.READY: "ready: calls can reach you", Health.CONNECTING: "connecting",
          Health.UNREACHABLE: "can't receive calls", Health.SIGNED_OUT: "signed out",
          Health.ELSEWHERE: "another window has the phone"}

#: Why calls cannot reach the person, for each web-phone status that means they cannot.
_DROPPED = {
    "connectError": "the connection to the phone system was lost",
    "reconnecting": "the connection to the phone system was lost; the phone is reconnecting",
    "connectFailed": "the phone could not connect to the phone system",
    "disconnected": "the phone is not connected to the phone system",
}


@record
class Change:
    """One change of state: when (monotonic seconds), to what, and why in words."""

    at: float
    health: Health
    reason: str


class PhoneHealth:
    """The phone's health from the events so far; :attr:`health`, :attr:`since` and :attr:`reason` describe now."""

    def __init__(self, now: float) -> None:
        self._signed_in: bool | None = None
        self._connection: str | None = None  # the web phone's last status, once the page has said one
        self._page_gone: str | None = None  # why the page is not there (offline screen, renderer ended)
        self._asleep = False
        self._was_connected = False  # since the page loaded: a later drop is "unreachable", not "connecting"
        self.history: deque[Change] = deque(maxlen=HISTORY)
        self._record(now, Health.CONNECTING, "the phone is starting")

    # --- what happened ----------------------------------------------------------------------------------------
    def page_loading(self, now: float) -> None:
        """A new document for the widget: what the old one said about sign-in and the connection is gone."""
        self._signed_in, self._connection, self._page_gone, self._was_connected = None, None, None, False
        self._update(now, "the phone is loading")

    def page_gone(self, now: float, why: str) -> None:
        """The page is not there (the offline screen, a renderer that ended): nothing can ring."""
        self._page_gone = why
        self._update(now, why)

    def login(self, now: float, signed_in: bool) -> None:
        self._signed_in = signed_in
        self._update(now, "signed in" if signed_in else "signed out")

    def connection(self, now: float, status: str) -> None:
        """``status``: the widget's ``connectionStatus`` (with or without its ``connectionStatus-`` prefix)."""
        status = status.removeprefix(CONNECTION_PREFIX)
        self._connection = status
        if status == "connected":
            self._was_connected = True
        self._update(now, _DROPPED.get(status, f"the phone's connection is {status}"))

    def slept(self, now: float) -> None:
        self._asleep = True
        self._update(now, "the computer went to sleep")

    def resumed(self, now: float) -> None:
        """Woken up: the connection Chromium closed for the sleep is being made again (or must be)."""
        self._asleep = False
        if self._connection == "connected":  # it was closed for the sleep; the widget reconnects by itself
            self._connection = "reconnecting"
        self._update(now, "the computer woke up; the phone is reconnecting")

    # --- what it means ----------------------------------------------------------------------------------------
    @property
    def health(self) -> Health:
        return self.history[-1].health

    @property
    def since(self) -> float:
        return self.history[-1].at

    @property
    def reason(self) -> str:
        return self.history[-1].reason

    @property
    def calls_reach_the_person(self) -> bool:
        return self.health is Health.READY

    def _now_is(self) -> Health:
        if self._page_gone is not None or self._asleep:
            return Health.UNREACHABLE
        if self._signed_in is False:
            return Health.SIGNED_OUT
        if self._connection == "inactive":
            return Health.ELSEWHERE
        if self._signed_in and self._connection == "connected":
            return Health.READY
        # Once connected on this page, any other status means calls stopped reaching the person (whatever the
        # widget calls its retries); before that, only a failure is more than connecting.
        if (self._was_connected and self._connection != "connected") or self._connection in ("connectFailed",
                                                                                              "connectError"):
            return Health.UNREACHABLE
        return Health.CONNECTING

    def _update(self, now: float, reason: str) -> None:
        health = self._now_is()
        if health is not self.health:  # the same state keeps the time it began, and its first reason
            self._record(now, health, reason)

    def _record(self, now: float, health: Health, reason: str) -> None:
        self.history.append(Change(now, health, "calls can reach you" if health is Health.READY else reason))

    def unreachable_for(self, now: float) -> float:
        """How long calls have not reached the person (0 while they can, or while only starting)."""
        return now - self.since if self.health is Health.UNREACHABLE else 0.0
