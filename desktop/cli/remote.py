"""``embeddable-desktop call ACTION`` and ``embeddable-desktop presence STATE``: drive the running phone from a
script, a desktop keyboard shortcut, a Stream Deck button.

No Qt is imported: the command goes over the running instance's local socket and this process ends as soon
as the phone has answered. Exit status: 0 done, 1 not done (one line says why: the phone is not running, no
call is ringing, it is signed out), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from desktop.core.command_line import add_data_dir_option, data_dir_path
from desktop.core.remote_commands import VERBS
from desktop.core.verbs import VERBS as COMMANDS
from desktop.services.instance_link import NotRunning, NotYours, exchange_first, server_names


def build_parser(verb: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"embeddable-desktop {verb}", description=COMMANDS[verb].summary + ".")
    parser.add_argument("word", choices=VERBS[verb], metavar="ACTION" if verb == "call" else "STATE",
                        help=", ".join(VERBS[verb]))
    add_data_dir_option(parser)
    return parser


def _default_data_dir() -> Path:
    # Imported only when no --data-dir is given: the settings modules cost more than the whole hand-over.
    from desktop.services.settings_files import default_data_dir

    return default_data_dir()


def main(verb: str, argv: Sequence[str], *, err: TextIO | None = None) -> int:
    err = sys.stderr if err is None else err
    ns = build_parser(verb).parse_args(list(argv))
    try:
        names = server_names(data_dir_path(ns.data_dir, _default_data_dir))
        reply = exchange_first(names, {"command": [verb, ns.word]})
    except NotRunning:
        err.write("embeddable-desktop: error: the phone is not running (for this user and data folder); "
                  "start Embeddable Desktop first\n")
        return 1
    except NotYours as exc:
        err.write(f"embeddable-desktop: error: not sent: {exc}; another user may be trying to receive your "
                  "commands\n")
        return 1
    if reply == "ok":
        return 0
    err.write(f"embeddable-desktop: error: {reply.removeprefix('error ').strip() or 'the phone did not answer'}\n")
    return 1
