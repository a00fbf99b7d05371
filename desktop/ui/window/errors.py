"""The one place that shows problems to people: a notice bar at the top of the window.

Known errors (``LauncherError``) show their message; anything unexpected is logged with its traceback
and shown as a short line pointing at the log file, never as a traceback on screen.
"""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from desktop.core.errors import LauncherError
from desktop.ui.window.screens import plain_text

log = logging.getLogger("desktop.ui")

_STYLES = {
    "error": "background:#fdecea;color:#611a15;border-bottom:1px solid #f5c2c0;",
    "warning": "background:#fff4e5;color:#663c00;border-bottom:1px solid #ffd8a8;",
    "info": "background:#e8f4fd;color:#0d3c61;border-bottom:1px solid #b6dcf8;",
}


class NoticeBar(QFrame):
    """A dismissible one-message bar; the newest message replaces the previous one."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        plain_text(self.label)  # messages may contain page-supplied text
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        self.action_button = QPushButton(self)
        self.action_button.hide()
        self.action_button.clicked.connect(self._run_action)
        self._action: Callable[[], None] | None = None
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(close)
        self.kind = ""
        self.hide()

    def show_message(self, text: str, kind: str = "info",
                     action: tuple[str, Callable[[], None]] | None = None) -> None:
        """Show ``text``; ``action`` adds a button (label, callback) that also dismisses the bar."""
        self.kind = kind
        self.setStyleSheet(f"#noticeBar{{{_STYLES[kind]}}}")
        self.label.setText(text)
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setVisible(action is not None)
        self.show()

    def _run_action(self) -> None:
        callback, self._action = self._action, None
        self.hide()
        if callback is not None:
            callback()


class ErrorPresenter:
    """Shows errors and notices in the window's notice bar and logs them."""

    def __init__(self, bar: NoticeBar, log_path: str) -> None:
        self._bar = bar
        self.log_path = log_path

    def show_error(self, error: LauncherError) -> None:
        log.warning("%s: %s", error.title, error)
        self._bar.show_message(f"{error.title}: {error}", "error")

    def show_notice(self, text: str, kind: str = "info") -> None:
        log.info("notice: %s", text)
        self._bar.show_message(text, kind)

    def install_excepthook(self) -> None:
        """qasync sends exceptions of slots and tasks to ``sys.excepthook``; show them, keep running."""

        def hook(kind: type[BaseException], value: BaseException, tb: types.TracebackType | None) -> None:
            if isinstance(value, LauncherError):
                self.show_error(value)
                return
            log.error("unexpected error", exc_info=(kind, value, tb))
            self._bar.show_message(
                f"Something went wrong inside {sys.argv[0].rsplit('/', 1)[-1] or 'the app'}; "
                f"details are in {self.log_path}.",
                "error",
            )

        sys.excepthook = hook
