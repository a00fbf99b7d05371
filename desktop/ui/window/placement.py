"""Window size and position: remembered per screen setup, restored on-screen, widened for the side drawer.

Stored in ``<data dir>/window.json`` as ``{"<screen setup>": [x, y, width, height], "zoom": 1.0}``,
written atomically when the window is hidden or the app quits.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.core.window_geometry import DEFAULT_SIZE, Rect, place_window, screen_setup_key
from desktop.services.settings_files import read_own_json, write_json_atomic

log = logging.getLogger("desktop.ui")
#: The widget's side drawer (``rc-adapter-syncSize``): 300 px wide closed, 600 px open.
SIDE_DRAWER_EXTRA = 300


def _rect(q: QRect) -> Rect:
    return Rect(q.x(), q.y(), q.width(), q.height())


def _screens() -> tuple[list[Rect], Rect]:
    """The screens' usable areas (without task bars and docks), and the primary one's."""
    screens = [_rect(s.availableGeometry()) for s in QGuiApplication.screens()]
    primary = QGuiApplication.primaryScreen()
    return screens, (_rect(primary.availableGeometry()) if primary else Rect(0, 0, 1024, 768))


def _setup_key() -> str:
    # From the whole screens: a task bar that is moved or hides itself must not make a new setup.
    return screen_setup_key([_rect(s.geometry()) for s in QGuiApplication.screens()])


class WindowPlacement:
    def __init__(self, window: QWidget, path: Path) -> None:
        self._window = window
        self.path = path
        self.drawer_open = False
        self._before_drawer: tuple[int, int] | None = None  # (x, width) to give back when the drawer closes
        window.resize(*DEFAULT_SIZE)  # until restore() puts it where it was

    def _read(self) -> dict[str, Any]:
        return read_own_json(self.path, log)

    def setup_key(self) -> str:
        return _setup_key()

    def restore(self) -> Rect:
        """Put the window where it was on this screen setup (or centred), always reachable."""
        screens, primary = _screens()
        saved = Rect.from_value(self._read().get(_setup_key()))
        placed = place_window(saved, screens, primary)
        self._window.setGeometry(placed.x, placed.y, placed.width, placed.height)
        log.info("window placed at %s (%s)", placed.as_list(), "remembered" if saved == placed else
                 "moved back on screen" if saved else "default")
        return placed

    def phone_geometry(self) -> Rect:
        """The window as the phone alone needs it: normal (not maximized or minimized), without the drawer."""
        window = self._window
        rect = _rect(window.normalGeometry() if window.isMaximized() or window.isMinimized() else window.geometry())
        if self._before_drawer is not None:
            rect = Rect(self._before_drawer[0], rect.y, self._before_drawer[1], rect.height)
        return rect

    def save(self, zoom: float | None = None) -> None:
        data = self._read()
        data[self.setup_key()] = self.phone_geometry().as_list()
        if zoom is not None:
            data["zoom"] = zoom
        try:
            write_json_atomic(self.path, data)
        except OSError as exc:
            log.warning("window position not saved to %s (%s)", self.path, exc)

    def zoom(self) -> float:
        value = self._read().get("zoom", 1.0)
        return float(value) if isinstance(value, int | float) and 0.25 <= value <= 5 else 1.0

    def side_drawer(self, open_: bool, zoom: float = 1.0) -> None:
        """Widen the window for the widget's side drawer, and give the width (and place) back when it closes."""
        window = self._window
        if open_ == self.drawer_open:
            return
        self.drawer_open = open_
        if window.isMaximized() or window.isFullScreen():
            self._before_drawer = None  # nothing to widen, nothing to give back
            return
        now = window.geometry()  # client area throughout: setGeometry() takes it, and frames differ per desktop
        if not open_:
            if self._before_drawer is not None:
                x, width = self._before_drawer
                self._before_drawer = None
                window.setGeometry(x, now.y(), width, now.height())
            log.info("side drawer closed: window width %d", window.width())
            return
        self._before_drawer = (now.x(), now.width())
        width = now.width() + round(SIDE_DRAWER_EXTRA * zoom)  # the drawer's 300 CSS pixels, zoomed
        screen = window.screen().availableGeometry() if window.screen() else None
        x = now.x()
        if screen is not None:
            frame = window.frameGeometry()  # the window frame must fit on the screen too
            left, right = now.x() - frame.x(), frame.right() - now.right()
            width = min(width, screen.width() - left - right)
            # Grow to the left when there is no room on the right, so the drawer stays on screen.
            x = max(min(x, screen.right() - right - width + 1), screen.x() + left)
        window.setGeometry(x, now.y(), width, now.height())
        log.info("side drawer open: window width %d", window.width())
