"""Qt's own event loop while the widget loads; asyncio and qasync only once it has spoken (issue 12).

Nothing the phone needs before the widget's first message runs on asyncio. Importing asyncio and qasync, starting
qasync's loop and the hot keys took about 40 ms of the main thread, and Chromium needs that thread while it loads
the page: every millisecond it spends before Qt's event loop runs comes on top of the widget's start-up
(``benchmarks/README.md``, "What sets the pace"). So start-up runs Qt's own loop until the widget has spoken.
It ends sooner, so that nothing waits, when:
- something is to run on asyncio (:meth:`FirstLoop.hold`: a sign-in, an environment switch, a diagnostics report); the
  coroutine is kept and started as soon as asyncio runs;
- the person or the system asks to quit (the Quit action, SIGTERM, SIGINT, SIGHUP): start-up then goes straight to
  the usual shutdown;
- the widget has not spoken within ``limit_ms`` (offline, a page that fails to load).
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, SignalInstance

from desktop.services.quit_signals import QUIT_SIGNALS

Task = Coroutine[Any, Any, None]
Spawn = Callable[[Task], None]
#: Keeps a task for later while start-up's first loop runs (True), else leaves it to the caller (False).
Hold = Callable[[Task, Spawn], bool]


def never_held(task: Task, spawn: Spawn) -> bool:
    """The :data:`Hold` of windows opened with asyncio already running (tests, environment switches)."""
    return False


#: As long as ``desktop.ui.system.after_start`` waits for a widget that never speaks.
LIMIT_MS = 5000
#: Python runs its signal handlers only when it gets control; this timer gives it control while Qt's loop idles.
TICK_MS = 250

class FirstLoop(QObject):
    """Runs Qt's event loop until ``first_message`` has been handled, asyncio is needed, a quit is asked for, or
    ``limit_ms`` have passed (see the module's docstring); then :meth:`start_held` once asyncio runs.

    Made before the window, so that the window can be handed :meth:`hold`; :meth:`watch` then names the window's
    first message and the app's quit request (or the constructor does, where both exist already)."""

    def __init__(self, first_message: SignalInstance | None = None, quit_requested: SignalInstance | None = None,
                 *, limit_ms: int = LIMIT_MS) -> None:
        super().__init__()
        self.held: list[tuple[Spawn, Task]] = []
        #: Why the loop ended; None after :meth:`run` means Qt ended it by itself (its display went away).
        self.ended_because: str | None = None
        #: A quit was asked for: while the loop ran, or since (the signal handlers stay until replaced).
        self.quit_asked = False
        self._previous_handlers: dict[int, Any] = {}
        self._loop = QEventLoop(self)
        self._limit_ms = limit_ms
        self._running = False
        self._watched: tuple[SignalInstance, SignalInstance] | None = None
        if first_message is not None and quit_requested is not None:
            self.watch(first_message, quit_requested)

    def watch(self, first_message: SignalInstance, quit_requested: SignalInstance) -> None:
        """Connected before :meth:`run`: a message or a quit that comes first (a fast page) still ends the loop."""
        self._watched = (first_message, quit_requested)
        first_message.connect(self._spoke)
        quit_requested.connect(self.ask_to_quit)

    def run(self, *, asked_to_quit: Callable[[], bool] = lambda: False) -> None:
        """``asked_to_quit``: whether a quit signal came before (kept by start-up), read once this loop's own
        handlers are in place."""
        limit = QTimer(self)
        limit.setSingleShot(True)
        limit.timeout.connect(lambda: self.end(f"the widget did not speak within {self._limit_ms} ms"))
        limit.start(self._limit_ms)
        ticker = QTimer(self)
        ticker.timeout.connect(_nothing)
        ticker.start(TICK_MS)
        self._previous_handlers = {signum: signal.signal(signum, self._signalled) for signum in QUIT_SIGNALS}
        self._running = True
        if asked_to_quit():
            self.ask_to_quit()
        try:
            if self.ended_because is None:  # not a quit asked for before the loop started
                self._loop.exec()
        finally:
            self._running = False
            limit.stop()
            ticker.stop()
            if self._watched is not None:
                self._watched[0].disconnect(self._spoke)
                self._watched[1].disconnect(self.ask_to_quit)
            # The signal handlers stay: a signal between here and the app's own handlers (app.py) still counts.

    def hold(self, task: Task, spawn: Spawn) -> bool:
        """While this loop runs: keep ``task`` for ``spawn`` once asyncio runs, and end the loop now.

        False when it is not running (asyncio runs already); the caller then starts the task itself."""
        if not self._running:
            return False
        self.held.append((spawn, task))
        self.end("asyncio is needed")
        return True

    def give_back_signals(self) -> None:
        """Put back the signal handlers that were there before :meth:`run` (for whoever does not install its own)."""
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler)

    def start_held(self) -> None:
        """Start the tasks kept by :func:`hold`, in order (asyncio runs now)."""
        held, self.held = self.held, []
        for spawn, task in held:
            spawn(task)

    def end(self, reason: str) -> None:
        if self.ended_because is None:
            self.ended_because = reason
        self._loop.quit()

    def _spoke(self, *_: object) -> None:
        QTimer.singleShot(0, self, lambda: self.end("the widget spoke"))  # once its message has been handled

    def ask_to_quit(self) -> None:
        """A quit was asked for (before :meth:`run`, it is not run at all)."""
        self.quit_asked = True
        self.end("asked to quit")

    def _signalled(self, *_: object) -> None:
        self.ask_to_quit()


def _nothing() -> None:
    pass
