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

if TYPE_CHECKING:
    from desktop.ui.window import MainWindow

log = logging.getLogger("desktop.dial")


class DialQueue:
    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.pending: list[DialRequest] = []
        self.signed_in = False
        self.dialer_ready = False

    def add(self, requests: Iterable[DialRequest]) -> None:
        self.pending.extend(requests)
        if self.pending:
            self._window.bring_to_front()
            self._flush()

    def login_status(self, signed_in: bool) -> None:
        self.signed_in = signed_in
        if not signed_in:
            self.dialer_ready = False
            if self.pending:
                numbers = ", ".join(r.number for r in self.pending)
                self._window.errors.show_notice(f"Sign in to call or text {numbers}; it is sent once you are in.")
        self._flush()

    def page_replaced(self) -> None:
        """A reload or a crash: the new page has said nothing yet, so nothing is sent until it has."""
        self.signed_in = False
        self.dialer_ready = False

    def dialer_status(self, ready: bool) -> None:
        self.dialer_ready = ready
        self._flush()

    def _flush(self) -> None:
        if not (self.signed_in and self.dialer_ready):
            return
        waiting, self.pending = self.pending, []
        for request in waiting:
            log.info("sending a %s request to the widget", request.kind)
            self._window.bridge.post(request.command())
