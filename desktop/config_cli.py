"""``embeddable-desktop config show | set KEY VALUE | unset KEY``: the user's settings from a terminal.

Edits go through the same schema and policy checks as start-up, and are written atomically; a file that
cannot be read is reported, never overwritten.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from desktop.core.command_line import add_data_dir_option
from desktop.core.errors import LauncherError, UsageError
from desktop.core.settings_schema import BUILT_IN_SERVERS, lookup
from desktop.services.settings_files import (
    SettingsFileError,
    load_user_file,
    write_json_atomic,
)
from desktop.services.settings_loader import lower_resolution, settings_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="embeddable-desktop config",
                                     description="Show and edit the settings (IT policy keys are locked).")
    sub = parser.add_subparsers(dest="action", required=True)
    show_parser = sub.add_parser("show", help="every effective value with its source")
    set_parser = sub.add_parser("set", help="set KEY to VALUE in the user settings file")
    set_parser.add_argument("key")
    set_parser.add_argument("value")
    unset_parser = sub.add_parser("unset", help="remove KEY from the user settings file")
    unset_parser.add_argument("key")
    add_data_dir_option(parser, show_parser, set_parser, unset_parser)
    return parser


def _show_value(value: Any) -> str:
    return "(not set)" if value is None else json.dumps(value)


def _show(path: Path, out: TextIO) -> None:
    resolution = lower_resolution(path, os.environ)
    for problem in [*resolution.problems, *resolution.environment_problems, *resolution.refused]:
        out.write(f"! {problem}\n")
    for value in resolution.shown():
        reason = resolution.lock_reason(value.key)
        # The source already names the policy file for a key policy sets; other locks say why.
        lock = "" if reason is None else "  [locked by IT policy]" if value.source.startswith("policy") \
            else f"  [locked: {reason}]"
        out.write(f"{value.key} = {_show_value(value.value)}    ({value.source}){lock}\n")
    missing = resolution.missing_required()
    if missing:
        out.write(f"! required by IT policy but not set: {', '.join(missing)}\n")
    _show_secrets([e for e in resolution.environments() if resolution.env_value(e, "auth_mode") != "pkce"], out)


def _show_secrets(envs: list[str], out: TextIO) -> None:
    """Secrets of the environments that use them: whether each is stored, never the value."""
    if not envs:
        return
    from desktop.services.secrets import SecretStore

    store = SecretStore(timeout=5.0)
    for env in envs:
        try:
            status = store.status(env)
            where = store.backend_name()
        except LauncherError as exc:
            out.write(f"! secrets of {env}: {exc}\n")
            continue
        for name, present in status.items():
            shown = "******** (stored)" if present else "(not set)"
            out.write(f"secrets.{env}.{name} = {shown}    (keychain: {where})\n")


def edit_user_setting(path: Path, key: str, value: str | None) -> str:
    """Set (or with ``None`` remove) ``key`` in the user file after the schema and policy checks.

    Raises:
        UsageError: unknown key, invalid value, or a key locked by IT policy.
        SettingsFileError: the file cannot be read (it is then left as it is).
    """
    try:
        setting = lookup(key)
    except KeyError as exc:
        raise UsageError([str(exc.args[0])]) from None
    reason = lower_resolution(path, os.environ).lock_reason(key)
    if reason is not None:
        raise UsageError([f"{key} is {reason} and cannot be changed"])
    if key.endswith(".app_server") and key.split(".")[1] in BUILT_IN_SERVERS:
        raise UsageError([f"{key}: the {key.split('.')[1]} server is fixed; define a custom environment instead"])
    values = dict(load_user_file(path).values)
    if value is None:
        if values.pop(key, None) is None:
            return f"{key} was not set in {path}"
        write_json_atomic(path, values)
        return f"{key} removed from {path}"
    try:
        converted = setting.convert(value)  # ports and flags accept their text forms
    except ValueError as exc:
        raise UsageError([f"{key} = {value!r}: {exc}"]) from None
    values[key] = converted
    write_json_atomic(path, values)
    return f"{key} = {_show_value(converted)} saved in {path}"


def main(argv: Sequence[str], *, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    ns = _parser().parse_args(list(argv))
    path = settings_path(ns)
    try:
        if ns.action == "show":
            out.write(f"# settings file: {path}\n")
            _show(path, out)
        else:
            out.write(edit_user_setting(path, ns.key, ns.value if ns.action == "set" else None) + "\n")
    except (UsageError, SettingsFileError) as exc:
        for problem in exc.problems:
            err.write(f"embeddable-desktop: error: {problem}\n")
        return 2
    except BrokenPipeError:
        raise  # the reader went away (``| head``): the entry point leaves quietly
    except (LauncherError, OSError) as exc:
        err.write(f"embeddable-desktop: error: {exc}\n")
        return 1
    return 0
