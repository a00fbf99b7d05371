"""Window size and position: remembered per screen setup, restored on-screen, widened for the side drawer.

Stored in ``<data dir>/window.json`` as ``{"<screen setup>": [x, y, width, height], "zoom": 1.0}``,
written atomically when the window is hidden or the app quits.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop.core.window_geometry import DEFAULT_SIZE, Rect, place_window, screen_setup_key
from desktop.services.settings_files import write_json_atomic

log = logging.getLogger("desktop.ui")
#: The widget's side drawer (``rc-adapter-syncSize``): 300 px wide closed, 600 px open.
SIDE_DRAWER_EXTRA = 300


def _rect(q: QRect) -> Rect:
    return Rect(q.x(), q.y(), q.width(), q.height())


def _screens() -> tuple[list[Rect], Rect]:
    screens = [_rect(s.availableGeometry()) for s in QGuiApplication.screens()]
    primary = QGuiApplication.primaryScreen()
    return screens, (_rect(primary.availableGeometry()) if primary else Rect(0, 0, 1024, 768))


class WindowPlacement:
    def __init__(self, window: QWidget, path: Path) -> None:
        self._window = window
        self.path = path
        self.drawer_open = False
        window.resize(*DEFAULT_SIZE)  # until restore() puts it where it was

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable %s (%s)", self.path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def setup_key(self) -> str:
        return screen_setup_key(_screens()[0])

    def restore(self) -> Rect:
        """Put the window where it was on this screen setup (or centred), always reachable."""
        screens, primary = _screens()
        saved = Rect.from_value(self._read().get(screen_setup_key(screens)))
        placed = place_window(saved, screens, primary)
        self._window.setGeometry(placed.x, placed.y, placed.width, placed.height)
        log.info("window placed at %s (%s)", placed.as_list(), "remembered" if saved == placed else
                 "moved back on screen" if saved else "default")
        return placed

    def save(self, zoom: float | None = None) -> None:
        geometry = _rect(self._window.normalGeometry() if self._window.isMaximized() else self._window.geometry())
        if self.drawer_open:  # remember the phone's own width, not the drawer's
            geometry = Rect(geometry.x, geometry.y, max(geometry.width - SIDE_DRAWER_EXTRA, 200), geometry.height)
        data = self._read()
        data[self.setup_key()] = geometry.as_list()
        if zoom is not None:
            data["zoom"] = zoom
        try:
            write_json_atomic(self.path, data)
        except OSError as exc:
            log.warning("window position not saved to %s (%s)", self.path, exc)

    def zoom(self) -> float:
        value = self._read().get("zoom", 1.0)
        return float(value) if isinstance(value, int | float) and 0.25 <= value <= 5 else 1.0

    def side_drawer(self, open_: bool) -> None:
        """Widen the window for the widget's side drawer, and give the width back when it closes."""
        window = self._window
        if open_ == self.drawer_open or window.isMaximized() or window.isFullScreen():
            return
        self.drawer_open = open_
        width = window.width() + (SIDE_DRAWER_EXTRA if open_ else -SIDE_DRAWER_EXTRA)
        screen = window.screen().availableGeometry() if window.screen() else None
        if screen is not None and open_:
            width = min(width, screen.width())
            # Grow to the left when there is no room on the right, so the drawer stays on screen.
            overflow = window.x() + width - (screen.x() + screen.width())
            if overflow > 0:
                window.move(max(window.x() - overflow, screen.x()), window.y())
        window.resize(max(width, window.minimumWidth()), window.height())
        log.info("side drawer %s: window width %d", "open" if open_ else "closed", window.width())
