"""The login flow through the loopback listener, over real sockets on 127.0.0.1.

The listener's HTTP answers are in test_loopback_http.py, crowds of connections in test_loopback_crowds.py.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from desktop.core.errors import AuthorizeUrlRejected, LoginError, LoginTimedOut, PortInUse
from desktop.services.login import LoginFlow
from tests.support.loopback_client import CLIENT, SERVER, Recorder, authorize_url, get, raw, run_flow


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
        post = await raw(port, f"POST /oauth/callback?code=x&state=st-1 HTTP/1.1\r\n"
                               f"Host: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n".encode())
        assert post.startswith(b"HTTP/1.1 405") and b"Allow: GET, HEAD" in post
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
