"""Command-line options: parsing, validation and the resolved launch configuration.

Every problem is collected and reported at once (one line each, exit status 2), so a person fixing a
script sees all mistakes in one run. A later settings system layers policy and files under these.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.errors import UsageError
from desktop.core.urls import check_app_server, check_widget_url, loopback_redirect_uri

PRODUCTION_SERVER = "https://platform.ringcentral.com"
SANDBOX_SERVER = "https://platform.devtest.ringcentral.com"
DEFAULT_WIDGET_URL = "https://apps.ringcentral.com/integration/ringcentral-embeddable/latest/app.html"
#: Fixed so it can be registered in the developer console; RingCentral matches redirect URIs exactly.
DEFAULT_REDIRECT_PORT = 47612
BUILT_IN_SERVERS = {"production": PRODUCTION_SERVER, "sandbox": SANDBOX_SERVER}
ENV_CHOICES = ("production", "sandbox", "custom")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._~-]{1,200}$")


@dataclass(frozen=True)
class LaunchOptions:
    """Everything the app needs to start, already validated."""

    env_name: str
    app_server: str
    client_id: str | None
    widget_url: str
    redirect_port: int
    data_dir: Path
    browser_command: tuple[str, ...] | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def redirect_uri(self) -> str:
        return loopback_redirect_uri(self.redirect_port)

    @property
    def uses_loopback_login(self) -> bool:
        """Without a client id the widget's demo client is used, whose redirect is the hosted page."""
        return self.client_id is not None

    @property
    def profile_name(self) -> str:
        """Name of the web profile; each app server gets its own, so storage never mixes."""
        if self.env_name in BUILT_IN_SERVERS:
            return self.env_name
        digest = hashlib.sha256(self.app_server.encode()).hexdigest()[:10]
        return f"custom-{digest}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="embeddable-desktop",
        description="The RingCentral Embeddable phone in a desktop window, signed in through your browser.",
    )
    parser.add_argument("--env", choices=ENV_CHOICES, help="platform environment (default: production)")
    parser.add_argument("--client-id", help="your app's client id from the RingCentral developer console")
    parser.add_argument("--app-server", help="platform URL for --env custom (https only)")
    parser.add_argument("--widget-url", help=f"URL of the widget's app.html (default: {DEFAULT_WIDGET_URL})")
    parser.add_argument(
        "--redirect-port",
        help=f"port of the sign-in listener on 127.0.0.1 (default: {DEFAULT_REDIRECT_PORT})",
    )
    parser.add_argument("--data-dir", help="folder for everything the app writes (profiles, logs)")
    parser.add_argument(
        "--browser", metavar="COMMAND", help="command that opens sign-in pages; the URL is added as last argument"
    )
    return parser


def _resolve_server(ns: argparse.Namespace, problems: list[str], warnings: list[str]) -> tuple[str, str]:
    env = ns.env or ("custom" if ns.app_server else "production")
    if env in BUILT_IN_SERVERS:
        if ns.app_server:
            problems.append(f"--app-server: only used with --env custom (--env {env} always uses "
                            f"{BUILT_IN_SERVERS[env]})")
        return env, BUILT_IN_SERVERS[env]
    if not ns.app_server:
        problems.append("--app-server: required with --env custom, e.g. --app-server https://platform.example.com")
        return env, ""
    try:
        checked = check_app_server(ns.app_server)
    except ValueError as exc:
        problems.append(str(exc))
        return env, ""
    warnings.extend(checked.warnings)
    return env, checked.url


def _resolve_port(raw: str | None, problems: list[str]) -> int:
    if raw is None:
        return DEFAULT_REDIRECT_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        problems.append(f"--redirect-port: {raw!r} is not a port number (1-65535)")
        return DEFAULT_REDIRECT_PORT
    return int(raw)


def _resolve_browser(raw: str | None, problems: list[str]) -> tuple[str, ...] | None:
    if raw is None:
        return None
    try:
        words = tuple(shlex.split(raw))
    except ValueError as exc:
        problems.append(f"--browser: cannot split {raw!r} into a command ({exc})")
        return None
    if not words:
        problems.append("--browser: the command is empty")
        return None
    return words


def parse_options(argv: list[str], default_data_dir: Path) -> LaunchOptions:
    """Parse and validate ``argv``.

    Raises:
        UsageError: listing every problem, one line each.
        SystemExit: from argparse for ``--help`` and unknown options.
    """
    ns = build_parser().parse_args(argv)
    problems: list[str] = []
    warnings: list[str] = []
    env, server = _resolve_server(ns, problems, warnings)

    client_id = ns.client_id
    if client_id is not None and not _CLIENT_ID.match(client_id):
        problems.append(f"--client-id: {client_id!r} is not a client id (letters, digits, '-', '_', '.', '~')")

    widget_url = DEFAULT_WIDGET_URL
    if ns.widget_url is not None:
        try:
            checked = check_widget_url(ns.widget_url)
            widget_url = checked.url
            warnings.extend(checked.warnings)
        except ValueError as exc:
            problems.append(str(exc))

    port = _resolve_port(ns.redirect_port, problems)
    data_dir = Path(ns.data_dir).expanduser() if ns.data_dir else default_data_dir
    if data_dir.exists() and not data_dir.is_dir():
        problems.append(f"--data-dir: {data_dir} exists and is not a folder")
    browser = _resolve_browser(ns.browser, problems)

    if problems:
        raise UsageError(problems)
    return LaunchOptions(
        env_name=env,
        app_server=server,
        client_id=client_id,
        widget_url=widget_url,
        redirect_port=port,
        data_dir=data_dir.resolve(),
        browser_command=browser,
        warnings=tuple(warnings),
    )
