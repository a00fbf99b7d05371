"""Which tool a command line is for: the app, or one of the verbs (``config``, ``secrets``, ``diagnose``).

Global options may stand before or after the verb, as with git and docker: ``embeddable-desktop --data-dir D
config show`` and ``embeddable-desktop config show --data-dir D`` are the same command. The verb is the first
word that is neither an option nor an option's value; a link (``tel:...``) is never a verb.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop.core.records import record

#: The verbs, with the one line ``--help`` shows for each.
VERBS = {
    "config": "show and edit the settings (show | set KEY VALUE | unset KEY)",
    "secrets": "keep the client secret and JWT in the OS keychain (set | status | delete)",
    "diagnose": "check this machine, the settings, the keychain, the microphone and the network; print a report",
    "policy": "check an IT policy file (or this machine's) and show the settings and locks it produces",
    "call": "answer, decline, hang up, mute, unmute, hold or resume a call on the running phone",
    "presence": "set the running phone's presence: available, busy, dnd or offline",
}

#: Options of the app that take a value, so that the word after them is read as that value, not as a verb.
VALUE_OPTIONS = frozenset({"--env", "--client-id", "--app-server", "--widget-url", "--redirect-port", "--data-dir",
                           "--browser", "--call"})


@record
class Invocation:
    """``verb`` is None for the app itself; ``argv`` is what the verb's (or the app's) parser reads."""

    verb: str | None
    argv: list[str]


def split_command(argv: Sequence[str]) -> Invocation:
    """Find the verb, if any, and hand the rest of the words (options before it included) to its parser."""
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            break  # after "--" everything is a link (the app's own parser reads them)
        if word.startswith("-"):
            takes_value = word in VALUE_OPTIONS  # "--data-dir=D" carries its value in the same word
            index += 2 if takes_value else 1
            continue
        if word in VERBS:
            return Invocation(word, words[:index] + words[index + 1:])
        break  # the first plain word is a link: this is the app
    return Invocation(None, words)


def data_dir_path(given: str | None, default: Callable[[], Path]) -> Path:
    """The data folder ``--data-dir`` names, or the default (looked up only then), resolved as the app does.

    The running instance's socket name comes from this path, so the app, a later start and ``embeddable-desktop
    call ...`` must all arrive at the same one.
    """
    return (Path(given).expanduser() if given else default()).resolve()


def verbs_help() -> str:
    """The verbs part of ``--help``."""
    lines = ["commands (embeddable-desktop COMMAND --help for each):"]
    lines += [f"  {verb:<9} {summary}" for verb, summary in VERBS.items()]
    return "\n".join(lines)


def add_data_dir_option(*parsers: argparse.ArgumentParser) -> None:
    """``--data-dir`` on a verb's parser and on each of its sub-commands, so it may follow the action as well.

    On the sub-commands it defaults to "not given" (SUPPRESS): otherwise their default would overwrite a
    value the verb's own parser read before the action.
    """
    for index, parser in enumerate(parsers):
        parser.add_argument("--data-dir", metavar="DIR", default=None if index == 0 else argparse.SUPPRESS,
                            help="the data folder whose settings to use, as for the app")
