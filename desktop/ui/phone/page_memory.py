"""Collects the widget page's garbage once the phone is ready, and now and then while it is hidden.

The when and why are in ``desktop.core.page_memory``; this module keeps the two timers and asks the bridge to
collect. It reads what the widget said (signed in, dialer ready) and the call book, and is told when either or
the window's visibility changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, SignalInstance

from desktop.core.call_state import CallBook
from desktop.core.page_memory import Schedule, collection_time_ms, collector_missing, may_collect
from desktop.core.widget_status import WidgetStatus
from desktop.ui.phone.bridge import PageBridge

log = logging.getLogger("desktop.phone")


class PageMemory(QObject):
    """Looks again whenever the widget says something (the dialer's readiness changes no other state) and on
    ``changed``: sign-in, the calls or the window's visibility changed."""

    def __init__(self, bridge: PageBridge, status: WidgetStatus, book: CallBook, hidden: Callable[[], bool], *,
                 changed: SignalInstance, parent: QObject, schedule: Schedule | None = None) -> None:
        super().__init__(parent)
        changed.connect(self.update)
        bridge.message_received.connect(self.update)  # after the window's own handler: the status is up to date
        self._bridge = bridge
        self._status = status
        self._book = book
        self._hidden = hidden
        #: The pauses; a test may shorten them (they take effect at the next start of a timer).
        self.schedule = schedule or Schedule()
        #: Collected since the widget last became ready; a reload, a crash or a sign-out makes it collect again.
        self._collected_since_ready = False
        self._available = True
        #: The last collection ran while hidden, and the window has not been shown since: nothing of a visible
        #: spell to clean up, so the collection after hiding is not needed (a phone started in the tray).
        self._clean_while_hidden = False
        self._after_ready = QTimer(self, singleShot=True)
        self._after_ready.timeout.connect(lambda: self._collect("once the phone was ready"))
        self._while_hidden = QTimer(self)
        self._while_hidden.timeout.connect(self._hidden_tick)

    def update(self, *_: object) -> None:
        if not self._available:
            return
        ready = self._status.takes_calls
        if not ready:
            self._collected_since_ready = False
            self._after_ready.stop()
        elif not self._collected_since_ready and not self._after_ready.isActive():
            self._after_ready.start(self.schedule.after_ready_ms)
        hidden = self._hidden()
        if not hidden:
            self._clean_while_hidden = False
        if ready and hidden:
            if not self._while_hidden.isActive():
                self._while_hidden.start(self.schedule.after_hiding_ms)
        else:
            self._while_hidden.stop()

    def stop(self) -> None:
        """The window is closing: no more collections (its page goes before it does)."""
        self._available = False
        self._after_ready.stop()
        self._while_hidden.stop()

    def _hidden_tick(self) -> None:
        self._while_hidden.setInterval(self.schedule.while_hidden_every_ms)
        if self._clean_while_hidden:
            self._clean_while_hidden = False  # the next tick, a full interval on, collects
            log.debug("the page's garbage was collected while hidden already; the next collection in %d s",
                      self.schedule.while_hidden_every_ms // 1000)
            return
        self._collect("while hidden")

    def _collect(self, when: str) -> None:
        if not may_collect(takes_calls=self._status.takes_calls, in_call=bool(self._book)):  # any call, ringing too
            return  # the call's end is a change of state: update() arms the timer again
        if when != "while hidden":
            self._collected_since_ready = True
        self._bridge.collect_garbage(lambda result: self._collected(when, result))

    def _collected(self, when: str, result: object) -> None:
        if collector_missing(result):
            self.stop()
            log.info("the page's garbage is not collected: V8's collector is not exposed (a --js-flags of your "
                     "own replaces the app's)")
            return
        self._clean_while_hidden = self._hidden()
        took = collection_time_ms(result)
        if took is not None:
            level = logging.DEBUG if when == "while hidden" else logging.INFO
            log.log(level, "collected the page's garbage %s, in %.0f ms", when, took)
