"""``embeddable-desktop config show | set KEY VALUE | unset KEY``: the user's settings from a terminal.

Edits go through the same schema and policy checks as start-up (:mod:`desktop.services.settings_edit`, which the
window's Settings dialog and menus use too), and are written atomically; a file that cannot be read is reported,
never overwritten.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from desktop.core.command_line import add_data_dir_option
from desktop.core.errors import LauncherError, UsageError
from desktop.services.settings_edit import edit_user_setting, show_value
from desktop.services.settings_files import SettingsFileError
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


def _show(path: Path, out: TextIO) -> None:
    resolution = lower_resolution(path, os.environ)
    for problem in [*resolution.problems, *resolution.environment_problems, *resolution.refused]:
        out.write(f"! {problem}\n")
    for value in resolution.shown():
        reason = resolution.lock_reason(value.key)
        # The source already names the policy file for a key policy sets; other locks say why.
        lock = "" if reason is None else "  [locked by IT policy]" if value.source.startswith("policy") \
            else f"  [locked: {reason}]"
        out.write(f"{value.key} = {show_value(value.value)}    ({value.source}){lock}\n")
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
