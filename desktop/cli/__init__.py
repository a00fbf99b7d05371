"""The terminal commands: ``embeddable-desktop VERB ...`` runs one of them and never starts the window.

:data:`desktop.core.verbs.VERBS` is the one table of them: the entry point finds the verb on the command line
(``split_command`` there) and runs it (:func:`run`), and the app's ``--help`` lists the table (``verbs_help``).
Each verb lives in a module of its own here, with a ``main`` that returns the exit status; it is imported only
when that verb runs, so that ``embeddable-desktop call mute`` (a hotkey) loads neither Qt nor httpx and the app's
own start loads no verb.

A new verb: a module here with ``main(argv) -> int`` and one row in the table.
"""

from __future__ import annotations

from desktop.core.verbs import VERBS


def verb_modules() -> list[str]:
    """Every verb's module by its full name: imported by name, so the frozen bundle must be told of them."""
    return sorted({verb.module for verb in VERBS.values()})


def run(verb: str, argv: list[str]) -> int:
    """Run ``verb`` with the words meant for it; its module is imported only now."""
    from importlib import import_module

    entry = VERBS[verb]
    module = import_module(entry.module)
    status: int = module.main(verb, argv) if entry.takes_verb else module.main(argv)
    return status
