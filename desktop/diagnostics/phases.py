"""Which phase of an httpx request is running, each under its own time limit: httpcore's ``trace`` extension.

httpx has one timeout per kind of wait, not per step, and an ``asyncio.timeout`` around the whole request could
not say where it hung. The tracer sees every phase start (connect, the proxy's CONNECT, the TLS handshake, the
request, the response), moves the deadline to "now + limit" each time (never past the overall budget), and
keeps what the report needs: the phase in words, when the TLS step started and ended, and its TLS session.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Mapping
from typing import Any

#: What httpcore was doing, by trace stage, for "no answer within 4 s (TLS handshake)".
_PHASES = {
    "connect_tcp": "connecting",
    "start_tls": "TLS handshake",
    "send_request_headers": "sending the request",
    "send_request_body": "sending the request",
    "receive_response_headers": "waiting for the response",
    "receive_response_body": "reading a redirect",
}
#: httpx's own per-operation timeouts (the same limit) should fire first: they close the socket, while a
#: cancellation in the middle of httpcore's handshake leaves it to the garbage collector. This deadline, a little
#: later, catches what httpx does not time: a server that drips a byte just within each read's limit.
BACKSTOP_S = 0.25
#: Stages that run while a failure unwinds: they must not replace the phase that failed.
_CLEANUP = frozenset({"response_closed", "close"})


class Tracer:
    """httpcore's trace callback: gives each phase (connect, CONNECT, handshake, request, response) its own time
    limit within the overall budget, and remembers the phase, the TLS step's times and the first TLS session."""

    def __init__(self, *, https: bool, timeout: float, budget_end: float) -> None:
        self.https, self.timeout, self.budget_end = https, timeout, budget_end
        self.deadline: asyncio.Timeout | None = None
        self.phase = "connecting"
        self.tls_done = False
        self.ssl_object: ssl.SSLObject | None = None
        self.started: dict[str, float] = {}
        self.tls_ended = 0.0

    @property
    def step(self) -> str:
        return "tls" if self.https and not self.tls_done else "http"

    async def __call__(self, event: str, info: Mapping[str, Any]) -> None:
        stage, _, outcome = event.rpartition(".")
        name = stage.rpartition(".")[2]
        if outcome == "started" and name not in _CLEANUP:
            request = info.get("request")
            tunnel = getattr(request, "method", b"") == b"CONNECT"
            self.phase = "opening the tunnel through the proxy" if tunnel else _PHASES.get(name, name.replace("_", " "))
            if name != "connect_tcp":  # the tcp step already timed a connect
                self.started.setdefault(self.step, time.perf_counter())
            if self.deadline is not None and not self.deadline.expired():
                loop = asyncio.get_running_loop()
                self.deadline.reschedule(min(loop.time() + self.timeout + BACKSTOP_S, self.budget_end))
        elif outcome == "complete" and name == "start_tls" and not self.tls_done:
            stream = info.get("return_value")
            self.ssl_object = None if stream is None else stream.get_extra_info("ssl_object")
            self.tls_done, self.tls_ended = True, time.perf_counter()
