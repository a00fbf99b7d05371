"""Command-line entry point: ``embeddable-desktop`` and ``python -m desktop``.

``embeddable-desktop config ...``, ``secrets ...``, ``diagnose`` and the other verbs of
:data:`desktop.core.verbs.VERBS` are terminal tools that never start the window (the verb may come after global
options such as ``--data-dir``); anything else starts the app.
"""

import gc
import os
import sys

from desktop import cli
from desktop.core.verbs import split_command


def main() -> int:
    """Dispatch to a terminal tool or run the app; Qt is imported only once the options are valid."""
    try:
        return _dispatch()
    except BrokenPipeError:
        # ``embeddable-desktop config show | head``: the reader left; say nothing more, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _dispatch() -> int:
    invocation = split_command(sys.argv[1:])
    argv = invocation.argv
    if invocation.verb is not None:
        return cli.run(invocation.verb, argv)  # a terminal tool: no window
    if "--version" in argv:
        from desktop.ui.versions import print_versions

        return print_versions()
    # Python's cyclic collector waits until the widget is up: start-up makes no garbage worth its time, and the
    # time would delay the widget (desktop/ui/system/after_start.py turns it back on).
    gc.disable()
    from desktop.launch import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
