"""Command-line entry point: ``embeddable-desktop`` and ``python -m desktop``.

``embeddable-desktop config ...``, ``secrets ...`` and ``diagnose`` are terminal tools that never start the
window (the verb may come after global options such as ``--data-dir``); anything else starts the app.
"""

import gc
import os
import sys

from desktop.core.command_line import split_command


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
    if invocation.verb == "config":
        from desktop.config_cli import main as config_main

        return config_main(argv)
    if invocation.verb == "secrets":
        from desktop.secrets_cli import main as secrets_main

        return secrets_main(argv)
    if invocation.verb in ("call", "presence"):
        from desktop.remote_cli import main as remote_main

        return remote_main(invocation.verb, argv)
    if invocation.verb == "policy":
        from desktop.policy_cli import main as policy_main

        return policy_main(argv)
    if invocation.verb == "diagnose":
        from desktop.diagnose_cli import main as diagnose_main

        return diagnose_main(argv)
    if "--version" in argv:
        from desktop.ui.versions import print_versions

        return print_versions()
    # Python's cyclic collector waits until the widget is up: start-up makes no garbage worth its time, and the
    # time would delay the widget (desktop/ui/system/after_start.py turns it back on).
    gc.disable()
    from desktop.ui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
