"""Opening sign-in pages and links with a person-chosen command (``--browser``).

The OS default browser is opened by the Qt shell (``QDesktopServices``); this is the command variant for
kiosks, IT and tests: the URL is added as the last argument, no shell is involved.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from desktop.core.errors import LauncherError

log = logging.getLogger("desktop.browser")


def open_with_command(command: Sequence[str], url: str) -> None:
    """Start ``command url`` detached from the launcher.

    Raises:
        LauncherError: the command cannot be started (the message names ``--browser``).
    """
    import subprocess  # here: only a --browser command needs it, and it costs start-up about 3 ms (issue 12)

    try:
        subprocess.Popen(  # noqa: S603 - a list, no shell; the URL was checked before
            [*command, url],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as exc:
        raise LauncherError(
            f"--browser: cannot start {command[0]!r} ({exc.strerror or exc}).",
            help_hint="Check the command, or leave --browser out to use the default browser.",
        ) from None
    log.info("opened a page with %s", command[0])
