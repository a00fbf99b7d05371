"""Work held back until the widget is up: until then, every ms of the app's Python delays the phone.

Between process start and the widget's first message, the app's Python competes with Chromium for the same CPU:
before ``load()`` it runs instead of Chromium's start (which is on the app's main thread), after it beside the
page's process, which is busy with the widget's scripts all the way to its first message (measured: see
benchmarks/README.md, "What 1.0x would take"). So what the widget does not need in order to come up waits here until the
widget's first message has been handled, or at the latest ``FALLBACK_MS`` after start-up (a page that never loads
or never speaks).

What waits, today:
- Python's cyclic garbage collector, turned off before the app's imports (``desktop.__main__``): start-up makes
  hundreds of thousands of objects that live as long as the app, so the collections they set off found nothing
  to free. Once the widget is up: one collection, and from then on as usual. (Not ``gc.freeze()``: the first
  window's objects would then never be collected after an environment switch replaced it.)
- the system-browser sign-in service (its listener's modules and the check of its port), which the widget can only
  ask for once it is up; a sign-in asked for before then starts it at once (``BrowserSignIn.begin``).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, SignalInstance

log = logging.getLogger("desktop")

#: A page that neither loads nor speaks (offline, a proxy that never answers) holds nothing back for longer.
FALLBACK_MS = 5000


def release_garbage_collector() -> None:
    """Collect once and from now on as usual; nothing to do where the collector was never turned off (tests)."""
    if gc.isenabled():
        return
    gc.collect()
    gc.enable()


class AfterStart(QObject):
    """Runs the work given to ``add`` just after ``first_message`` first fires, or after ``fallback_ms``."""

    def __init__(self, first_message: SignalInstance, parent: QObject, *, fallback_ms: int = FALLBACK_MS) -> None:
        super().__init__(parent)
        self._first_message = first_message
        self._waiting: list[Callable[[], None]] | None = []
        first_message.connect(self._soon)
        QTimer.singleShot(fallback_ms, self, self._run)

    @property
    def done(self) -> bool:
        return self._waiting is None

    def add(self, work: Callable[[], None]) -> None:
        """Run ``work`` once the widget is up (at once if it already is)."""
        if self._waiting is None:
            work()
        else:
            self._waiting.append(work)

    def _soon(self, *_: object) -> None:
        # Once the event loop is free again: the widget's first messages come in a burst (signed in, dialer
        # ready), and they are what the person waits for.
        self._first_message.disconnect(self._soon)
        QTimer.singleShot(0, self, self._run)

    def _run(self) -> None:
        if self._waiting is None:
            return
        waiting, self._waiting = self._waiting, None
        for work in waiting:
            try:
                work()
            except Exception:  # one piece failing must not keep the others from running
                log.exception("a start-up task failed once the widget was up")
