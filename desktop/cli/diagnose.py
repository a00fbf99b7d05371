"""``embeddable-desktop diagnose``: the helpdesk's report, from a terminal, without starting the window.

It resolves the settings exactly as start-up would (the same options, files, variables and policy) and
checks what that start would need; settings that would stop the app are reported, not fatal, since that is
often the very problem. ``--bundle FILE`` also writes the support bundle (report and logs, redacted). Exit
status: 0 nothing failed, 1 a check failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from desktop.core.app_parser import add_environment_options
from desktop.core.command_line import data_dir_path
from desktop.core.errors import UsageError
from desktop.core.findings import Status
from desktop.diagnostics.bundle import write_bundle
from desktop.diagnostics.report import DEFAULT_TIMEOUT, Subject, collect_now, render
from desktop.services.settings_files import SettingsFileError, default_data_dir
from desktop.services.settings_loader import load_settings, settings_path
from desktop.services.tls_trust import extra_ca_file


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="embeddable-desktop diagnose",
        description="Check this machine, the settings, the keychain, the sign-in port, the network to the widget "
        "and the app server, and the log; print one redacted report for the helpdesk.")
    add_environment_options(parser)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time limit of each check (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--bundle", metavar="FILE", help="also write a support bundle (the report and the logs, "
                        "redacted) to FILE, a .zip")
    return parser


def subject(ns: argparse.Namespace, environ: Mapping[str, str]) -> Subject:
    """What start-up would run with these options, or the problems that would stop it."""
    argv = [f"{option}={value}" for option, value in (
        ("--env", ns.env), ("--client-id", ns.client_id), ("--app-server", ns.app_server),
        ("--widget-url", ns.widget_url), ("--redirect-port", ns.redirect_port), ("--data-dir", ns.data_dir))
        if value is not None]
    path = settings_path(ns)
    data_dir = data_dir_path(ns.data_dir, default_data_dir)
    extra = extra_ca_file(environ)
    try:
        loaded = load_settings(argv, environ, default_data_dir())
    except (UsageError, SettingsFileError) as exc:
        return Subject(settings_path=path, data_dir=data_dir, problems=tuple(exc.problems), extra_ca_file=extra)
    return Subject.for_options(loaded.options, settings_path=loaded.settings_path, resolution=loaded.resolution,
                               extra_ca_file=extra)


def main(argv: Sequence[str], *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    ns = build_parser().parse_args(list(argv))
    if ns.timeout <= 0:
        err.write("embeddable-desktop: error: --timeout: must be more than 0 seconds\n")
        return 2
    what = subject(ns, os.environ)
    findings = collect_now(what, timeout=ns.timeout)
    report = render(findings)
    out.write(report)
    if ns.bundle:
        target = Path(ns.bundle).expanduser()
        try:
            write_bundle(target, report, what.data_dir / "logs")
        except OSError as exc:
            err.write(f"embeddable-desktop: error: --bundle: cannot write {target} ({exc.strerror or exc})\n")
            return 1
        out.write(f"Support bundle written to {target}\n")
    return 1 if any(f.status is Status.FAILED for f in findings) else 0
