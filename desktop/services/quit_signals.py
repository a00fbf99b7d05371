"""The signals that ask the app to quit, and the ones that came while start-up could not act on them yet.

SIGTERM (a session's end, systemd, ``kill``), SIGINT (Ctrl+C in a terminal) and SIGHUP (the terminal closed) all
mean "quit, in order": start-up, Qt's first loop and the event loop each handle these. Between the hand-over
check and the first event loop nothing can act on them, so :class:`EarlyQuit` notes them instead of letting the
default action end the process mid-start; the event loop then goes straight to the usual shutdown.
"""

from __future__ import annotations

import signal
from types import FrameType

#: The signals that ask the app to quit (start-up, the first loop and the event loop all handle these).
QUIT_SIGNALS: tuple[signal.Signals, ...] = tuple(
    s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)) if s is not None)


class EarlyQuit:
    """Notes quit signals from :meth:`keep` on; :meth:`asked` tells the event loop whether one came."""

    def __init__(self) -> None:
        self.signals: list[int] = []

    def keep(self) -> None:
        """From here on a quit signal is kept, not fatal: start-up goes on to its event loop and then straight to
        the usual shutdown (exit status 0, storage flushed). Not earlier: the settings dialog must not hold one."""
        for signum in QUIT_SIGNALS:
            signal.signal(signum, self._note)

    def asked(self) -> bool:
        return bool(self.signals)

    def _note(self, signum: int, _frame: FrameType | None) -> None:
        self.signals.append(signum)
