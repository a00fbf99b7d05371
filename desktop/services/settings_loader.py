"""Everything start-up needs from the settings: policy, the user's file, environment variables, argv.

No Qt. A user file that cannot be used stops start-up with every problem listed, unless the person
agreed (``--reset-settings`` or the dialog) to start on defaults; then a copy is kept first.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path

from desktop.core.errors import UsageError
from desktop.core.options import LaunchOptions, build_parser, parse_settings
from desktop.core.records import record
from desktop.core.settings import Layer, Policy, Resolution, resolve
from desktop.core.settings_schema import environment_names
from desktop.services.policy_sources import read_policy
from desktop.services.settings_files import (
    SETTINGS_FILE_NAME,
    SettingsFileError,
    default_settings_path,
    environment_layer,
    keep_copy,
    load_user_file,
    write_json_atomic,
)


@record(frozen=False)
class LoadedSettings:
    options: LaunchOptions
    resolution: Resolution
    settings_path: Path
    notices: list[str] = field(default_factory=list)


class UnusableSettingsFile(SettingsFileError):
    """The user's settings file has problems; the app may start on defaults only if the person agrees."""


def settings_path(ns: argparse.Namespace) -> Path:
    """``<data dir>/settings.json`` when ``--data-dir`` is given (everything in one place), else the OS config dir."""
    return Path(ns.data_dir).expanduser() / SETTINGS_FILE_NAME if ns.data_dir else default_settings_path()


def _variables(policy: Policy, user: Layer, environ: Mapping[str, str]) -> Layer:
    """The environment-variable layer, for every environment the policy, the user's file or a variable names."""
    return environment_layer(environ, environment_names([*policy.values, *user.values]))


def lower_resolution(path: Path, environ: Mapping[str, str]) -> Resolution:
    """IT policy, the user's file and the environment variables resolved, as start-up sees them below the
    command line: what ``config`` shows and edits and ``secrets`` takes its environments from.

    Raises:
        SettingsFileError: the policy or the user file cannot be read.
    """
    policy = read_policy()
    user = load_user_file(path)
    return resolve(policy, [user, _variables(policy, user, environ)])


def load_settings(argv: Sequence[str], environ: Mapping[str, str], default_data_dir: Path, *,
                  policy_path: Path | None = None, reset: bool = False) -> LoadedSettings:
    """Resolve the settings for this start.

    Raises:
        SettingsFileError: IT policy cannot be read (the app must not start without its locks).
        UnusableSettingsFile: the user file has problems and ``reset`` / ``--reset-settings`` was not given.
        UsageError: problems with options, environment variables or policy values.
    """
    ns = build_parser().parse_args(list(argv))
    reset = reset or ns.reset_settings
    policy = read_policy(policy_path)
    path = settings_path(ns)
    notices: list[str] = []
    try:
        user = load_user_file(path)
    except SettingsFileError as exc:
        if not reset:
            raise UnusableSettingsFile(path, exc.problems) from None
        notices.append(_reset(path, exc.problems))
        user = Layer("user file", str(path), {})
    variables = _variables(policy, user, environ)
    try:
        options, resolution, _ = parse_settings(argv, default_data_dir, policy=policy, layers=[user, variables])
    except UsageError as exc:
        from_file = [p for p in exc.problems if p.startswith(f"user file {path}")]
        if not from_file:
            raise
        if not reset:
            raise UnusableSettingsFile(path, from_file) from None
        notices.append(_reset(path, from_file))
        user = Layer("user file", str(path), {})
        variables = _variables(policy, user, environ)
        options, resolution, _ = parse_settings(argv, default_data_dir, policy=policy, layers=[user, variables])
    return LoadedSettings(options, resolution, path, notices)


def _reset(path: Path, problems: list[str]) -> str:
    copy = keep_copy(path)
    write_json_atomic(path, {})  # the person agreed; the copy keeps what they had
    return (f"The settings file {path} could not be used ({len(problems)} problem(s)); started on default "
            f"settings. Your file is kept as {copy}.")
