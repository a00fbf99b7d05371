"""Never a blank window when the widget cannot load: a local screen that says why, with Retry.

It tries again by itself, quickly at first and then about once a minute, and at once when the OS reports
that the network is back (``QNetworkInformation``, where a backend exists). A certificate error is shown,
never accepted, and not retried by itself (waiting does not fix it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop.core.load_errors import LoadFailure, describe_load_failure, retry_delay
from desktop.ui.window.screens import plain_text

if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkInformation

log = logging.getLogger("desktop.web")


class OfflineScreen(QWidget):
    """Shown instead of the phone (``view``, in ``stack``) while it cannot be loaded."""

    #: The widget's document is gone (its calls and any pending sign-in with it).
    page_lost = Signal()

    def __init__(self, retry: Callable[[], None], stack: QStackedWidget, view: QWidget) -> None:
        super().__init__(stack)
        self._stack, self._view = stack, view
        stack.addWidget(self)
        self.setObjectName("offlineScreen")
        self._retry_now = retry
        self._attempt = 0
        self.failure: LoadFailure | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size:16px;font-weight:bold")
        self.text = QLabel(self)
        self.status = QLabel(self)
        self.status.setStyleSheet("color:#555")
        for label in (self.title, self.text, self.status):
            label.setWordWrap(True)
            plain_text(label)  # the reason comes from the network stack
            layout.addWidget(label)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.clicked.connect(self.retry)
        row = QHBoxLayout()  # the button at its own size, on the left
        row.addWidget(self.retry_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.retry)
        self._watching = False

    def _watch_network(self) -> None:
        """Loaded at the first failure only: the backend talks to the OS, which start-up should not wait for."""
        if self._watching:
            return
        self._watching = True
        from PySide6.QtNetwork import QNetworkInformation  # here: its Qt type (enums) is made on first import

        if QNetworkInformation.instance() is None and not QNetworkInformation.loadDefaultBackend():
            log.info("no network-status backend here: retrying on a timer only")
            return
        info = QNetworkInformation.instance()
        if info is not None:
            info.reachabilityChanged.connect(self._reachability_changed)

    def _reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        # Only failures that waiting can fix (not a certificate error, not the too-many-crashes screen).
        if (self.failure is not None and self.failure.retry_by_itself
                and reachability == QNetworkInformation.Reachability.Online):
            log.info("the network is back: loading the phone again")
            self.retry()

    def loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        """The widget page's ``loadingChanged``: a failure shows this screen, a success the phone."""
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            log.info("widget page loaded")
            self.loaded()
        elif status == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            if info.errorCode() == -3:
                # ERR_ABORTED: a load replaced by another one, or refused by us. On this screen that must
                # not end the retrying: try again later.
                if self.failure is not None and self.failure.retry_by_itself and not self.timer.isActive():
                    self.show_failure(self.failure)
                return
            self.show_failure(describe_load_failure(
                info.url().toString(), info.errorDomain().name, info.errorCode(), info.errorString()))

    def show_failure(self, failure: LoadFailure) -> None:
        self._watch_network()
        self.failure = failure
        self.page_lost.emit()
        self.title.setText(failure.error.title)
        self.text.setText(failure.error.message + ("\n\n" + failure.error.help_hint if failure.error.help_hint
                                                   else ""))
        if failure.retry_by_itself:
            delay = retry_delay(self._attempt)
            self._attempt += 1
            self.status.setText(f"Trying again in {delay:.0f} s (attempt {self._attempt}).")
            self.timer.start(int(delay * 1000))
        else:
            self.status.setText("Not retried by itself: press Retry once this is fixed.")
            self.timer.stop()
        log.warning("the phone did not load: %s (automatic retry: %s)", failure.error.message,
                    "yes" if failure.retry_by_itself else "no")
        self._stack.setCurrentWidget(self)

    def loaded(self) -> None:
        """The phone loaded: forget the failures (the next outage starts with a quick retry again)."""
        self.failure = None
        self._attempt = 0
        self.timer.stop()
        self._stack.setCurrentWidget(self._view)

    def stop(self) -> None:
        """The window is going away: no more attempts."""
        self.failure = None
        self.timer.stop()

    def retry(self) -> None:
        self.timer.stop()
        self.status.setText("Loading…")
        self._retry_now()
