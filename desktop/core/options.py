"""The command line, on top of the settings layers, resolved into the launch configuration.

Command-line options are the top settings layer: ``--env`` picks the environment, the per-environment
options (``--client-id``, ``--app-server``, ``--widget-url``, ``--redirect-port``) apply to it, and
``--env custom --app-server URL`` runs an ad-hoc custom environment with no prior configuration. Every
problem is collected and reported at once (one line each, exit status 2).
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from desktop.core.app_parser import build_parser
from desktop.core.command_line import data_dir_path
from desktop.core.desk_prefs import DesktopPrefs, desktop_prefs
from desktop.core.dial_links import DialRequest, normalise_number, parse_dial_link
from desktop.core.errors import UsageError
from desktop.core.records import record
from desktop.core.settings import NO_POLICY, Layer, Policy, Resolution, resolve, secret_mode_problems
from desktop.core.settings_schema import (
    BUILT_IN_SERVERS,
    DEFAULT_REDIRECT_PORT,
    DEFAULT_WIDGET_URL,
    ENV_NAME,
    PRODUCTION_SERVER,
    SANDBOX_SERVER,
    env_key,
)
from desktop.core.urls import check_app_server, check_widget_url, loopback_redirect_uri

__all__ = ["DEFAULT_REDIRECT_PORT", "DEFAULT_WIDGET_URL", "PRODUCTION_SERVER", "SANDBOX_SERVER", "LaunchOptions",
           "argv_for_environment", "build_parser", "parse_options", "parse_settings"]


@record
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
    auth_mode: str = "pkce"
    dial: tuple[DialRequest, ...] = ()
    desktop: DesktopPrefs = DesktopPrefs()
    #: The ``proxy`` setting (see desktop.core.proxy).
    proxy: str = "system"
    #: The ``performance_tuning`` setting (see desktop.core.footprint).
    performance_tuning: bool = True

    @property
    def redirect_uri(self) -> str:
        return loopback_redirect_uri(self.redirect_port)

    @property
    def uses_loopback_login(self) -> bool:
        """Without a client id the widget's demo client is used, whose redirect is the hosted page."""
        return self.client_id is not None and self.auth_mode == "pkce"

    @property
    def profile_name(self) -> str:
        """Name of the web profile: one per environment and app server, so storage never mixes."""
        if self.env_name in BUILT_IN_SERVERS:
            return self.env_name
        digest = hashlib.sha256(self.app_server.encode()).hexdigest()[:10]
        return f"{self.env_name}-{digest}"


def _check(value: str | None, option: str, check: Any, problems: list[str], warnings: list[str]) -> str | None:
    if value is None:
        return None
    try:
        checked = check(value, option)
    except ValueError as exc:
        problems.append(str(exc))
        return None
    warnings.extend(checked.warnings)
    return str(checked.url)


def _command_line_layer(ns: argparse.Namespace, lower: Resolution, problems: list[str],
                        warnings: list[str]) -> Layer:
    """The options as settings, on top of what the lower layers (``lower``) resolved to."""
    lower_keys = set(lower.values)
    # Options that do not belong to an environment; IT policy may still lock them (then: refused, told).
    chosen = {"browser": ns.browser, "start_minimized": ns.minimized or None, "devtools": ns.devtools or None}
    global_values = {k: v for k, v in chosen.items() if v is not None}
    global_sources = {k: "--" + {"start_minimized": "minimized"}.get(k, k) for k in global_values}
    env = ns.env or ("custom" if ns.app_server else lower.environment)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    reason = lower.lock_reason("environment")
    if reason is not None and env != lower.environment:
        # The options were meant for another environment than the pinned one: applying them to the pinned
        # one (another server's client id, say) would be wrong, so they are refused, each by name.
        given = [o for o, v in (("--client-id", ns.client_id), ("--app-server", ns.app_server),
                                ("--widget-url", ns.widget_url), ("--redirect-port", ns.redirect_port)) if v]
        problems.extend(f"{option}: not used: it is for environment {env!r}, but the environment is "
                        f"{lower.environment!r} and {reason}" for option in given)
        warnings.append(f"--env: environment is {reason} and cannot be changed here")
        return Layer("command line", "command line", global_values, global_sources)

    def put(key: str, value: Any, option: str) -> None:
        values[key] = value
        sources[key] = option

    if ns.env is not None and not ENV_NAME.match(ns.env):
        problems.append(f"--env: {ns.env!r} is not an environment name (lower-case letters, digits, '-', '_')")
        return Layer("command line", "command line", {})
    if ns.env or ns.app_server:
        put("environment", ns.env or "custom", "--env" if ns.env else "--app-server")
    if env in BUILT_IN_SERVERS and ns.app_server:
        problems.append(f"--app-server: only used with a custom environment (--env {env} always uses "
                        f"{BUILT_IN_SERVERS[env]})")
    server = _check(ns.app_server, "--app-server", check_app_server, problems, warnings)
    if server is not None and env not in BUILT_IN_SERVERS:
        put(env_key(env, "app_server"), server, "--app-server")
    if ns.env == "custom" and ns.app_server is None and env_key(env, "app_server") not in lower_keys:
        problems.append("--app-server: required with --env custom, e.g. --app-server https://platform.example.com")
    widget = _check(ns.widget_url, "--widget-url", check_widget_url, problems, warnings)
    if widget is not None:
        put(env_key(env, "widget_url"), widget, "--widget-url")
    if ns.client_id is not None:
        put(env_key(env, "client_id"), ns.client_id, "--client-id")
    if ns.redirect_port is not None:
        if ns.redirect_port.isdigit() and 1 <= int(ns.redirect_port) <= 65535:
            put(env_key(env, "redirect_port"), int(ns.redirect_port), "--redirect-port")
        else:
            problems.append(f"--redirect-port: {ns.redirect_port!r} is not a port number (1-65535)")
    values.update(global_values)
    sources.update(global_sources)
    return Layer("command line", "command line", values, sources)


def dial_requests(ns: argparse.Namespace, problems: list[str]) -> tuple[DialRequest, ...]:
    """The links and ``--call`` numbers of a parsed command line; problems are appended, one per bad one."""
    requests = []
    for link in ns.links:
        try:
            requests.append(parse_dial_link(link))
        except ValueError as exc:
            problems.append(str(exc))
    for number in ns.call:
        try:
            requests.append(DialRequest("call", normalise_number(number, "--call")))
        except ValueError as exc:
            problems.append(str(exc))
    return tuple(requests)


def _browser(raw: str | None, where: str, problems: list[str]) -> tuple[str, ...] | None:
    if raw is None:
        return None
    try:
        words = tuple(shlex.split(raw))
    except ValueError as exc:
        problems.append(f"{where}: cannot split {raw!r} into a command ({exc})")
        return None
    if not words:
        problems.append(f"{where}: the command is empty")
        return None
    return words


def _data_dir(ns: argparse.Namespace, default: Path, problems: list[str]) -> Path:
    data_dir = data_dir_path(ns.data_dir, lambda: default)
    if data_dir.exists() and not data_dir.is_dir():
        problems.append(f"--data-dir: {data_dir} exists and is not a folder")
    return data_dir


def parse_settings(argv: Sequence[str], default_data_dir: Path, *, policy: Policy = NO_POLICY,
                   layers: Sequence[Layer] = ()) -> tuple[LaunchOptions, Resolution, argparse.Namespace]:
    """Resolve ``argv`` on top of ``layers`` (lowest first) under ``policy``.

    Raises:
        UsageError: listing every problem, one line each (the option or the file and key named).
        SystemExit: from argparse for ``--help`` and unknown options.
    """
    ns = build_parser().parse_args(list(argv))
    problems: list[str] = []
    warnings: list[str] = []
    lower = resolve(policy, layers)
    cli = _command_line_layer(ns, lower, problems, warnings)
    resolution = resolve(policy, [*layers, cli])
    # A bad option is reported once, by the option; the environment it then lacks follows from it.
    option_failed = bool(problems)
    problems += resolution.problems
    if not option_failed:
        problems += resolution.environment_problems
    warnings += resolution.refused
    env = resolution.environment
    problems += secret_mode_problems(resolution, env)
    dial = dial_requests(ns, problems)
    data_dir = _data_dir(ns, default_data_dir, problems)
    browser = _browser(resolution.get("browser"), resolution.source("browser"), problems)
    if problems:
        raise UsageError(list(dict.fromkeys(problems)))
    options = LaunchOptions(
        env_name=env,
        app_server=str(resolution.env_value(env, "app_server")),
        client_id=resolution.env_value(env, "client_id"),
        widget_url=str(resolution.env_value(env, "widget_url")),
        redirect_port=int(resolution.env_value(env, "redirect_port")),
        data_dir=data_dir,
        browser_command=browser,
        warnings=tuple(dict.fromkeys(warnings)),
        auth_mode=str(resolution.env_value(env, "auth_mode")),
        dial=dial,
        desktop=desktop_prefs(resolution),
        proxy=str(resolution.get("proxy")),
        performance_tuning=bool(resolution.get("performance_tuning")),
    )
    return options, resolution, ns


def parse_options(argv: Sequence[str], default_data_dir: Path, *, policy: Policy = NO_POLICY,
                  layers: Sequence[Layer] = ()) -> LaunchOptions:
    """:func:`parse_settings` for callers that only need the launch configuration."""
    return parse_settings(argv, default_data_dir, policy=policy, layers=layers)[0]


#: Options that choose or describe the environment; a switch to another environment drops them.
_ENVIRONMENT_OPTIONS = ("--env", "--app-server", "--client-id", "--widget-url", "--redirect-port")


def argv_for_environment(argv: Sequence[str], env: str) -> list[str]:
    """``argv`` for starting in ``env``: the environment options replaced, everything else kept."""
    out: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        name = word.split("=", 1)[0]
        if word.lower().startswith(("tel:", "callto:", "sms:")):
            continue  # a link is dialed once, where it was opened
        if name in (*_ENVIRONMENT_OPTIONS, "--call"):
            skip = "=" not in word
            continue
        if word in ("--reset-settings", "--minimized"):
            continue
        out.append(word)
    return [*out, "--env", env]
