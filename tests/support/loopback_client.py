"""Talking to the loopback listener over real sockets on 127.0.0.1, as a browser or a hostile local program would.

Shared by the listener's tests: the login flow (tests/unit/test_loopback.py), its HTTP answers
(test_loopback_http.py) and crowds of connections (test_loopback_crowds.py).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from desktop.core.errors import LauncherError
from desktop.services.login import LoginFlow

SERVER = "https://platform.devtest.ringcentral.com"
CLIENT = "client-1"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def authorize_url(port: int, state: str) -> str:
    return SERVER + "/restapi/oauth/authorize?" + urlencode({
        "response_type": "code", "redirect_uri": f"http://127.0.0.1:{port}/oauth/callback", "client_id": CLIENT,
        "state": state, "code_challenge": CHALLENGE, "code_challenge_method": "S256"})


class Recorder:
    """What the login flow told the UI."""

    def __init__(self) -> None:
        self.delivered: list[str] = []
        self.failures: list[LauncherError] = []
        self.opened: list[str] = []
        self.attempts: list[str | None] = []  # what the sign-in bar would show, in order

    def attempt_changed(self, authorize_url: str | None) -> None:
        self.attempts.append(authorize_url)

    def deliver_callback(self, callback_uri: str) -> None:
        self.delivered.append(callback_uri)

    def login_failed(self, error: LauncherError) -> None:
        self.failures.append(error)


async def raw(port: int, data: bytes, *, read: bool = True) -> bytes:
    """Send ``data`` on a new connection and read until the listener closes it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5) if read else b""
    writer.close()
    return answer


def parse(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one HTTP/1.1 answer."""
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def request(method: str, target: str, host: str) -> bytes:
    return f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


async def get(port: int, target: str) -> tuple[int, dict[str, str], str]:
    """A GET as the browser sends it after the redirect."""
    status, headers, body = parse(await raw(port, request("GET", target, f"127.0.0.1:{port}")))
    return status, headers, body.decode()


def run_flow(test: Callable[[LoginFlow, Recorder, int], Awaitable[None]], timeout: float = 300.0) -> Recorder:
    """Run ``test`` with a login flow on a free port, closed afterwards; returns what the UI was told."""
    recorder = Recorder()
    port = free_port()

    async def main() -> None:
        flow = LoginFlow(app_server=SERVER, client_id=CLIENT, redirect_uri=f"http://127.0.0.1:{port}/oauth/callback",
                         port=port, open_browser=recorder.opened.append, observer=recorder, timeout=timeout)
        try:
            await test(flow, recorder, port)
        finally:
            await flow.aclose()

    asyncio.run(main())
    return recorder
