"""Click-to-dial: calls and texts asked for by links wait until the widget can take them.

The widget drops ``rc-adapter-new-call`` while signed out or before its dialer is ready, silently; so the
requests are queued until ``rc-login-status-notify`` says signed in and ``rc-dialer-status-notify`` says
ready, the window is brought forward, and a signed-out person is told what is waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from desktop.core.dial_links import DialRequest
from desktop.core.widget_status import WidgetStatus

if TYPE_CHECKING:
    from desktop.ui.phone.shell import DialShell

log = logging.getLogger("desktop.dial")


class DialQueue:
    def __init__(self, window: DialShell, status: WidgetStatus) -> None:
        self._window = window
        self._status = status  # read, never written here: the window's events keep it
        self.pending: list[DialRequest] = []

    def add(self, requests: Iterable[DialRequest]) -> None:
        self.pending.extend(requests)
        if self.pending:
            self._window.bring_to_front()
            self._flush()

    def login_status(self, signed_in: bool) -> None:
        if not signed_in and self.pending:
            numbers = ", ".join(r.number for r in self.pending)
            self._window.errors.show_notice(f"Sign in to call or text {numbers}; it is sent once you are in.")
        self._flush()

    def dialer_status(self) -> None:
        self._flush()

    def _flush(self) -> None:
        if not self._status.takes_calls:
            return
        waiting, self.pending = self.pending, []
        for request in waiting:
            log.info("sending a %s request to the widget", request.kind)
            self._window.phone.send(request.command())
