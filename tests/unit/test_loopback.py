"""The loopback listener and the login flow over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

import pytest

from desktop.core.errors import AuthorizeUrlRejected, LauncherError, LoginError, LoginTimedOut, PortInUse
from desktop.services.login import LoginFlow
from desktop.services.loopback import MAX_CONNECTIONS, REQUEST_DEADLINE_SECONDS

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
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5) if read else b""
    writer.close()
    return answer


async def get(port: int, target: str) -> tuple[int, dict[str, str], str]:
    answer = await raw(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body.decode()


def run_flow(test: Callable[[LoginFlow, Recorder, int], Awaitable[None]], timeout: float = 300.0) -> Recorder:
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


def test_valid_callback_is_delivered_once_and_the_listener_closes() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        assert not flow.listener.is_open
        await flow.begin(authorize_url(port, "st-1"))
        assert flow.pending and flow.listener.is_open and rec.opened == [authorize_url(port, "st-1")]
        with pytest.raises(OSError):  # bound to 127.0.0.1 only, not to the whole loopback range
            await asyncio.open_connection("127.0.0.2", port)
        status, headers, body = await get(port, "/oauth/callback?code=THE-CODE&state=st-1")
        assert status == 200 and "Signed in" in body
        assert "THE-CODE" not in body
        assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
        assert headers["content-type"].startswith("text/html")
        assert "<script" not in body and "http" not in body.split("<body>")[1]  # no external resources
        assert rec.delivered == [f"http://127.0.0.1:{port}/oauth/callback?code=THE-CODE&state=st-1"]
        assert not flow.pending
        await asyncio.sleep(0.2)
        assert not flow.listener.is_open
        with pytest.raises(OSError):
            await raw(port, b"GET /oauth/callback HTTP/1.1\r\n\r\n")
    rec = run_flow(scenario)
    assert rec.failures == []
    assert rec.attempts == [rec.opened[0], None]  # the bar shows the link, then goes when the callback comes


def test_only_the_checked_code_and_state_reach_the_widget() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        target = ("/oauth/callback?code=C%2B1&state=st&code_verifier=attacker&token_uri=https%3A%2F%2Fevil.example"
                  "&jwt=x&discovery_uri=https%3A%2F%2Fevil.example#code_verifier=attacker")
        assert (await get(port, target))[0] == 200
        assert rec.delivered == [f"http://127.0.0.1:{port}/oauth/callback?code=C%2B1&state=st"]
    run_flow(scenario)


def test_other_paths_methods_and_bad_states() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st-1"))
        assert (await get(port, "/favicon.ico"))[0] == 404
        assert (await get(port, "/"))[0] == 404
        assert (await get(port, "/oauth/callback/extra?code=x&state=st-1"))[0] == 404
        post = await raw(port, b"POST /oauth/callback?code=x&state=st-1 HTTP/1.1\r\n"
                               b"Host: x\r\nContent-Length: 0\r\n\r\n")
        assert post.startswith(b"HTTP/1.1 405") and b"Allow: GET" in post
        status, _, body = await get(port, "/oauth/callback?code=x&state=forged")
        assert status == 400 and "does not belong" in body
        assert (await get(port, "/oauth/callback?code=x"))[0] == 400
        assert (await get(port, "/oauth/callback?state=st-1"))[0] == 400
        status, _, body = await get(port, "/oauth/callback?state=st-1&error=x&error_description=%3Cscript%3Ex")
        assert "&lt;script&gt;x" in body and "<script>x" not in body  # echoed, escaped
        await flow.begin(authorize_url(port, "st-1b"))  # that error ended the attempt; start another
        assert rec.delivered == [] and flow.pending and flow.listener.is_open
        status, _, _ = await get(port, "/oauth/callback?code=x&state=st-1b")
        assert status == 200 and len(rec.delivered) == 1
    run_flow(scenario)


def test_a_newer_sign_in_makes_the_older_link_stale() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "old"))
        await flow.begin(authorize_url(port, "new"))
        assert len(rec.opened) == 2
        status, _, body = await get(port, "/oauth/callback?code=x&state=old")
        assert status == 400 and "out of date" in body
        assert rec.delivered == []
        assert (await get(port, "/oauth/callback?code=y&state=new"))[0] == 200
        assert rec.delivered == [f"http://127.0.0.1:{port}/oauth/callback?code=y&state=new"]
    rec = run_flow(scenario)
    assert rec.attempts == [rec.opened[0], rec.opened[1], None]  # the newer link replaces the older one


def test_access_denied_shows_a_failure_page_tells_the_app_and_closes() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        target = "/oauth/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state=st"
        status, _, body = await get(port, target)
        assert status == 200 and "Sign-in failed" in body and "&lt;b&gt;no&lt;/b&gt;" in body and "<b>no" not in body
        assert rec.delivered == [] and not flow.pending
        await asyncio.sleep(0.2)
        assert not flow.listener.is_open
    rec = run_flow(scenario)
    assert rec.attempts == [rec.opened[0], None]
    assert len(rec.failures) == 1 and isinstance(rec.failures[0], LoginError)
    assert "cancelled or access was denied" in str(rec.failures[0])


def test_timeout_closes_the_listener_and_tells_the_user() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        await asyncio.sleep(0.5)
        assert not flow.pending and not flow.listener.is_open
    rec = run_flow(scenario, timeout=0.2)
    assert len(rec.failures) == 1 and isinstance(rec.failures[0], LoginTimedOut)
    assert rec.attempts == [rec.opened[0], None]


def test_cancel_ends_the_attempt_and_closes_the_listener() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        await flow.cancel()
        assert not flow.pending and not flow.listener.is_open and rec.attempts == [rec.opened[0], None]
        with pytest.raises(OSError):
            await get(port, "/oauth/callback?code=x&state=st")
    rec = run_flow(scenario)
    assert rec.delivered == [] and rec.failures == []


def test_rejected_authorize_url_opens_nothing_and_listens_nowhere() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st").replace(CLIENT, "someone-else"))
        assert rec.opened == [] and not flow.listener.is_open and not flow.pending
    rec = run_flow(scenario)
    assert isinstance(rec.failures[0], AuthorizeUrlRejected)


def test_port_in_use_fails_fast_naming_port_and_setting() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        with socket.socket() as blocker:
            blocker.bind(("127.0.0.1", port))
            blocker.listen(1)
            await flow.begin(authorize_url(port, "st"))
        assert rec.opened == [] and not flow.pending
    rec = run_flow(scenario)
    assert isinstance(rec.failures[0], PortInUse)
    assert str(flow_port := rec.failures[0].message.split()[1]) and flow_port.isdigit()
    assert "--redirect-port" in str(rec.failures[0])


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


def test_hundreds_of_idle_and_trickling_connections_cannot_starve_the_callback() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(300)]

        async def trickle(writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                for byte in b"GET /oauth/callback?code=slow&state=st HTTP/1.1\r\nHost: x\r\n":
                    writer.write(bytes([byte]))
                    await writer.drain()
                    await asyncio.sleep(0.05)
        slow = [(await asyncio.open_connection("127.0.0.1", port))[1] for _ in range(3)]
        trickling = [asyncio.create_task(trickle(writer)) for writer in slow]
        await asyncio.sleep(0.3)  # all of them connected and waiting, the slow ones mid-request
        assert len(flow.listener._connections) <= MAX_CONNECTIONS  # bounded, whatever is thrown at it
        started = time.perf_counter()
        status, _, body = await asyncio.wait_for(get(port, "/oauth/callback?code=real&state=st"), 5)
        elapsed = time.perf_counter() - started
        print(f"\ncallback answered in {elapsed * 1000:.1f} ms with 300 idle and 3 trickling connections open")
        assert status == 200 and "Signed in" in body
        assert rec.delivered == [f"http://127.0.0.1:{port}/oauth/callback?code=real&state=st"]
        # Answered while the crowd was still there (it is only timed out after 10 s), not after it left.
        assert elapsed < REQUEST_DEADLINE_SECONDS / 10
        for task in trickling:
            task.cancel()
        writers = [writer for _, writer in idle] + slow
        for writer in writers:
            writer.close()
        for writer in writers:  # closed for real before the loop ends, or 300 descriptors outlive the test
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
    run_flow(scenario)


def test_check_port_reports_a_taken_port_without_keeping_it() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        flow.listener.check_port()  # free: no error, and the port is not kept
        with socket.socket() as again:
            again.bind(("127.0.0.1", port))
        with socket.socket() as blocker:
            blocker.bind(("127.0.0.1", port))
            blocker.listen(1)
            with pytest.raises(PortInUse, match=f"Port {port} on 127.0.0.1 is already in use"):
                flow.listener.check_port()
    run_flow(scenario)


def test_quitting_with_a_pending_sign_in_closes_the_listener() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        assert flow.listener.is_open
        await flow.aclose()
        assert not flow.listener.is_open and not flow.pending
        with pytest.raises(OSError):
            await raw(port, b"GET /oauth/callback HTTP/1.1\r\n\r\n")
        await flow.begin(authorize_url(port, "st2"))  # after the app closed it, nothing reopens it
        assert not flow.listener.is_open and rec.opened == [authorize_url(port, "st")]
    run_flow(scenario)


def test_two_overlapping_sign_ins_do_not_race_for_the_port() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await asyncio.gather(flow.begin(authorize_url(port, "a")), flow.begin(authorize_url(port, "b")))
        assert rec.failures == [] and len(rec.opened) == 2
        assert (await get(port, "/oauth/callback?code=x&state=a"))[0] == 400  # the older one is stale
        assert (await get(port, "/oauth/callback?code=x&state=b"))[0] == 200
    run_flow(scenario)


def test_two_receivers_cannot_share_a_port() -> None:
    async def scenario(flow: LoginFlow, rec: Recorder, port: int) -> None:
        await flow.begin(authorize_url(port, "st"))
        second = Recorder()
        other = LoginFlow(app_server=SERVER, client_id=CLIENT, redirect_uri=f"http://127.0.0.1:{port}/oauth/callback",
                          port=port, open_browser=second.opened.append, observer=second)
        await other.begin(authorize_url(port, "st2"))
        assert isinstance(second.failures[0], PortInUse) and second.opened == []
        await other.aclose()
    run_flow(scenario)
