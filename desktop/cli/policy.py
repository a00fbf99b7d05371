"""``embeddable-desktop policy check [FILE]``: what an IT policy does, before it reaches a fleet.

FILE is a ``policy.json``, a managed-preferences ``.plist`` or a ``.mobileconfig`` profile; without it, the
policy installed on this machine is read (the file, managed preferences or registry the app reads). Every
problem is named with where it is, as for the settings file; then the effective settings the policy
produces, which of them are locked, hidden and required, and warnings a fleet should hear about (one JWT
service user for many seats). Exit status: 0 usable, 1 problems, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import plistlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from desktop.core.settings import Policy, resolve
from desktop.core.settings_schema import environment_names
from desktop.services.policy_sources import BUNDLE_ID, policy_from_data, read_policy
from desktop.services.settings_files import SettingsFileError

#: RingCentral keeps at most this many OAuth sessions per user per app (auth FAQ): a sixth sign-in ends the
#: oldest one, wherever it is.
SESSIONS_PER_USER = 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="embeddable-desktop policy",
                                     description="Check an IT policy and show the settings and locks it produces.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="validate a policy file (or this machine's policy)")
    check.add_argument("file", nargs="?", metavar="FILE",
                       help="policy.json, a managed-preferences .plist or a .mobileconfig (default: the installed "
                            "policy)")
    return parser


def load(path: Path) -> Policy:
    """The policy in ``path``, by its kind.

    Raises:
        SettingsFileError: the file cannot be read, parsed or used; every problem named.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsFileError(path, [f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    if path.suffix in (".plist", ".mobileconfig"):
        try:
            data: Any = plistlib.loads(raw)
        except (plistlib.InvalidFileException, ValueError) as exc:
            raise SettingsFileError(path, [f"{path}: not a property list ({exc})"]) from None
        if path.suffix == ".mobileconfig":
            data = _profile_payload(data, path)
        return policy_from_data(data, str(path))
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SettingsFileError(path, [f"{path}: not UTF-8 text ({exc.reason})"]) from None
    except json.JSONDecodeError as exc:
        raise SettingsFileError(path, [f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON "
                                       f"({exc.msg})"]) from None
    return policy_from_data(data, str(path))


def _profile_payload(profile: Any, path: Path) -> dict[str, Any]:
    """The managed preferences a profile sets for the app: its payload whose PayloadType is the bundle id."""
    contents = profile.get("PayloadContent", []) if isinstance(profile, dict) else []
    payloads = [p for p in contents if isinstance(p, dict) and p.get("PayloadType") == BUNDLE_ID]
    if len(payloads) != 1:
        raise SettingsFileError(path, [f"{path}: expected one payload of PayloadType {BUNDLE_ID}, found "
                                       f"{len(payloads)}"])
    return {k: v for k, v in payloads[0].items() if not k.startswith("Payload")}


def fleet_warnings(policy: Policy) -> list[str]:
    """What a fleet should hear about this policy before it is pushed."""
    warnings = []
    for env in environment_names(policy.values):
        if policy.values.get(f"environments.{env}.auth_mode") == "jwt":
            warnings.append(
                f"environments.{env}.auth_mode is jwt: every installation signs in as the same service user, and "
                f"RingCentral keeps at most {SESSIONS_PER_USER} sessions per user and app, so a sixth running "
                "installation silently ends the oldest session elsewhere. Use one service user (one JWT, in each "
                f"machine's keychain) per {SESSIONS_PER_USER} seats.")
    return warnings


def report(policy: Policy, out: TextIO) -> bool:
    """Print what ``policy`` produces; returns whether it is usable."""
    resolution = resolve(policy, [])
    out.write(f"# policy: {policy.source}\n")
    for problem in [*resolution.problems, *resolution.environment_problems]:
        out.write(f"! {problem}\n")
    for value in resolution.shown() + [v for v in resolution.values.values() if v.hidden]:
        if value.key in policy.values:
            hidden = "  [hidden]" if value.key in policy.hidden else ""
            out.write(f"{value.key} = {json.dumps(value.value)}    [locked]{hidden}\n")
    unlocked_hidden = sorted(set(policy.hidden) - set(policy.values))
    if unlocked_hidden:
        out.write(f"hidden (people may still set them): {', '.join(unlocked_hidden)}\n")
    for key in policy.required:
        state = "set by the policy" if key in policy.values else "each person (or their settings file) must set it"
        out.write(f"required: {key} ({state})\n")
    for warning in fleet_warnings(policy):
        out.write(f"warning: {warning}\n")
    ok = not resolution.problems and not resolution.environment_problems
    out.write("policy is usable\n" if ok else "policy has problems; the app would not start with it\n")
    return ok


def main(argv: Sequence[str], *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    ns = build_parser().parse_args(list(argv))
    try:
        policy = load(Path(ns.file)) if ns.file else read_policy()
    except SettingsFileError as exc:
        for problem in exc.problems:
            err.write(f"embeddable-desktop: error: {problem}\n")
        return 1
    return 0 if report(policy, out) else 1
