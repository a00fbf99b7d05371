"""The terminal commands' table: which words on the command line are verbs, what each one runs, and its line in
the app's ``--help``.

Global options may stand before or after the verb, as with git and docker: ``embeddable-desktop --data-dir D
config show`` and ``embeddable-desktop config show --data-dir D`` are the same command. The verb is the first
word that is neither an option nor an option's value; a link (``tel:...``) is never a verb.

Pure data and parsing (core): the app's option parser lists the table in ``--help``, and :mod:`desktop.cli` runs
a verb's module by the name the table gives.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.records import record


@record
class Verb:
    """``module`` runs it (its ``main``); ``summary`` is its line in ``--help``; a module that serves several
    verbs (``takes_verb``) is called as ``main(verb, argv)``, the others as ``main(argv)``."""

    module: str
    summary: str
    takes_verb: bool = False


#: The verbs, in the order ``--help`` lists them.
VERBS = {
    "config": Verb("desktop.cli.config",
                   "show and edit the settings (show | set KEY VALUE | unset KEY)"),
    "secrets": Verb("desktop.cli.secrets",
                    "keep the client secret and JWT in the OS keychain (set | status | delete)"),
    "diagnose": Verb("desktop.cli.diagnose",
                     "check this machine, the settings, the keychain, the microphone and the network; print a report"),
    "policy": Verb("desktop.cli.policy",
                   "check an IT policy file (or this machine's) and show the settings and locks it produces"),
    "call": Verb("desktop.cli.remote",
                 "answer, decline, hang up, mute, unmute, hold or resume a call on the running phone", takes_verb=True),
    "presence": Verb("desktop.cli.remote",
                     "set the running phone's presence: available, busy, dnd or offline", takes_verb=True),
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


def verbs_help() -> str:
    """The verbs part of ``--help``."""
    lines = ["commands (embeddable-desktop COMMAND --help for each):"]
    lines += [f"  {verb:<9} {entry.summary}" for verb, entry in VERBS.items()]
    return "\n".join(lines)
