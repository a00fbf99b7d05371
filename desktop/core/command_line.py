"""What the app and the terminal commands share on the command line: the data folder option.

The verbs themselves (which word is a verb, what runs it, its line in ``--help``) are :mod:`desktop.cli`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def data_dir_path(given: str | None, default: Callable[[], Path]) -> Path:
    """The data folder ``--data-dir`` names, or the default (looked up only then), resolved as the app does.

    The running instance's socket name comes from this path, so the app, a later start and ``embeddable-desktop
    call ...`` must all arrive at the same one.
    """
    return (Path(given).expanduser() if given else default()).resolve()


def add_data_dir_option(*parsers: argparse.ArgumentParser) -> None:
    """``--data-dir`` on a verb's parser and on each of its sub-commands, so it may follow the action as well.

    On the sub-commands it defaults to "not given" (SUPPRESS): otherwise their default would overwrite a
    value the verb's own parser read before the action.
    """
    for index, parser in enumerate(parsers):
        parser.add_argument("--data-dir", metavar="DIR", default=None if index == 0 else argparse.SUPPRESS,
                            help="the data folder whose settings to use, as for the app")
