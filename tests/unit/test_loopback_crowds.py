"""Hostile local programs against the loopback listener: junk, crowds of connections, and which one makes room.

Real sockets on 127.0.0.1. The tests that hold connections open make the request deadline an hour long, so
that whatever the listener does to a connection is its own doing, never the deadline's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from desktop.core import pages
from desktop.services import loopback
from desktop.services.login import LoginFlow
from desktop.services.loopback import MAX_CONNECTIONS, LoopbackListener
from tests.support.loopback_client import Recorder, authorize_url, get, parse, raw, request, run_flow

#: A page far larger than what the kernel and asyncio buffer for a client that does not read: its answer
#: stays in progress until that client reads it.
BIG = 32 * 1024 * 1024


@pytest.fixture
def no_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loopback, "REQUEST_DEADLINE_SECONDS", 3600.0)


def test_slow_oversized_and_malformed_requests_do_not_block_the_callback() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        # A client that sends half a request and then nothing, several of them.
        stalled = []
        for _ in range(5):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /oauth/callback?code=x&st")
            stalled.append(writer)
        big = await raw(port, b"GET /oauth/callback?" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")
        assert big.startswith(b"HTTP/1.1 4")
        junk = await raw(port, b"\x16\x03\x01\x00garbage\r\n\r\n")
        assert junk.startswith(b"HTTP/1.1 400")
        headers = await raw(port, b"GET /x HTTP/1.1\r\n" + b"X: y\r\n" * 5000 + b"\r\n")
        assert headers.startswith(b"HTTP/1.1 4")
        status, _, _ = await asyncio.wait_for(get(port, "/oauth/callback?code=ok&state=st"), 2)
        assert status == 200 and len(rec.delivered) == 1
        for writer in stalled:
            writer.close()
    run_flow(scenario)


async def refused_or_dropped(port: int, data: bytes) -> int | None:
    with contextlib.suppress(ConnectionError):
        answer = await raw(port, data)
        return parse(answer)[0] if answer else None
    return None


@pytest.mark.usefixtures("no_deadline")
def test_hundreds_of_idle_trickling_and_rebinding_connections_cannot_starve_the_callback() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(300)]

        async def trickle(writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                for byte in request("GET", "/oauth/callback?code=slow&state=st", f"127.0.0.1:{port}"):
                    writer.write(bytes([byte]))
                    await writer.drain()
                    await asyncio.sleep(0.05)
        slow = [(await asyncio.open_connection("127.0.0.1", port))[1] for _ in range(3)]
        trickling = [asyncio.create_task(trickle(writer)) for writer in slow]
        # Pages of another site re-pointed at 127.0.0.1, with the right state even: refused for their Host, or
        # dropped to make room for the next of them.
        evil = request("GET", "/oauth/callback?code=evil&state=st", f"rebound.example:{port}")
        rebinding = await asyncio.gather(*[refused_or_dropped(port, evil) for _ in range(50)])
        assert rebinding.count(400) > 0 and set(rebinding) <= {400, None} and rec.delivered == []
        await asyncio.sleep(0.3)  # all of them connected and waiting, the slow ones mid-request
        assert len(flow.listener._connections) <= MAX_CONNECTIONS  # bounded, whatever is thrown at it
        # No connection of the crowd can time out now (an hour): this is answered beside all of them.
        status, _, body = await get(port, "/oauth/callback?code=real&state=st")
        assert status == 200 and "Signed in" in body
        assert rec.delivered == [f"http://127.0.0.1:{port}/oauth/callback?code=real&state=st"]
        for task in trickling:
            task.cancel()
        writers = [writer for _, writer in idle] + slow
        for writer in writers:
            writer.close()
        for writer in writers:  # closed for real before the loop ends, or 300 descriptors outlive the test
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
    run_flow(scenario)


@dataclass
class Crowd:
    """Every place of a listener taken: the oldest answering a big page, the rest waiting mid-request."""

    listener: LoopbackListener
    answering: tuple[asyncio.StreamReader, asyncio.StreamWriter]
    waiting: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.listener.port

    def rest_of_request(self) -> bytes:
        return f" HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode()

    async def newcomer(self) -> bytes:
        """One more connection, with a whole request: what it is answered."""
        return await raw(self.port, request("GET", "/oauth/callback?code=new", f"127.0.0.1:{self.port}"))


async def answer_or_nothing(reader: asyncio.StreamReader) -> bytes:
    with contextlib.suppress(ConnectionError):
        return await reader.read()
    return b""


@contextlib.asynccontextmanager
async def full_listener() -> AsyncIterator[Crowd]:
    def handler(query: str, *, dry_run: bool) -> pages.Page:
        return pages.Page(200, "Big", "x" * BIG) if query == "big" else pages.signed_in()

    listener = LoopbackListener(0, handler)
    await listener.start()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)  # no autotuning up to the whole page
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", listener.port))
    crowd = Crowd(listener, await asyncio.open_connection(sock=sock))
    crowd.answering[1].write(request("GET", "/oauth/callback?big", f"127.0.0.1:{listener.port}"))
    assert await crowd.answering[0].readexactly(12) == b"HTTP/1.1 200"  # its answer is under way
    for _ in range(MAX_CONNECTIONS - 1):
        reader, writer = await asyncio.open_connection("127.0.0.1", listener.port)
        writer.write(b"GET /oauth/callback?code=")
        crowd.waiting.append((reader, writer))
    while len(listener._connections) < MAX_CONNECTIONS:  # every one has its place (pytest's timeout bounds this)
        await asyncio.sleep(0.01)
    first = next(iter(listener._connections))
    assert listener._connections[first] and not first.done()  # the premise: the oldest one is mid-answer
    try:
        yield crowd
    finally:
        for _, writer in [crowd.answering, *crowd.waiting]:
            writer.close()
        await listener.close()


@pytest.mark.usefixtures("no_deadline")
def test_a_newcomer_evicts_the_oldest_waiting_connection_not_the_newest() -> None:
    async def scenario() -> None:
        async with full_listener() as crowd:
            assert parse(await crowd.newcomer())[0] == 200  # served at once, though every place was taken
            oldest, newest = crowd.waiting[0], crowd.waiting[-1]
            newest[1].write(crowd.rest_of_request())
            # The newest of those waiting kept its place.
            assert (await answer_or_nothing(newest[0])).startswith(b"HTTP/1.1 200")
            oldest[1].write(crowd.rest_of_request())
            assert await answer_or_nothing(oldest[0]) == b""  # the oldest had been closed
    asyncio.run(scenario())


@pytest.mark.usefixtures("no_deadline")
def test_a_connection_being_answered_is_never_evicted() -> None:
    async def scenario() -> None:
        async with full_listener() as crowd:
            answering = next(iter(crowd.listener._connections))
            assert parse(await crowd.newcomer())[0] == 200
            assert answering in crowd.listener._connections  # it kept its place
            rest = await crowd.answering[0].read()  # the big page, whole: its connection was left alone
            status, headers, body = parse(b"HTTP/1.1 200" + rest)
            assert status == 200 and int(headers["content-length"]) == len(body) > BIG
    asyncio.run(scenario())


@pytest.mark.usefixtures("no_deadline")
def test_an_evicted_connection_is_closed_and_its_task_ends_at_once() -> None:
    async def scenario() -> None:
        async with full_listener() as crowd:
            evicted = list(crowd.listener._connections)[1]  # the oldest waiting one
            assert parse(await crowd.newcomer())[0] == 200
            reader, writer = crowd.waiting[0]
            # Its request completed now would be answered if its task were still running (for an hour).
            writer.write(crowd.rest_of_request())
            assert await answer_or_nothing(reader) == b""
            assert evicted.done() and evicted not in crowd.listener._connections
    asyncio.run(scenario())
