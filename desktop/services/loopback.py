"""The RFC 8252 loopback listener that receives the browser's redirect after sign-in.

asyncio + h11 (a real HTTP/1.1 parser rather than string splitting). It binds 127.0.0.1 only, serves one
path (GET, and HEAD with the same status and no body; any other method gets 405 with an Allow header),
answers every other path with 404, and answers each connection once and closes it. A request whose
``Host`` is not ``127.0.0.1:<port>`` gets 400 before anything else is looked at: a page on another site
whose name was re-pointed at 127.0.0.1 (DNS rebinding) carries its own name there. The ``state`` check in
the login flow stays the real guard; this only keeps such pages from talking to the listener at all.
Every connection runs in its own task with a hard deadline and a size limit, so a slow, oversized or
malformed request never blocks the real callback.

Any local program can open connections to the port. At most ``MAX_CONNECTIONS`` are served at once; when a
new one arrives and all places are taken, the oldest connection that has not yet sent a whole request is
dropped to make room (its task is cancelled, which closes its socket), so hundreds of idle or trickling
connections can never keep the browser's redirect out, and memory and tasks stay bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import sys
from typing import Protocol

import h11

from desktop.core import pages
from desktop.core.errors import ListenerError, PortInUse
from desktop.core.urls import CALLBACK_PATH, LOOPBACK_BIND_HOST

log = logging.getLogger("desktop.auth.listener")


class CallbackHandler(Protocol):
    """Answers a request for the callback path; gets the query string (without "?").

    ``dry_run`` is True for HEAD: the page GET would get, with nothing acted on (RFC 9110 §9.2.1: HEAD is
    safe, so it must not deliver the code or end the attempt).
    """

    def __call__(self, query: str, *, dry_run: bool) -> pages.Page: ...


MAX_REQUEST_BYTES = 16 * 1024
REQUEST_DEADLINE_SECONDS = 10.0
MAX_CONNECTIONS = 32
#: Connections waiting in the kernel to be accepted (a burst of junk must not push the redirect out there).
LISTEN_BACKLOG = 128
#: The methods the callback path answers (the Allow header of a 405).
ALLOWED_METHODS = (b"GET", b"HEAD")


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if sys.platform == "win32":
            # Without it Windows lets a second program bind the same port and steal the callback.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)  # type: ignore[attr-defined]
        else:
            # Only allows re-binding over TIME_WAIT; Linux still refuses a port someone listens on.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK_BIND_HOST, port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def own_hosts(port: int) -> frozenset[bytes]:
    """The ``Host`` values a request to this listener may carry: the redirect URI's authority.

    Only the IP literal the redirect URI names (RFC 8252 §7.3, §8.3): the authorization server sends the
    browser to exactly that URI, so a real callback never says ``localhost``. The port may be left out only
    where it is http's default (RFC 9110 §7.2).
    """
    authority = f"{LOOPBACK_BIND_HOST}:{port}".encode("ascii")
    return frozenset({authority, LOOPBACK_BIND_HOST.encode("ascii")} if port == 80 else {authority})


class LoopbackListener:
    """One listener on ``127.0.0.1:port``; open it only while a login is pending."""

    def __init__(self, port: int, handler: CallbackHandler, *, setting: str = "--redirect-port") -> None:
        self._port = port
        self._handler = handler
        self._setting = setting
        self._server: asyncio.Server | None = None
        # Oldest first; True once the connection has sent a whole request (it is being answered, keep it).
        self._connections: dict[asyncio.Task[None], bool] = {}

    @property
    def is_open(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        return self._port

    def check_port(self) -> None:
        """Bind and release the port at once, so a taken port is reported at start-up, not at Sign In.

        Raises:
            PortInUse, ListenerError: as :meth:`start`.
        """
        if self._server is None:
            self._bind().close()

    async def start(self) -> None:
        """Bind and start serving.

        Raises:
            PortInUse: the port is taken (the message names the port and the setting).
            ListenerError: any other failure to bind.
        """
        if self._server is not None:
            return
        sock = self._bind()
        self._port = sock.getsockname()[1]
        # asyncio calls listen() again when it starts serving, with its own default of 100 unless told.
        self._server = await asyncio.start_server(self._on_connection, sock=sock, backlog=LISTEN_BACKLOG)
        log.info("listening on http://%s:%d%s", LOOPBACK_BIND_HOST, self._port, CALLBACK_PATH)

    def _bind(self) -> socket.socket:
        try:
            return _bind(self._port)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1), errno.EACCES):
                raise PortInUse(
                    f"Port {self._port} on {LOOPBACK_BIND_HOST} is already in use by another program, so "
                    "the browser cannot return to the app after sign-in.",
                    help_hint=f"Close that program or choose another port with {self._setting} (and register "
                    f"the matching redirect URI for your app).",
                ) from None
            raise ListenerError(f"Cannot listen on {LOOPBACK_BIND_HOST}:{self._port}: {exc.strerror}") from None

    async def close(self) -> None:
        """Stop accepting and drop connections that are still talking; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        current = asyncio.current_task()
        for task in list(self._connections):
            if task is not current:
                task.cancel()
        await server.wait_closed()
        log.info("listener on port %d closed", self._port)

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        if len(self._connections) >= MAX_CONNECTIONS and not self._evict_oldest_waiting():
            writer.close()  # every place is answering a complete request: those finish at once
            return
        self._connections[task] = False
        try:
            async with asyncio.timeout(REQUEST_DEADLINE_SECONDS):
                await self._serve_one(reader, writer)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.pop(task, None)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _evict_oldest_waiting(self) -> bool:
        """Drop the oldest connection still waiting for its request, to make room; False if there is none."""
        for task, answering in self._connections.items():
            if not answering:
                del self._connections[task]  # its place is free now
                task.cancel()  # it is waiting for data: it ends, closing its socket, at the loop's next turn
                return True
        return False

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_REQUEST_BYTES)
        try:
            request = await self._read_request(conn, reader)
        except h11.RemoteProtocolError as exc:
            log.info("malformed request on the listener: %s", exc)
            status = exc.error_status_hint
            await self._send(conn, writer, pages.Page(status, "Bad request", pages.bad_request().body))
            return
        if request is None:
            return
        task = asyncio.current_task()
        if task in self._connections:
            self._connections[task] = True  # a whole request: it is answered now, never evicted
        await self._send(conn, writer, self._page_for(request), head=request.method == b"HEAD")

    def _page_for(self, request: h11.Request) -> pages.Page:
        host = dict(request.headers).get(b"host")  # h11 has already refused a request with two (400)
        if host not in own_hosts(self._port):  # or none: HTTP/1.0 may leave it out
            # Never the value itself in the log: it is whatever the sender chose.
            log.info("request refused: not addressed to %s:%d", LOOPBACK_BIND_HOST, self._port)
            return pages.wrong_host(f"{LOOPBACK_BIND_HOST}:{self._port}")
        target = request.target.decode("ascii", "replace")
        path, _, query = target.partition("?")
        if path != CALLBACK_PATH:
            return pages.not_found()
        if request.method not in ALLOWED_METHODS:
            return pages.method_not_allowed()
        return self._handler(query, dry_run=request.method == b"HEAD")

    @staticmethod
    async def _read_request(conn: h11.Connection, reader: asyncio.StreamReader) -> h11.Request | None:
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(4096)
                conn.receive_data(data)  # b"" marks end of stream; h11 then reports ConnectionClosed
                continue
            if isinstance(event, h11.Request):
                return event
            if isinstance(event, h11.ConnectionClosed):
                return None

    @staticmethod
    async def _send(conn: h11.Connection, writer: asyncio.StreamWriter, page: pages.Page, *,
                    head: bool = False) -> None:
        body = page.render()
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),  # for HEAD too: what GET would send (RFC 9110 §9.3.2)
            ("Connection", "close"),
            *pages.SECURITY_HEADERS,
        ]
        if page.status == 405:
            headers.append(("Allow", b", ".join(ALLOWED_METHODS).decode("ascii")))
        try:
            data = conn.send(h11.Response(status_code=page.status, headers=headers)) or b""
            if not head:  # h11 refuses a body after a HEAD request: the response would not go out at all
                data += conn.send(h11.Data(data=body)) or b""
            data += conn.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError:
            return  # the peer's state does not allow a response (e.g. it closed mid-request)
        writer.write(data)
        await writer.drain()
