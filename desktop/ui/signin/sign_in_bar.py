"""The bar that says sign-in goes on in the browser, while an attempt is pending.

The browser may open behind the window, on another screen, or its tab may have been closed; without this
the person is left looking at the widget's Sign In button. Open Again reopens the same authorize URL (the
widget's PKCE verifier still matches it), Copy Link is for another browser or profile, Cancel ends the
attempt and closes the listener. A new Sign In in the widget replaces the attempt and the link.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

WAITING = "Sign-in continues in your browser. Finish it there; this window follows by itself."


class SignInBar(QFrame):
    """Shown by :meth:`show_attempt` with the authorize URL, hidden with ``None``."""

    def __init__(self, parent: QWidget, *, open_again: Callable[[str], None], cancel: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setObjectName("signInBar")
        self.setStyleSheet("#signInBar{background:#e8f4fd;color:#0d3c61;border-bottom:1px solid #b6dcf8;}")
        self._url: str | None = None
        self._open_again = open_again
        self._cancel = cancel
        # Text above the buttons: the phone's window is narrow (a column beside other work).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(4)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.label = QLabel(WAITING, self)
        self.label.setWordWrap(True)
        self.open_button = QPushButton("Open Again", self)
        self.open_button.setToolTip("Open the sign-in page in the browser again")
        self.copy_button = QPushButton("Copy Link", self)
        self.copy_button.setToolTip("Copy the sign-in link, to paste it into another browser or profile")
        self.cancel_button = QPushButton("Cancel", self)
        self.open_button.clicked.connect(self._reopen)
        self.copy_button.clicked.connect(self._copy)
        self.cancel_button.clicked.connect(self._cancel_clicked)
        layout.addWidget(self.label)
        for button in (self.open_button, self.copy_button, self.cancel_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.hide()

    @property
    def url(self) -> str | None:
        return self._url

    def show_attempt(self, url: str | None) -> None:
        """The pending attempt's authorize URL (a newer one replaces it), or None once it has ended."""
        self._url = url
        self.label.setText(WAITING)
        self.setVisible(url is not None)

    def _reopen(self) -> None:
        if self._url is not None:
            self._open_again(self._url)

    def _copy(self) -> None:
        if self._url is not None:
            QGuiApplication.clipboard().setText(self._url)
            self.label.setText("Link copied. Paste it into the browser you sign in with; this window follows by "
                               "itself.")

    def _cancel_clicked(self) -> None:
        self.show_attempt(None)
        self._cancel()
