"""The network part of `diagnose`: each step against real sockets on 127.0.0.1, through the app's proxy decision.

Stand-ins (tests/support/diagnose_servers.py): HTTPS servers with valid, expired and soon-expiring certificates
and a chosen Date, a port that accepts and never answers, a closed port, and a CONNECT proxy that records its
tunnels. The machine has no internet; ``.invalid`` names fail at once. Every probe gets its proxy decision made
from the variables the test names, so those of whoever runs the tests never matter.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

import pytest

from desktop.core.findings import Finding, Status, render_report
from desktop.diagnostics import network
from desktop.diagnostics.network import probe_all, probe_endpoint
from desktop.services.proxy_decision import ProxyDecision, decide_proxy
from tests.support.diagnose_servers import (
    Certificates,
    ConnectProxy,
    WebServer,
    certificates,
    closed_port,
    silent_port,
)

T = TypeVar("T")
DIRECT = decide_proxy("none", {})


def variables(env: dict[str, str]) -> ProxyDecision:
    """The app's decision with the ``system`` setting, as if *env* were the whole environment."""
    return decide_proxy("system", env)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def steps(findings: Iterable[Finding]) -> dict[str, Finding]:
    return {finding.name: finding for finding in findings}


def statuses(findings: Iterable[Finding]) -> dict[str, Status]:
    return {finding.name: finding.status for finding in findings}


def everything_shown(findings: Iterable[Finding]) -> str:
    listed = list(findings)
    return render_report(listed, title="t") + "\n".join(f"{f.section}|{f.name}|{f.detail}" for f in listed)


@pytest.fixture(scope="module")
def certs() -> Certificates:
    return certificates()


# --- one endpoint, step by step ---------------------------------------------------------------------------------


def test_a_healthy_https_endpoint_is_ok_at_every_step(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        async with WebServer(certs.valid) as server:
            return await probe_endpoint(f"Widget ({server.url})", server.url, verify=certs.client, decision=DIRECT)

    findings = run(scenario())
    assert [f.name for f in findings] == ["proxy", "dns", "tcp", "tls", "http", "clock"]
    assert statuses(findings) == {"proxy": Status.INFO, "dns": Status.OK, "tcp": Status.OK, "tls": Status.OK,
                                  "http": Status.OK, "clock": Status.OK}
    found = steps(findings)
    assert found["proxy"].detail == "none (direct connection)"
    assert found["dns"].detail == "127.0.0.1 resolves to 127.0.0.1"
    assert found["tls"].detail.startswith("TLSv1.")
    assert "Diagnose Test CA" in found["tls"].detail and "days left" in found["tls"].detail
    assert found["http"].detail == "200 OK"
    assert all(f.elapsed_ms is not None and f.elapsed_ms >= 0 for f in findings if f.name != "clock")


def test_an_expired_certificate_fails_tls_by_name_and_skips_http(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        async with WebServer(certs.expired) as server:
            return await probe_endpoint("Platform", server.url, verify=certs.client, decision=DIRECT)

    found = steps(run(scenario()))
    assert found["tcp"].status is Status.OK
    assert found["tls"].status is Status.FAILED
    assert "certificate has expired" in found["tls"].detail
    assert found["http"].detail == "skipped: tls failed" and found["http"].status is Status.INFO
    assert found["clock"].detail == "skipped: tls failed"


def test_a_certificate_from_an_unknown_authority_fails_tls(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        async with WebServer(certs.valid) as server:  # verify=True: httpx's own trust, which lacks the test CA
            return await probe_endpoint("Platform", server.url, decision=DIRECT)

    tls = steps(run(scenario()))["tls"]
    assert tls.status is Status.FAILED
    assert "certificate rejected: unable to get local issuer certificate" in tls.detail


def test_a_certificate_expiring_within_two_weeks_is_a_warning(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        async with WebServer(certs.expiring_soon) as server:
            return await probe_endpoint("Platform", server.url, verify=certs.client, decision=DIRECT)

    found = steps(run(scenario()))
    assert found["tls"].status is Status.WARNING
    assert "(5 days left)" in found["tls"].detail and "expires within 14 days" in found["tls"].detail
    assert found["http"].status is Status.OK


def test_a_port_that_never_answers_fails_tls_within_the_limit(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        with silent_port() as port:
            return await probe_endpoint("Silent", f"https://127.0.0.1:{port}/", timeout=0.5, verify=certs.client,
                                        decision=DIRECT)

    began = time.monotonic()
    found = steps(run(scenario()))
    assert time.monotonic() - began < 4  # one step's limit (0.5 s), with a wide margin
    assert found["tcp"].status is Status.OK  # the kernel accepts; nobody reads
    assert found["tls"].status is Status.FAILED
    assert found["tls"].detail == "no answer within 0.5 s (TLS handshake)"
    assert found["http"].detail == "skipped: tls failed"


def test_a_plain_http_port_that_never_answers_fails_http_and_has_no_tls_step() -> None:
    async def scenario() -> list[Finding]:
        with silent_port() as port:
            return await probe_endpoint("Silent", f"http://127.0.0.1:{port}/", timeout=0.5, decision=DIRECT)

    findings = run(scenario())
    assert [f.name for f in findings] == ["proxy", "dns", "tcp", "http", "clock"]
    assert steps(findings)["http"].detail == "no answer within 0.5 s (waiting for the response)"
    assert steps(findings)["clock"].detail == "skipped: http failed"


def test_an_answer_dripping_a_byte_at_a_time_is_cut_off_at_the_step_limit(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        # Each byte comes well within httpx's read timeout, so only the step's own deadline can stop it.
        async with WebServer(certs.valid, drip=0.1) as server:
            return await probe_endpoint("Drip", server.url, timeout=0.5, verify=certs.client, decision=DIRECT)

    began = time.monotonic()
    found = steps(run(scenario()))
    assert time.monotonic() - began < 4
    assert found["tls"].status is Status.OK
    assert found["http"].status is Status.FAILED
    assert found["http"].detail == "not finished within 0.5 s (waiting for the response)"


def test_tls_and_http_together_stay_within_their_budget(certs: Certificates, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "_TLS_HTTP_BUDGET", 1)  # one limit for the whole request, for a short test

    async def scenario() -> list[Finding]:
        # Every hop answers within the 1 s limit (0.6 s), but two of them do not fit in the budget of 1 s.
        hops = {"/": (302, {"Location": "/a"}), "/a": (302, {"Location": "/b"})}
        async with WebServer(certs.valid, routes=hops, delay=0.6) as server:
            return await probe_endpoint("Slow", server.url, timeout=1, verify=certs.client, decision=DIRECT)

    http = steps(run(scenario()))["http"]
    assert http.status is Status.FAILED
    assert http.detail == "not finished within 1 s in all (waiting for the response)"


def test_a_closed_port_fails_tcp_with_connection_refused(certs: Certificates) -> None:
    port = closed_port()
    found = steps(run(probe_endpoint("Closed", f"https://127.0.0.1:{port}/", verify=certs.client,
                                     decision=DIRECT)))
    assert found["dns"].status is Status.OK
    assert found["tcp"].status is Status.FAILED
    assert found["tcp"].detail == f"connection refused (127.0.0.1:{port})"
    assert {found[name].detail for name in ("tls", "http", "clock")} == {"skipped: tcp failed"}


def test_an_unresolvable_host_fails_dns_and_skips_the_rest() -> None:
    findings = run(probe_endpoint("Nowhere", "https://apps.example.invalid/x", timeout=2, decision=DIRECT))
    found = steps(findings)
    assert found["dns"].status is Status.FAILED
    assert found["dns"].detail == "name not found (apps.example.invalid)"
    assert [f.detail for f in findings[2:]] == ["skipped: dns failed"] * 4


@pytest.mark.parametrize(("offset", "direction"), [(600, "behind"), (-600, "ahead of")])
def test_a_server_clock_ten_minutes_off_is_a_warning_naming_the_direction(
        certs: Certificates, offset: int, direction: str) -> None:
    async def scenario() -> list[Finding]:
        async with WebServer(certs.valid, date_offset=offset) as server:
            return await probe_endpoint("Platform", server.url, verify=certs.client, decision=DIRECT)

    clock = steps(run(scenario()))["clock"]
    assert clock.status is Status.WARNING
    # Date has whole seconds, so the estimate may land a second off either way.
    assert re.search(rf"your clock is (599|600|601) s {direction} the server's; sign-in and JWT fail", clock.detail)


def test_no_date_header_leaves_the_clock_as_info(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        async with WebServer(certs.valid, date_offset=None) as server:
            return await probe_endpoint("Platform", server.url, verify=certs.client, decision=DIRECT)

    clock = steps(run(scenario()))["clock"]
    assert clock.status is Status.INFO and "no Date header" in clock.detail


@pytest.mark.parametrize(("code", "status"), [(404, Status.WARNING), (403, Status.WARNING), (503, Status.FAILED)])
def test_http_errors_say_whether_the_server_answers(certs: Certificates, code: int, status: Status) -> None:
    async def scenario() -> list[Finding]:
        async with WebServer(certs.valid, status=code) as server:
            return await probe_endpoint("Platform", server.url, verify=certs.client, decision=DIRECT)

    found = steps(run(scenario()))
    assert found["http"].status is status and found["http"].detail.startswith(str(code))
    assert found["clock"].status is Status.OK  # the server answered, so its clock can still be read


def test_redirects_are_followed_up_to_five(certs: Certificates) -> None:
    async def scenario() -> tuple[list[Finding], list[Finding]]:
        hops = {"/": (302, {"Location": "/next"}), "/next": (302, {"Location": "/final"})}
        async with WebServer(certs.valid, routes=hops) as server, \
                WebServer(certs.valid, routes={"/": (302, {"Location": "/"})}) as loop:
            followed = await probe_endpoint("Hops", server.url, verify=certs.client, decision=DIRECT)
            looping = await probe_endpoint("Loop", loop.url, verify=certs.client, decision=DIRECT)
            assert len(loop.requests) == 6  # the first request and five redirects, no more
            return followed, looping

    followed, looping = run(scenario())
    assert re.fullmatch(r"200 OK after 2 redirects, at https://127\.0\.0\.1:\d+/final", steps(followed)["http"].detail)
    assert steps(looping)["http"].status is Status.FAILED
    assert steps(looping)["http"].detail == "more than 5 redirects"
    assert steps(looping)["clock"].detail == "skipped: http failed"


def test_query_strings_never_appear_in_findings(certs: Certificates) -> None:
    client_id = "SecretClientId12345"
    token = "redirect-token-67890"

    async def scenario() -> tuple[list[Finding], list[str]]:
        routes = {"/app.html": (302, {"Location": f"/final?token={token}"})}
        async with WebServer(certs.valid, routes=routes) as server:
            url = f"{server.url}app.html?clientId={client_id}&appServer=x"
            findings = await probe_all([(f"Widget ({url})", url),
                                        (f"Nowhere ({url})", f"https://x.invalid/?clientId={client_id}")],
                                       verify=certs.client, decision=DIRECT)
            return findings, server.requests

    findings, requests = run(scenario())
    assert any(client_id in line for line in requests)  # the probe really sent it
    shown = everything_shown(findings)
    assert client_id not in shown and token not in shown and "clientId" not in shown and "?" not in shown
    assert findings[0].section.startswith("Widget (https://127.0.0.1:") and findings[0].section.endswith("/app.html)")
    assert steps(findings[:6])["http"].detail.endswith("/final")


def test_what_is_not_an_http_url_is_one_failed_finding() -> None:
    for url in ("ftp://example.com/file", "not a url", "https://"):
        findings = run(probe_endpoint("Odd", url, decision=DIRECT))
        assert [(f.name, f.status) for f in findings] == [("url", Status.FAILED)]


# --- through a proxy --------------------------------------------------------------------------------------------


def test_the_probe_goes_through_the_proxy_the_app_decides(certs: Certificates) -> None:
    async def scenario() -> tuple[list[Finding], ConnectProxy, int]:
        async with WebServer(certs.valid) as server, ConnectProxy() as proxy:
            findings = await probe_endpoint("Platform", server.url, verify=certs.client,
                                            decision=variables({"HTTPS_PROXY": proxy.url}))
            return findings, proxy, server.port

    findings, proxy, port = run(scenario())
    assert proxy.requests == [f"CONNECT 127.0.0.1:{port}"]
    found = steps(findings)
    assert found["proxy"].detail == f"{proxy.url} (from HTTPS_PROXY)"
    assert found["dns"].detail == "proxy 127.0.0.1 resolves to 127.0.0.1"
    assert found["tcp"].detail == f"connected to 127.0.0.1:{proxy.port}, the proxy"
    assert [found[name].status for name in ("tls", "http", "clock")] == [Status.OK] * 3


def test_proxy_credentials_are_used_but_never_shown(certs: Certificates) -> None:
    async def scenario() -> tuple[list[Finding], ConnectProxy]:
        async with WebServer(certs.valid) as server, ConnectProxy(credentials="user:secret") as proxy:
            with_credentials = f"http://user:secret@127.0.0.1:{proxy.port}"
            wrong = f"http://user:wrongsecret@127.0.0.1:{proxy.port}"
            dead = f"http://user:secret@127.0.0.1:{closed_port()}"
            findings = await probe_endpoint("Good", server.url, verify=certs.client,
                                            decision=variables({"https_proxy": with_credentials}))
            findings += await probe_endpoint("Wrong", server.url, verify=certs.client,
                                             decision=variables({"https_proxy": wrong}))
            findings += await probe_endpoint("Dead", server.url, verify=certs.client,
                                             decision=variables({"https_proxy": dead}))
            odd = variables({"ALL_PROXY": "ftp://user:secret@h:21"})
            findings += await probe_endpoint("Odd scheme", server.url, decision=odd)
            return findings, proxy

    findings, proxy = run(scenario())
    assert proxy.authorizations[0] == "Basic " + base64.b64encode(b"user:secret").decode()
    assert "secret" not in everything_shown(findings)
    good, wrong = steps(findings[:6]), steps(findings[6:12])
    assert good["proxy"].detail == f"http://***:***@127.0.0.1:{proxy.port} (from https_proxy)"
    assert good["http"].status is Status.OK
    assert wrong["tls"].status is Status.FAILED
    assert wrong["tls"].detail == "the proxy refused the tunnel: 407 Proxy Authentication Required"
    dead, odd = steps(findings[12:18]), steps(findings[18:])
    assert re.fullmatch(r"connection refused \(127\.0\.0\.1:\d+, the proxy\)", dead["tcp"].detail)
    assert odd["proxy"].status is Status.FAILED and "httpx cannot use this proxy" in odd["proxy"].detail


def test_no_proxy_sends_the_request_direct(certs: Certificates) -> None:
    async def scenario() -> tuple[list[Finding], ConnectProxy]:
        async with WebServer(certs.valid) as server, ConnectProxy() as proxy:
            env = {"HTTPS_PROXY": proxy.url, "NO_PROXY": "example.com, 127.0.0.1"}
            return await probe_endpoint("Platform", server.url, verify=certs.client, decision=variables(env)), proxy

    findings, proxy = run(scenario())
    assert proxy.requests == []
    assert steps(findings)["proxy"].detail == "none: NO_PROXY entry '127.0.0.1' covers 127.0.0.1 (direct connection)"
    assert steps(findings)["http"].status is Status.OK


def test_a_proxy_that_never_answers_the_connect_fails_within_the_limit(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        with silent_port() as port:
            return await probe_endpoint("Platform", "https://apps.example.com/", timeout=0.5, verify=certs.client,
                                        decision=variables({"HTTPS_PROXY": f"http://127.0.0.1:{port}"}))

    began = time.monotonic()
    tls = steps(run(scenario()))["tls"]
    assert time.monotonic() - began < 4
    assert tls.status is Status.FAILED
    assert tls.detail == "no answer within 0.5 s (opening the tunnel through the proxy)"


# --- many endpoints ---------------------------------------------------------------------------------------------


def test_probe_all_of_dead_targets_is_bounded_and_keeps_the_order(certs: Certificates) -> None:
    async def scenario() -> list[Finding]:
        with silent_port() as first, silent_port() as second, silent_port() as third:
            targets = [("Silent TLS", f"https://127.0.0.1:{first}/"), ("Silent TLS 2", f"https://127.0.0.1:{second}/"),
                       ("Silent HTTP", f"http://127.0.0.1:{third}/"),
                       ("Closed", f"https://127.0.0.1:{closed_port()}/"), ("Nowhere", "https://x.invalid/")]
            return await probe_all(targets, timeout=0.5, verify=certs.client, decision=DIRECT)

    began = time.monotonic()
    findings = run(scenario())
    elapsed = time.monotonic() - began
    assert elapsed < 5, f"took {elapsed:.1f} s; six steps of 0.5 s, run side by side, should take about 1 s"
    assert list(dict.fromkeys(f.section for f in findings)) == [
        "Silent TLS", "Silent TLS 2", "Silent HTTP", "Closed", "Nowhere"]
    failed = [(f.section, f.name) for f in findings if f.status is Status.FAILED]
    assert failed == [("Silent TLS", "tls"), ("Silent TLS 2", "tls"), ("Silent HTTP", "http"), ("Closed", "tcp"),
                      ("Nowhere", "dns")]
