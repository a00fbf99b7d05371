"""``embeddable-desktop secrets set|status|delete``: the client secret and JWT in the OS keychain.

A value is read from stdin when stdin is not a terminal (``... secrets set jwt < jwt.txt``), else from a
hidden prompt; never from the command line, where it would land in the shell history and the process
list. Nothing here prints a value. Exit status: 0 done, 1 the keychain failed or the value was refused
(one ``embeddable-desktop: error: ...`` line), 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from typing import TextIO

from desktop.core.command_line import add_data_dir_option
from desktop.core.errors import LauncherError, UsageError
from desktop.services.secrets import SECRET_NAMES, SecretStore, service_name
from desktop.services.settings_files import SettingsFileError
from desktop.services.settings_loader import lower_resolution, settings_path

PROG = "embeddable-desktop"
#: Longer than the store's default: a person is at hand and may be answering the keychain's unlock prompt.
CLI_TIMEOUT = 60.0


def _env_name(value: str) -> str:
    """An invalid environment name is a usage error (status 2), found before any keychain call."""
    try:
        service_name(value)
    except LauncherError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} secrets",
        description="Keep the client secret and JWT in the OS keychain, one entry per environment. The "
        "environment is the one the settings choose unless --env names another defined there.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subs = []
    for command, summary in (
        ("set", "store a secret, read from stdin or a hidden prompt"),
        ("status", "which secrets are stored, and in which keychain"),
        ("delete", "remove a secret"),
    ):
        sub = commands.add_parser(command, help=summary, description=summary)
        if command != "status":
            sub.add_argument("name", choices=SECRET_NAMES, metavar="NAME", help=" or ".join(SECRET_NAMES))
        sub.add_argument("--env", type=_env_name, help="environment (default: the one the settings choose)")
        subs.append(sub)
    add_data_dir_option(parser, *subs)
    return parser


def chosen_environment(requested: str | None, data_dir: str | None) -> tuple[str, list[str]]:
    """The environment the command is for, and notes for the person; the settings of ``data_dir`` define it.

    Raises:
        UsageError: ``requested`` is not an environment those settings know (a typo would otherwise put the
            secret where no environment ever reads it).
        SettingsFileError: the settings or the policy cannot be read.
    """
    path = settings_path(argparse.Namespace(data_dir=data_dir))
    resolution = lower_resolution(path, os.environ)
    env = requested or resolution.environment
    known = resolution.environments()
    if env not in known:
        raise UsageError([f"--env: environment {env!r} is not defined in {path} (defined: {', '.join(known)}); "
                          f"define it first: {PROG} config set environments.{env}.app_server URL"])
    notes = []
    if resolution.env_value(env, "auth_mode") == "pkce":
        notes.append(f"note: {env} signs in through the browser (auth_mode pkce); secrets are used only with "
                     f"{PROG} config set environments.{env}.auth_mode jwt (or authorization_code)")
    return env, notes


def value_from_stdin(text: str) -> str:
    """Drop the one line break that ``echo`` or a file adds; anything else is the value as given."""
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


def _read_value(name: str, env: str, stdin: TextIO | None, stderr: TextIO) -> str:
    if stdin is not None and not stdin.isatty():
        return value_from_stdin(stdin.read())
    try:
        # getpass talks to the terminal itself and does not echo.
        return getpass.getpass(f"{name} for {env} (input hidden): ", stream=stderr)
    except (EOFError, KeyboardInterrupt):
        stderr.write("\n")
        raise LauncherError(f"no value was entered for {name}.") from None


def main(
    argv: list[str],
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    timeout: float = CLI_TIMEOUT,
) -> int:
    """Run one ``secrets`` command; ``argv`` is what follows ``secrets`` (a leading ``secrets`` is skipped).

    The streams default to the ``sys`` ones at call time, not at import time, so redirections made later
    (pytest's capture, a GUI without a console) are honoured.
    """
    stdin = sys.stdin if stdin is None else stdin
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    if argv[:1] == ["secrets"]:
        argv = argv[1:]
    try:
        # argparse writes help and usage errors to sys.stdout/sys.stderr and exits.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        args.env, notes = chosen_environment(args.env, args.data_dir)
    except (UsageError, SettingsFileError) as exc:
        for problem in exc.problems:
            err.write(f"{PROG}: error: {problem}\n")
        return 2
    for note in notes if args.command == "set" else ():
        err.write(note + "\n")
    store = SecretStore(timeout=timeout)
    try:
        if args.command == "set":
            value = _read_value(args.name, args.env, stdin, err)
            store.set(args.env, args.name, value)
            out.write(f"Saved {args.name} for {args.env} in {store.backend_name()}.\n")
        elif args.command == "delete":
            if store.delete(args.env, args.name):
                out.write(f"Deleted {args.name} for {args.env}.\n")
            else:
                out.write(f"{args.name} was not set for {args.env}; nothing to delete.\n")
        else:
            present = store.status(args.env)
            out.write(f"environment: {args.env}\nkeychain: {store.backend_name()}\n")
            for name in SECRET_NAMES:
                out.write(f"{name}: {'set' if present[name] else 'not set'}\n")
    except LauncherError as exc:
        err.write(f"{PROG}: error: {' '.join(str(exc).split())}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
