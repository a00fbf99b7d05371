"""Reach one endpoint step by step (proxy, dns, tcp, tls, http, clock) and say where it breaks, with timings.

"The phone does not load" has many causes: a name that does not resolve, a firewall that drops connections, a
proxy that refuses the tunnel, a TLS-inspecting middlebox whose certificate is not trusted, a server error, or a
clock so far off that sign-in fails. Each step runs under its own time limit, so a dead network costs seconds,
not minutes; the step that fails names itself and the later ones say they were skipped. Network trouble never
raises: every outcome is a :class:`~desktop.core.findings.Finding`.

The proxy is the app's own decision (:mod:`desktop.services.proxy_decision`), the one its requests follow: the
report names the route it gives the URL. DNS and TCP are probed directly (against the proxy when there is one).
TLS and HTTP run through httpx with exactly that proxy (``proxy=``, ``trust_env=False``), because through a proxy
TLS happens inside the CONNECT tunnel; httpcore's ``trace`` extension gives each phase its own limit, times the
handshake apart from the request and says which phase hung.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import field, replace
from datetime import UTC, datetime

import httpx

from desktop import __version__
from desktop.core.findings import Finding, Status
from desktop.core.records import record
from desktop.diagnostics.describe import describe_certificate, describe_clock, describe_dns_error, describe_failure
from desktop.diagnostics.phases import Tracer
from desktop.diagnostics.shown_text import display_url, scrub, url_secrets
from desktop.services.proxy_decision import ProxyDecision, ProxyRoute, ProxySettingsError, mask_proxy

STEPS = ("proxy", "dns", "tcp", "tls", "http", "clock")
#: TLS and HTTP together (a phase each, plus up to five redirects) never take longer than this many limits, so a
#: probe takes at most (2 + 3) x timeout and a quarter second: dns, tcp, then this (phases.BACKSTOP_S).
_TLS_HTTP_BUDGET = 3
_MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}
_USER_AGENT = f"embeddable-desktop/{__version__} (diagnose)"


@record(frozen=False)
class _Report:
    """The findings of one endpoint so far, and the first step that failed (named by the skipped ones)."""

    section: str
    timeout: float
    verify: ssl.SSLContext | bool
    findings: list[Finding] = field(default_factory=list)
    failed: str | None = None

    def add(self, name: str, status: Status, detail: str, started: float | None = None,
            ended: float | None = None) -> None:
        elapsed = None if started is None else ((time.perf_counter() if ended is None else ended) - started) * 1000
        self.findings.append(Finding(self.section, name, status, detail, elapsed))
        if status is Status.FAILED and self.failed is None:
            self.failed = name


async def probe_endpoint(label: str, url: str, *, decision: ProxyDecision, timeout: float = 4.0,
                         verify: ssl.SSLContext | bool = True) -> list[Finding]:
    """Findings for *url* in section *label*: proxy, dns, tcp, tls (https only), http and clock.

    *decision* routes the URL (the app's: :func:`~desktop.services.proxy_decision.app_proxy_decision`).
    *verify* is httpx's: True for its usual trust (certifi, or SSL_CERT_FILE / SSL_CERT_DIR), or a context.
    """
    secrets = url_secrets(url)
    report = _Report(scrub(label, secrets), timeout, verify)
    try:
        target: httpx.URL | None = httpx.URL(url)
    except httpx.InvalidURL:
        target = None
    if target is None or target.scheme not in ("http", "https") or not target.host:
        report.add("url", Status.FAILED, f"not an http(s) URL: {display_url(url)}")
        return _scrubbed(report, secrets)
    chosen = _choose_proxy(report, target, decision)
    if chosen is not None:
        route, client = chosen
        secrets += route.secrets()
        async with client:
            await _probe_network(report, client, target, route)
    done = {finding.name for finding in report.findings}
    skipped = f"skipped: {report.failed or 'an earlier step'} failed"
    for name in STEPS:
        if name not in done and (name != "tls" or target.scheme == "https"):
            report.findings.append(Finding(report.section, name, Status.INFO, skipped))
    return _scrubbed(report, secrets)


async def probe_all(targets: Sequence[tuple[str, str]], *, decision: ProxyDecision, timeout: float = 4.0,
                    verify: ssl.SSLContext | bool = True) -> list[Finding]:
    """:func:`probe_endpoint` for each (label, url) at the same time; the findings in the order of *targets*."""
    results = await asyncio.gather(
        *(probe_endpoint(label, url, decision=decision, timeout=timeout, verify=verify) for label, url in targets),
        return_exceptions=True)
    findings: list[Finding] = []
    for (label, url), result in zip(targets, results, strict=True):
        if isinstance(result, BaseException):
            if not isinstance(result, Exception):
                raise result
            # A bug in one probe must not cost the helpdesk the other endpoints' findings.
            detail = f"unexpected error ({type(result).__name__}) probing {display_url(url)}"
            findings.append(Finding(scrub(label, url_secrets(url)), "probe", Status.FAILED, detail))
        else:
            findings.extend(result)
    return findings


def _client(route: ProxyRoute, verify: ssl.SSLContext | bool, timeout: float) -> httpx.AsyncClient:
    # trust_env=False: the proxy is the route just reported, not httpx's own reading of os.environ. Redirects keep
    # it. The CA variables still count for verify=True, through the context built the way httpx's default builds it.
    context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
    return httpx.AsyncClient(verify=context, proxy=route.proxy, trust_env=False, timeout=timeout,
                             follow_redirects=True, max_redirects=_MAX_REDIRECTS,
                             headers={"User-Agent": _USER_AGENT})


def _choose_proxy(report: _Report, target: httpx.URL,
                  decision: ProxyDecision) -> tuple[ProxyRoute, httpx.AsyncClient] | None:
    """The proxy finding, and the client that uses that proxy; None when the settings cannot be used."""
    started = time.perf_counter()
    try:
        route = decision.route(target)
    except ProxySettingsError as exc:
        report.add("proxy", Status.FAILED, str(exc), started)
        return None
    ended = time.perf_counter()
    try:
        client = _client(route, report.verify, report.timeout)
    except (ValueError, ImportError, httpx.InvalidURL) as exc:  # e.g. an ftp:// proxy, or socks without socksio
        shown = "" if route.proxy is None else f"{mask_proxy(route.proxy)} (from {route.source}): "
        report.add("proxy", Status.FAILED, f"{shown}httpx cannot use this proxy: {exc}", started, ended)
        return None
    except OSError as exc:  # SSL_CERT_FILE or SSL_CERT_DIR names something unreadable
        report.add("proxy", Status.INFO, route.describe(target.host), started, ended)
        report.add("setup", Status.FAILED, f"cannot load the certificates to trust: {exc}")
        return None
    report.add("proxy", Status.INFO, route.describe(target.host), started, ended)
    return route, client


async def _probe_network(report: _Report, client: httpx.AsyncClient, target: httpx.URL, route: ProxyRoute) -> None:
    if route.proxy is None:
        host, port, whose = target.host, target.port or _DEFAULT_PORTS[target.scheme], target.host
    else:
        proxy = httpx.URL(route.proxy)
        host, port = proxy.host, proxy.port or _DEFAULT_PORTS.get(proxy.scheme, 80)
        whose = f"proxy {host}"
    address = await _dns(report, host, port, whose)
    if address is not None and await _tcp(report, address, port, "the proxy" if route.proxy else ""):
        await _tls_and_http(report, client, target)


async def _dns(report: _Report, host: str, port: int, whose: str) -> str | None:
    """The host's addresses (at most three shown); the first one, or None when the name does not resolve."""
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    try:
        async with asyncio.timeout(report.timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        report.add("dns", Status.FAILED, f"no answer within {report.timeout:g} s ({whose})", started)
        return None
    except (OSError, UnicodeError) as exc:
        detail = describe_dns_error(exc) if isinstance(exc, OSError) else "not a valid host name"
        report.add("dns", Status.FAILED, f"{detail} ({whose})", started)
        return None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        report.add("dns", Status.FAILED, f"no addresses ({whose})", started)
        return None
    more = f" (+{len(addresses) - 3} more)" if len(addresses) > 3 else ""
    report.add("dns", Status.OK, f"{whose} resolves to {', '.join(addresses[:3])}{more}", started)
    return addresses[0]


async def _tcp(report: _Report, address: str, port: int, role: str) -> bool:
    where = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    where += f", {role}" if role else ""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(report.timeout):
            _, writer = await asyncio.open_connection(address, port)
    except OSError as exc:  # TimeoutError included: describe_failure words it as "no answer within"
        report.add("tcp", Status.FAILED, f"{describe_failure(exc, report.timeout)} ({where})", started)
        return False
    ended = time.perf_counter()
    writer.close()  # only the connect was the question; httpx opens its own connection next
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    report.add("tcp", Status.OK, f"connected to {where}", started, ended)
    return True


async def _tls_and_http(report: _Report, client: httpx.AsyncClient, target: httpx.URL) -> None:
    loop = asyncio.get_running_loop()
    budget = _TLS_HTTP_BUDGET * report.timeout
    tracer = Tracer(https=target.scheme == "https", timeout=report.timeout, budget_end=loop.time() + budget)
    begun = time.perf_counter()
    try:
        async with asyncio.timeout_at(tracer.budget_end) as tracer.deadline:
            async with client.stream("GET", target, extensions={"trace": tracer}) as response:
                arrived, answered = datetime.now(UTC), time.perf_counter()
    except Exception as exc:  # every failure becomes a finding: the rest of the report must still come
        _add_tls(report, tracer, begun)
        if isinstance(exc, httpx.TooManyRedirects):
            detail = f"more than {_MAX_REDIRECTS} redirects"
        elif isinstance(exc, TimeoutError):  # not httpx's: a phase dragged on (a byte at a time), or all of them
            limit = f"{budget:g} s in all" if loop.time() >= tracer.budget_end else f"{report.timeout:g} s"
            detail = f"not finished within {limit} ({tracer.phase})"
        else:
            detail = describe_failure(exc, report.timeout)
            # The proxy's refusal says it all; elsewhere the phase tells a hung handshake from a hung request.
            detail += "" if isinstance(exc, httpx.ProxyError) else f" ({tracer.phase})"
        report.add(tracer.step, Status.FAILED, detail, tracer.started.get(tracer.step, begun))
        return
    _add_tls(report, tracer, begun)
    code = response.status_code
    detail = f"{code} {response.reason_phrase}".strip()
    if response.history:
        count = len(response.history)
        detail += f" after {count} redirect{'s' if count > 1 else ''}, at {display_url(str(response.url))}"
    status = Status.OK
    if code >= 500:
        status, detail = Status.FAILED, f"{detail} (a server error)"
    elif code >= 400:  # the network path works; the server refuses this request
        status, detail = Status.WARNING, f"{detail} (the server answers, but refuses the request)"
    report.add("http", status, detail, tracer.started.get("http", begun), answered)
    report.add("clock", *describe_clock(response.headers.get("Date"), arrived))


def _add_tls(report: _Report, tracer: Tracer, begun: float) -> None:
    if tracer.https and tracer.tls_done:
        status, detail = describe_certificate(tracer.ssl_object, datetime.now(UTC))
        report.add("tls", status, detail, tracer.started.get("tls", begun), tracer.tls_ended)


def _scrubbed(report: _Report, secrets: Sequence[str]) -> list[Finding]:
    return [replace(finding, detail=scrub(finding.detail, secrets)) for finding in report.findings]
