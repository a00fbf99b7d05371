"""The system-browser sign-in: check the widget's authorize URL, open it, wait for the redirect, hand
the callback to the widget.

The widget keeps the PKCE verifier in memory, so the launcher never builds its own authorize URL: it
opens the one the widget made and only checks it. The ``state`` of the *latest* attempt is the only one
accepted, and the listener is open only while an attempt is pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Protocol

from desktop.core import pages
from desktop.core.authorize import AuthorizeRequest, check_authorize_url
from desktop.core.callback import Verdict, decide_callback, describe_error, widget_callback_uri
from desktop.core.errors import LauncherError, LoginError, LoginTimedOut
from desktop.services.loopback import LoopbackListener

log = logging.getLogger("desktop.auth")

LOGIN_TIMEOUT_SECONDS = 300.0
#: How many superseded attempts are remembered, to tell "stale" from "forged".
OLD_STATES_KEPT = 16


class LoginObserver(Protocol):
    """What the flow tells the UI."""

    def deliver_callback(self, callback_uri: str) -> None:
        """Post the callback into the widget (and bring the window to the front)."""

    def login_failed(self, error: LauncherError) -> None:
        """Show the error to the person."""

    def attempt_changed(self, authorize_url: str | None) -> None:
        """An attempt is pending with this URL (a newer one replaces it), or none is (``None``)."""


class LoginFlow:
    """One per window. ``begin`` for each Sign In; the listener closes once no attempt is pending."""

    def __init__(
        self,
        *,
        app_server: str,
        client_id: str,
        redirect_uri: str,
        port: int,
        open_browser: Callable[[str], None],
        observer: LoginObserver,
        timeout: float = LOGIN_TIMEOUT_SECONDS,
    ) -> None:
        self._app_server = app_server
        self._client_id = client_id
        self._redirect_uri = redirect_uri
        self._open_browser = open_browser
        self._observer = observer
        self._timeout = timeout
        self._listener = LoopbackListener(port, self._on_callback)
        self._latest: AuthorizeRequest | None = None
        self._old_states: deque[str] = deque(maxlen=OLD_STATES_KEPT)
        self._timer: asyncio.TimerHandle | None = None
        self._closing: asyncio.Task[None] | None = None
        # Serialises begin() and aclose(): two Sign In clicks in a row must not both bind the port, and a
        # begin() that is still starting must not reopen the listener after the app closed it.
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def pending(self) -> bool:
        """True between a Sign In and the end of that attempt (callback, error, timeout, cancel)."""
        return self._latest is not None

    @property
    def listener(self) -> LoopbackListener:
        return self._listener

    async def begin(self, authorize_url: str) -> None:
        """Start (or restart) a login with the URL the widget produced; errors go to the observer."""
        async with self._lock:
            if not self._closed:
                await self._begin(authorize_url)

    async def _begin(self, authorize_url: str) -> None:
        try:
            request = check_authorize_url(
                authorize_url,
                app_server=self._app_server,
                client_id=self._client_id,
                redirect_uri=self._redirect_uri,
            )
            if self._closing is not None:
                await self._closing
            await self._listener.start()
            self._open_browser(request.url)
        except LauncherError as exc:
            log.warning("sign-in not started: %s", exc)
            if self._latest is None:
                await self._listener.close()
            self._observer.login_failed(exc)
            return
        if self._latest is not None:
            self._old_states.append(self._latest.state)
            log.info("a newer sign-in replaces the pending one")
        self._latest = request
        self._restart_timer()
        self._observer.attempt_changed(request.url)
        log.info("sign-in opened in the browser; waiting for the redirect")

    async def cancel(self) -> None:
        """End the pending attempt, if any, and close the listener."""
        self._end_attempt()
        await self._listener.close()

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self._timeout, self._on_timeout)

    def _on_timeout(self) -> None:
        minutes = self._timeout / 60
        log.warning("sign-in timed out after %.0f s", self._timeout)
        self._finish()
        self._observer.login_failed(LoginTimedOut(
            f"Nobody came back from the browser within {minutes:g} minutes, so sign-in was stopped.",
            help_hint="Click Sign In to try again.",
        ))

    def _end_attempt(self, *, tell: bool = True) -> None:
        if self._latest is not None:
            self._old_states.append(self._latest.state)
            if tell:
                self._observer.attempt_changed(None)
        self._latest = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _finish(self) -> None:
        """End the attempt and close the listener after the current answer has been written."""
        self._end_attempt()
        if self._closing is None or self._closing.done():
            self._closing = asyncio.get_running_loop().create_task(self._close_soon())

    async def _close_soon(self) -> None:
        await asyncio.sleep(0.05)  # let the connection that triggered this send its page
        if self._latest is None:
            await self._listener.close()
        self._closing = None

    def _on_callback(self, query: str, *, dry_run: bool) -> pages.Page:
        latest = self._latest.state if self._latest else None
        decision = decide_callback(query, latest, self._old_states)
        if dry_run:  # HEAD: the page GET would get, and nothing delivered or ended
            return pages.for_callback(decision)
        log.info("callback received: %s", decision.verdict.value)
        if decision.verdict is Verdict.ACCEPTED:
            self._finish()
            # The redirect URI the widget sent (it exchanges the code with it, and the platform requires it
            # to match), with only the checked code and state: nothing else from the request reaches the widget.
            self._observer.deliver_callback(widget_callback_uri(self._redirect_uri, decision))
        elif decision.verdict is Verdict.DENIED:
            self._finish()
            message = describe_error(decision.error, decision.error_description)
            self._observer.login_failed(LoginError(message, help_hint="Click Sign In to try again."))
        return pages.for_callback(decision)

    async def aclose(self) -> None:
        """Shut down for good (app quit, environment switch)."""
        async with self._lock:
            self._closed = True
        self._end_attempt(tell=False)  # the window is going away: nothing left to update
        if self._closing is not None:
            with contextlib.suppress(Exception):
                await self._closing
        await self._listener.close()
