"""Stand-in endpoints for the network diagnostics, all on 127.0.0.1.

* :class:`WebServer`: HTTP or HTTPS, answering each path with a chosen status, headers and Date offset;
* :class:`ConnectProxy`: a plain-http forward proxy that opens CONNECT tunnels and records what it was asked;
* :func:`silent_port` (accepts at the TCP level, never reads) and :func:`closed_port` (refuses);
* :func:`certificates`: a throw-away CA with valid, expired and soon-expiring server certificates.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from types import TracebackType
from typing import Self

import trustme

HOST = "127.0.0.1"
_REASONS = {200: "OK", 302: "Found", 403: "Forbidden", 404: "Not Found", 407: "Proxy Authentication Required",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass(frozen=True)
class Certificates:
    """Server contexts for 127.0.0.1, and the client context that trusts their CA."""

    client: ssl.SSLContext
    valid: ssl.SSLContext
    expired: ssl.SSLContext
    expiring_soon: ssl.SSLContext


def certificates() -> Certificates:
    ca = trustme.CA(organization_name="Diagnose Test CA")
    now = datetime.now(UTC)

    def server(not_before: datetime | None = None, not_after: datetime | None = None) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOST, "localhost", not_before=not_before, not_after=not_after).configure_cert(context)
        return context

    client = ssl.create_default_context()
    ca.configure_trust(client)
    return Certificates(client=client, valid=server(),
                        expired=server(now - timedelta(days=60), now - timedelta(days=2)),
                        expiring_soon=server(now - timedelta(days=60), now + timedelta(days=5, hours=1)))


class _Server:
    """An asyncio server that closes its open connections on stop (3.11's wait_closed does not wait for them)."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl = ssl_context
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._accept, HOST, 0, ssl=self._ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        for writer in self._writers:
            writer.close()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            await self.handle(head.decode("latin-1"), reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError):
            pass  # the diagnostics' own tcp step connects and hangs up without a word
        except asyncio.CancelledError:
            # Stopped by __aexit__. Ending normally: 3.11's stream callback calls exception() on the task, which
            # raises for a cancelled one and prints "Exception in callback".
            pass
        finally:
            writer.close()
            self._tasks.discard(task)
            self._writers.discard(writer)

    async def handle(self, head: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


def _response(status: int, headers: Mapping[str, str], body: bytes = b"") -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}"]
    lines += [f"{name}: {value}" for name, value in {**headers, "Content-Length": str(len(body))}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class WebServer(_Server):
    """Answers every path with *status* (or ``routes[path]``), and a Date *date_offset* seconds off (None: none);
    after *delay* seconds, and with *drip* seconds between the bytes of the answer."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None, *, status: int = 200, date_offset: float | None = 0.0,
                 routes: Mapping[str, tuple[int, dict[str, str]]] | None = None, delay: float = 0.0,
                 drip: float = 0.0) -> None:
        super().__init__(ssl_context)
        self.status, self.date_offset, self.routes = status, date_offset, dict(routes or {})
        self.delay, self.drip = delay, drip
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"{'https' if self._ssl else 'http'}://{HOST}:{self.port}/"

    async def handle(self, head: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = head.split("\r\n", 1)[0]
        self.requests.append(request_line)
        path = request_line.split(" ")[1]
        status, headers = self.routes.get(path.partition("?")[0], (self.status, {}))
        headers = {**headers, "Connection": "close"}
        if self.date_offset is not None:
            headers["Date"] = formatdate(time.time() + self.date_offset, usegmt=True)
        await asyncio.sleep(self.delay)
        answer = _response(status, headers, b"hello")
        for index in range(len(answer)) if self.drip else ():
            writer.write(answer[index:index + 1])
            await writer.drain()
            await asyncio.sleep(self.drip)
        writer.write(b"" if self.drip else answer)
        await writer.drain()


class ConnectProxy(_Server):
    """A forward proxy for CONNECT only; *credentials* ("user:secret") makes it answer 407 without them."""

    def __init__(self, credentials: str | None = None, hosts: Mapping[str, str] | None = None) -> None:
        super().__init__(None)
        self.credentials = credentials
        #: Names the proxy resolves itself (a proxy does the DNS for its clients): e.g. platform.test → 127.0.0.1.
        self.hosts = dict(hosts or {})
        self.requests: list[str] = []
        self.authorizations: list[str | None] = []

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def handle(self, head: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        lines = head.split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines[1:] if line)}
        self.requests.append(f"{method} {target}")
        self.authorizations.append(headers.get("proxy-authorization"))
        if method != "CONNECT":
            writer.write(_response(405, {"Connection": "close"}))
            return
        if self.credentials is not None:
            expected = "Basic " + base64.b64encode(self.credentials.encode()).decode()
            if headers.get("proxy-authorization") != expected:
                writer.write(_response(407, {"Proxy-Authenticate": 'Basic realm="test"', "Connection": "close"}))
                return
        host, _, port = target.rpartition(":")
        upstream_reader, upstream_writer = await asyncio.open_connection(self.hosts.get(host, host), int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        try:
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        finally:
            upstream_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):  # either side may hang up at any point (ENOTCONN on the half-close)
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A port whose kernel completes the TCP handshake (the backlog) but whose program never reads."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
