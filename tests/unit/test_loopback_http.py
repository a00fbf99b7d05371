"""What the loopback listener answers at the HTTP level: every method, the Host it accepts, its accept queue.

Real sockets on 127.0.0.1, through the login flow the app uses.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest

from desktop.core import pages
from desktop.services.login import LoginFlow
from desktop.services.loopback import LISTEN_BACKLOG, LoopbackListener, own_hosts
from tests.support.loopback_client import Recorder, authorize_url, get, parse, raw, request, run_flow


def test_head_gets_the_status_and_headers_of_get_without_a_body_and_changes_nothing() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        host = f"127.0.0.1:{port}"
        for target, status in [("/oauth/callback?code=x&state=st", 200), ("/oauth/callback?code=x&state=forged", 400),
                               ("/oauth/callback?state=st&error=access_denied", 200), ("/favicon.ico", 404)]:
            answer = await raw(port, request("HEAD", target, host))
            assert answer.startswith(b"HTTP/1.1 "), (target, answer)
            got, headers, body = parse(answer)
            assert (got, body) == (status, b""), target
            assert headers["cache-control"] == "no-store" and headers["content-type"].startswith("text/html")
            # The length GET's page has (RFC 9110 §9.3.2), not 0: the same page is measured, not sent.
            assert int(headers["content-length"]) > 100, target
        # HEAD is safe: neither the code nor the error ended the attempt.
        assert rec.delivered == [] and rec.failures == [] and flow.pending and flow.listener.is_open
        status, headers, body = await get(port, "/oauth/callback?code=x&state=st")
        assert status == 200 and len(rec.delivered) == 1
        assert int(headers["content-length"]) == len(body.encode())
    run_flow(scenario)


def test_every_other_method_gets_405_naming_get_and_head() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        host = f"127.0.0.1:{port}"
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"]:
            answer = await raw(port, request(method, "/oauth/callback?code=x&state=st", host))
            status, headers, _ = parse(answer)
            assert (status, headers.get("allow")) == (405, "GET, HEAD"), method
        status, headers, _ = parse(await raw(port, request("DELETE", "/elsewhere", host)))
        assert status == 404 and "allow" not in headers  # nothing there, whatever the method
        assert rec.delivered == [] and flow.pending
    run_flow(scenario)


def test_a_request_for_another_host_is_refused_before_anything_else() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        target = "/oauth/callback?code=x&state=st"
        # A page of another site whose name now points at 127.0.0.1 (DNS rebinding) names its own host; so do
        # localhost, the rest of 127/8 and ::1, which the redirect URI never names.
        for host in [f"rebound.example:{port}", "rebound.example", f"localhost:{port}", f"LOCALHOST:{port}",
                     f"127.0.0.2:{port}", f"[::1]:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1",
                     f"127.0.0.1:{port}.rebound.example", f"127.0.0.1:{port}@rebound.example"]:
            for method in ["GET", "HEAD", "POST"]:
                status, _, body = parse(await raw(port, request(method, target, host)))
                assert status == 400, (host, method)
                assert method == "HEAD" or f"only answers requests for 127.0.0.1:{port}".encode() in body
        no_host = b"GET " + target.encode() + b" HTTP/1.0\r\n\r\n"  # HTTP/1.0 may leave it out; h11 lets it by
        mine, other = f"Host: 127.0.0.1:{port}\r\n", "Host: rebound.example\r\n"
        two = f"GET {target} HTTP/1.1\r\n{mine}{other}\r\n".encode()  # RFC 9112 §3.2: one Host, or 400
        twice_mine = f"GET {target} HTTP/1.1\r\n{mine}{mine}\r\n".encode()
        for answer in [await raw(port, no_host), await raw(port, two), await raw(port, twice_mine)]:
            assert parse(answer)[0] == 400
        assert rec.delivered == [] and flow.pending  # nothing above reached the state check
        assert (await get(port, target))[0] == 200 and len(rec.delivered) == 1
    run_flow(scenario)


def test_the_hosts_accepted_are_the_redirect_uris_authority() -> None:
    assert own_hosts(47612) == {b"127.0.0.1:47612"}
    assert own_hosts(80) == {b"127.0.0.1:80", b"127.0.0.1"}  # a browser leaves out http's default port


def test_a_405_page_names_the_methods_it_allows() -> None:
    assert "GET and HEAD" in pages.method_not_allowed().render().decode()


def connections_completed(port: int, most: int) -> int:
    """Open connections one by one, accepting none, until the kernel's accept queue is full.

    A SYN that finds the queue full is dropped; with one retry (TCP_SYNCNT) that connect fails after a few
    seconds instead of two minutes. Loopback answers every other SYN at once.
    """
    opened: list[socket.socket] = []
    try:
        for _ in range(most):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)
            try:
                sock.connect(("127.0.0.1", port))
            except OSError:
                sock.close()
                break
            opened.append(sock)
        return len(opened)
    finally:
        for sock in opened:
            sock.close()


@pytest.mark.skipif(sys.platform != "linux", reason="counts Linux's accept queue (TCP_SYNCNT, backlog + 1 places)")
def test_the_configured_backlog_is_the_one_the_kernel_uses() -> None:
    somaxconn = int(Path("/proc/sys/net/core/somaxconn").read_text())
    assert somaxconn >= LISTEN_BACKLOG, f"net.core.somaxconn is {somaxconn}: the kernel caps every backlog there"

    async def scenario() -> int:
        listener = LoopbackListener(0, lambda query, *, dry_run: pages.signed_in())
        await listener.start()
        try:
            # Blocking calls on the loop's own thread: the listener cannot accept while they run, so every
            # connection stays in the kernel's queue, whose length is the backlog listen() was last given.
            return connections_completed(listener.port, LISTEN_BACKLOG + 20)
        finally:
            await listener.close()

    completed = asyncio.run(scenario())
    # Linux queues backlog + 1 connections; asyncio's own default (100) would give 101.
    assert completed == LISTEN_BACKLOG + 1, completed
