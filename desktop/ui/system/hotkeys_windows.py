"""Global hotkeys on Windows: ``RegisterHotKey`` (user32, through ctypes) and ``WM_HOTKEY``.

Registered without a window, a hotkey posts ``WM_HOTKEY`` to the registering thread's message queue; that is
the GUI thread, whose Qt event dispatcher hands every message it takes to the native event filters first
(as ``windows_dispatcher_MSG``), where this filter picks it up. ``MOD_NOREPEAT`` keeps a held key to one press.
A combination another program registered fails with ERROR_HOTKEY_ALREADY_REGISTERED: reported, left out.

Not verified here (written for Windows 10 and later, type-checked with ``mypy --platform win32``; the Linux
CI cannot run it).
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication

from desktop.core.hotkeys import Hotkey

log = logging.getLogger("desktop.hotkeys")
WM_HOTKEY = 0x0312
MOD_NOREPEAT = 0x4000
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
MODIFIERS = {"Alt": 0x0001, "Ctrl": 0x0002, "Shift": 0x0004, "Super": 0x0008}
#: Virtual-key codes (winuser.h) of the named keys; letters and digits are their own ASCII codes.
VIRTUAL_KEYS = {
    **{f"F{n}": 0x6F + n for n in range(1, 25)},
    "Space": 0x20, "PageUp": 0x21, "PageDown": 0x22, "End": 0x23, "Home": 0x24, "Print": 0x2C, "Insert": 0x2D,
    "Delete": 0x2E, "Pause": 0x13, "MediaNext": 0xB0, "MediaPrevious": 0xB1, "MediaStop": 0xB2, "MediaPlay": 0xB3,
}


def virtual_key(key: str) -> int:
    return ord(key) if len(key) == 1 else VIRTUAL_KEYS[key]


class WindowsHotkeys(QAbstractNativeEventFilter):
    """Registers ``hotkeys`` (action -> hotkey); ``on_trigger(action)`` runs for each press and
    ``on_problem(message)`` for each hotkey that cannot be registered."""

    def __init__(self, hotkeys: Mapping[str, Hotkey], on_trigger: Callable[[str], None],
                 on_problem: Callable[[str], None]) -> None:
        super().__init__()
        self._on_trigger = on_trigger
        self._ids: dict[int, str] = {}  # hotkey id (our own numbering) -> action
        if sys.platform != "win32":  # also keeps mypy on other systems off the Windows-only ctypes names
            raise OSError("RegisterHotKey exists on Windows only")
        self._user32: Any = ctypes.WinDLL("user32", use_last_error=True)
        for number, (action, hotkey) in enumerate(hotkeys.items(), start=1):
            modifiers = MOD_NOREPEAT
            for modifier in hotkey.modifiers:
                modifiers |= MODIFIERS[modifier]
            if self._user32.RegisterHotKey(None, number, modifiers, virtual_key(hotkey.key)):
                self._ids[number] = action
                log.info("hotkey %s registered for %s", hotkey, action)
                continue
            code = ctypes.get_last_error()
            why = "another program already uses it" if code == ERROR_HOTKEY_ALREADY_REGISTERED else \
                f"Windows error {code}"
            on_problem(f"hotkey {hotkey} ({action}) is not available: {why}; choose another combination")
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self)

    def nativeEventFilter(self, eventType: QByteArray | bytes | bytearray | memoryview,
                          message: int) -> object:
        if sys.platform == "win32":
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            # Only our thread messages (no window): a window's WM_HOTKEY belongs to whoever registered it.
            if msg.message == WM_HOTKEY and not msg.hWnd and int(msg.wParam) in self._ids:
                self._on_trigger(self._ids[int(msg.wParam)])
                return True, 0
        return False, 0

    def close(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self)
        for number in self._ids:
            self._user32.UnregisterHotKey(None, number)
        self._ids.clear()
