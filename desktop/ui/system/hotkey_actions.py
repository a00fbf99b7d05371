"""What a global hotkey does: each action goes to the current window's phone (or its window), never to the
bridge. Set up once for the app; it follows environment switches through ``current()``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QClipboard, QGuiApplication

from desktop.core.hotkeys import SETTING_ACTIONS, configured_hotkeys, dial_text
from desktop.core.settings import Resolution
from desktop.ui.system.global_hotkeys import GlobalHotkeys

if TYPE_CHECKING:
    from desktop.ui.phone.dialing import DialQueue
    from desktop.ui.phone.phone import Phone
    from desktop.ui.phone.shell import Notices


class HotkeyTarget(Protocol):
    """What a hotkey acts on: the current window's phone, its dial queue, and where to say why not."""

    @property
    def phone(self) -> Phone: ...
    @property
    def dialing(self) -> DialQueue: ...
    @property
    def errors(self) -> Notices: ...

log = logging.getLogger("desktop.hotkeys")


def selected_text() -> str:
    """The primary selection where there is one (X11: what the person just highlighted), else the clipboard."""
    clipboard = QGuiApplication.clipboard()
    if clipboard.supportsSelection() and clipboard.text(QClipboard.Mode.Selection).strip():
        return clipboard.text(QClipboard.Mode.Selection)
    return clipboard.text()


class HotkeyActions:
    def __init__(self, resolution: Resolution, current: Callable[[], HotkeyTarget], toggle: Callable[[], None]) -> None:
        self._current = current
        self._toggle = toggle
        hotkeys, problems = configured_hotkeys({key: resolution.get(key) for key in SETTING_ACTIONS})
        for problem in problems:
            log.warning("%s", problem)
        self.hotkeys: GlobalHotkeys | None = None
        if hotkeys:
            self.hotkeys = GlobalHotkeys(hotkeys)
            self.hotkeys.triggered.connect(self.run)

    def run(self, action: str) -> None:
        window = self._current()
        phone = window.phone
        log.info("hotkey: %s", action)
        if action == "show_hide":
            self._toggle()
            return
        if action == "dial_selection":
            request = dial_text(selected_text())
            if request is None:
                window.errors.show_notice("The selected text is not a phone number, so nothing was dialed.")
                return
            window.dialing.add([request])
            return
        reason = phone.answer_or_hang_up() if action == "answer_or_hang_up" else phone.toggle_mute()
        if reason is not None:
            log.info("hotkey %s: %s", action, reason)

    def close(self) -> None:
        if self.hotkeys is not None:
            self.hotkeys.close()
