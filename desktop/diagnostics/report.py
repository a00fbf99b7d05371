"""One diagnose report: every check at the same time, each under its own time limit, rendered and redacted.

The same collection serves ``embeddable-desktop diagnose``, Help → Diagnostics and the support bundle. A check
that overruns its limit, or fails in an unexpected way, becomes a FAILED line naming it; the others still
report, so the whole report is ready in a few seconds even when the network or the keychain hangs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, TypeVar

from desktop import APP_NAME
from desktop.core.findings import Finding, Status, render_report
from desktop.core.options import LaunchOptions
from desktop.core.records import record
from desktop.core.settings import Resolution
from desktop.diagnostics import machine, setup
from desktop.diagnostics.network import probe_all
from desktop.services.logs import redact
from desktop.services.proxy_decision import app_proxy_decision
from desktop.services.tls_trust import trust_context

log = logging.getLogger("desktop.diagnose")
T = TypeVar("T")

#: Per check; the network probes take a few steps of this each, side by side.
DEFAULT_TIMEOUT = 4.0
APP_SERVER = "Network: the app server"


@record
class Subject:
    """What to diagnose: the settings as start-up resolved them (or why it could not), and where things are."""

    settings_path: Path
    data_dir: Path
    resolution: Resolution | None = None
    problems: tuple[str, ...] = ()
    env_name: str | None = None
    auth_mode: str = "pkce"
    redirect_port: int | None = None
    widget_url: str | None = None
    app_server: str | None = None
    extra_ca_file: Path | None = None
    #: The ``proxy`` setting: the probes go the way the app's requests go.
    proxy: str = "system"
    #: Findings the caller already has (the window adds what Chromium sees of the microphone).
    extra: tuple[Finding, ...] = field(default=())

    @classmethod
    def for_options(cls, options: LaunchOptions, *, settings_path: Path, resolution: Resolution | None,
                    extra_ca_file: Path | None) -> Subject:
        """What the app runs (or would start) with these options: the terminal command's and the window's."""
        return cls(settings_path=settings_path, data_dir=options.data_dir, resolution=resolution,
                   problems=tuple(options.warnings), env_name=options.env_name, auth_mode=options.auth_mode,
                   redirect_port=options.redirect_port if options.uses_loopback_login else None,
                   widget_url=options.widget_url, app_server=options.app_server, extra_ca_file=extra_ca_file,
                   proxy=options.proxy)

    @property
    def log_file(self) -> Path:
        return self.data_dir / "logs" / "embeddable-desktop.log"


async def collect(subject: Subject, *, timeout: float = DEFAULT_TIMEOUT) -> list[Finding]:
    """Every finding, in a fixed section order, whatever hangs or breaks."""
    checks: list[tuple[str, Callable[[], Awaitable[list[Finding]]]]] = [
        # On the loop's thread: it asks Qt, and Qt adopts any thread that calls it (and warns at exit if it ended).
        ("versions", _now(machine.versions)),
        ("system", _in_thread(machine.session)),
        ("desktop services", lambda: machine.desktop_services(timeout)),
        ("audio", _in_thread(machine.audio_inputs)),
        ("settings", _in_thread(lambda: setup.settings(subject.resolution, subject.settings_path, subject.problems))),
    ]
    if subject.env_name is not None:
        env, mode = subject.env_name, subject.auth_mode
        checks.append(("keychain", _in_thread(lambda: setup.keychain(env, mode, timeout))))
    if subject.redirect_port is not None:
        port = subject.redirect_port
        checks.append(("sign-in port", _in_thread(lambda: [setup.sign_in_port(port)])))
    targets = _targets(subject)
    if targets:
        verify = trust_context(subject.extra_ca_file)
        decision = app_proxy_decision(subject.proxy)  # the one the app's own requests follow
        checks.append(("network", lambda: probe_all(targets, decision=decision, timeout=timeout, verify=verify)))
    checks += [("data folders", _in_thread(lambda: setup.folder_sizes(subject.data_dir))),
               ("log", _in_thread(lambda: setup.recent_problems(subject.log_file)))]
    # The network probes bound themselves (a few steps of `timeout` each); the rest get one limit, plus slack.
    limits = [timeout * 6 if name == "network" else timeout + 1 for name, _ in checks]
    results = await asyncio.gather(*(_limited(name, check, limit) for (name, check), limit in zip(checks, limits,
                                                                                                 strict=True)))
    found: list[Finding] = []
    for (name, _check), result in zip(checks, results, strict=True):
        found += [_expected_refusal(finding) for finding in result]
        if name == "audio":
            found += subject.extra  # what the window adds about the microphone, beside the system's view
    return found


def _expected_refusal(finding: Finding) -> Finding:
    """The API refuses a request without a token (401): for the app server that is the right answer."""
    if finding.section == APP_SERVER and finding.name == "http" and finding.detail.startswith("401"):
        return dataclasses.replace(finding, status=Status.OK, detail="401: the API answers (a request without "
                                   "sign-in is refused, as it should be)")
    return finding


def _targets(subject: Subject) -> list[tuple[str, str]]:
    targets = []
    if subject.widget_url:
        targets.append(("Network: the widget", subject.widget_url))
    if subject.app_server:
        # The API root answers without sign-in; it is what the widget and the token exchange talk to.
        targets.append((APP_SERVER, subject.app_server.rstrip("/") + "/restapi/v1.0"))
    return targets


def _now(check: Callable[[], list[Finding]]) -> Callable[[], Awaitable[list[Finding]]]:
    async def run() -> list[Finding]:
        return check()

    return run


def _in_thread(check: Callable[[], list[Finding]]) -> Callable[[], Awaitable[list[Finding]]]:
    """File system and keychain calls block; in a daemon thread of their own (:class:`_DaemonThreads`), a hung
    one cannot stall the others, nor hold the command after its limit."""
    return lambda: asyncio.get_running_loop().run_in_executor(_DAEMON_THREADS, check)


async def _limited(name: str, check: Callable[[], Awaitable[list[Finding]]], limit: float) -> list[Finding]:
    started = time.perf_counter()
    try:
        return await asyncio.wait_for(check(), limit)
    except TimeoutError:
        return [Finding("Checks", name, Status.FAILED, f"did not finish within {limit:g} s")]
    except Exception as exc:
        log.exception("diagnose check %s failed", name)
        return [Finding("Checks", name, Status.FAILED, f"could not run ({type(exc).__name__}: {redact(str(exc))})",
                        elapsed_ms=(time.perf_counter() - started) * 1000)]


class _DaemonThreads(concurrent.futures.ThreadPoolExecutor):
    """An executor that runs each call in a daemon thread of its own: the blocking checks everywhere, and the
    terminal command's name lookups.

    asyncio resolves names with ``getaddrinfo`` in the loop's executor, and a call that hangs (a dead DNS
    server) cannot be cancelled; a thread pool's workers are joined at exit, so the command would outlive its
    time limits by minutes. A daemon thread is simply left behind when the report is done. (A pool by type
    only: asyncio accepts no other executor; its own workers are never started.)
    """

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)

        threading.Thread(target=run, name="diagnose-executor", daemon=True).start()
        return future


#: Blocking checks, and the terminal command's name lookups, run here.
_DAEMON_THREADS = _DaemonThreads()


def collect_now(subject: Subject, *, timeout: float = DEFAULT_TIMEOUT) -> list[Finding]:
    """:func:`collect` on a loop of its own (the terminal command), never waiting for a hung lookup."""
    loop = asyncio.new_event_loop()
    loop.set_default_executor(_DAEMON_THREADS)
    try:
        return loop.run_until_complete(collect(subject, timeout=timeout))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def render(findings: Sequence[Finding]) -> str:
    """The report as text, redacted as a whole (codes, tokens, JWTs, numbers) on the way out."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
    return redact(render_report(findings, title=f"{APP_NAME} diagnostics, {stamp}"))
