"""Global hotkeys: key combinations that work whichever program has the focus, as one Qt signal.

:class:`GlobalHotkeys` takes the hotkeys by action (``desktop.core.hotkeys.configured_hotkeys`` reads them from
the settings) and emits ``triggered(action)``. It picks the system's way:

* X11 (Qt's ``xcb`` platform): key grabs on the root window (:mod:`desktop.ui.system.hotkeys_x11`); tested on Xvfb.
* Wayland: the XDG GlobalShortcuts portal (:mod:`desktop.ui.system.hotkeys_portal`); not verified here.
* Windows: ``RegisterHotKey`` (:mod:`desktop.ui.system.hotkeys_windows`); not verified here.
* macOS: Carbon's ``RegisterEventHotKey`` (:mod:`desktop.ui.system.hotkeys_macos`); not verified here.

Where the app cannot take the keys, the desktop's own shortcut settings can run ``embeddable-desktop call
mute`` and the like: the log says so, once. A hotkey another program holds is a warning naming it (and in
:attr:`GlobalHotkeys.problems`), never an error: the phone works without it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from desktop.core.hotkeys import Hotkey

log = logging.getLogger("desktop.hotkeys")
ELSEWHERE = ("bind the system's own keyboard shortcut to `embeddable-desktop call mute` and the like instead "
             "(see README, Global hotkeys)")


class _Backend(Protocol):
    def close(self) -> None: ...


class GlobalHotkeys(QObject):
    """The hotkeys of ``hotkeys`` (action -> hotkey), grabbed from the whole desktop until :meth:`close`."""

    #: An action's hotkey was pressed: "answer_or_hang_up", "mute", "show_hide" or "dial_selection".
    triggered = Signal(str)

    def __init__(self, hotkeys: Mapping[str, Hotkey], parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: Why a hotkey does not work (taken by another program, refused by the portal), in words.
        self.problems: list[str] = []
        self._backend: _Backend | None = None
        if hotkeys:
            self._backend = self._start(dict(hotkeys))
            if self._backend is not None:
                log.info("global hotkeys: %s", ", ".join(f"{action} = {key}" for action, key in hotkeys.items()))

    def _start(self, hotkeys: dict[str, Hotkey]) -> _Backend | None:
        platform = QGuiApplication.platformName()
        if sys.platform == "win32":
            from desktop.ui.system.hotkeys_windows import WindowsHotkeys

            return WindowsHotkeys(hotkeys, self._fire, self._problem)
        if sys.platform == "darwin":
            from desktop.ui.system.hotkeys_macos import MacHotkeys

            try:
                return MacHotkeys(hotkeys, self._fire, self._problem)
            except OSError as exc:  # Carbon missing, or its event handler refused
                log.warning("global hotkeys: %s; %s", exc, ELSEWHERE)
                return None
        if platform == "xcb":
            return self._x11(hotkeys)
        if platform == "wayland":
            return self._portal(hotkeys)
        log.info("global hotkeys need X11 or Wayland, not the %r platform; %s", platform, ELSEWHERE)
        return None

    def _x11(self, hotkeys: dict[str, Hotkey]) -> _Backend | None:
        try:
            from Xlib.error import DisplayError  # type: ignore[import-untyped]

            from desktop.ui.system.hotkeys_x11 import X11Hotkeys
        except ImportError as exc:  # a build without python-xlib
            log.warning("global hotkeys: python-xlib is missing (%s); %s", exc, ELSEWHERE)
            return None
        if os.environ.get("WAYLAND_DISPLAY"):
            # Qt runs on XWayland here: the compositor gives X programs the keys only while one has the focus.
            log.info("global hotkeys: X11 under a Wayland desktop, so they work only while an X11 window has "
                     "the focus; %s", ELSEWHERE)
        try:
            return X11Hotkeys(hotkeys, self._fire, self._problem, parent=self)
        except (DisplayError, OSError) as exc:
            log.warning("global hotkeys: cannot open the X display (%s); %s", exc, ELSEWHERE)
            return None

    def _portal(self, hotkeys: dict[str, Hotkey]) -> _Backend | None:
        from desktop.ui.system.hotkeys_portal import PortalHotkeys

        try:
            return PortalHotkeys(hotkeys, self._fire, self._problem)
        except RuntimeError:  # no asyncio loop: the app always has one, a bare QApplication may not
            log.info("global hotkeys: no event loop for the portal; %s", ELSEWHERE)
            return None

    def _fire(self, action: str) -> None:
        log.info("hotkey pressed: %s", action)
        self.triggered.emit(action)

    def _problem(self, message: str) -> None:
        if message not in self.problems:  # a backend that grabs again (a new keyboard layout) says it again
            log.warning("%s", message)
            self.problems.append(message)

    def close(self) -> None:
        """Give every hotkey back to the desktop (at quit, or before grabbing changed ones)."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None
