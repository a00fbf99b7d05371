"""The Environment menu: every environment the settings know, the current one checked.

Disabled (with the reason) when IT policy pins the environment. Choosing another one asks first while a
call is active, then the window asks the app to switch (a new window on that environment's own profile).
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenuBar, QWidget

from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution

log = logging.getLogger("desktop.ui")


class EnvironmentShell(Protocol):
    """What the Environment menu uses of the window around it."""

    @property
    def options(self) -> LaunchOptions: ...
    @property
    def active_calls(self) -> set[str]: ...
    @property
    def switch_requested(self) -> SignalInstance: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's name
    def window(self) -> QWidget: ...
    def confirm(self, title: str, text: str) -> bool: ...


class EnvironmentMenu:
    def __init__(self, window: EnvironmentShell, resolution: Resolution) -> None:
        self._window = window
        self._resolution = resolution
        current = window.options.env_name
        menu = window.menuBar().addMenu("&Environment")
        group = QActionGroup(window.window())
        reason = resolution.lock_reason("environment")
        locked = reason is not None
        names = resolution.environments()
        if current not in names:
            names.append(current)
        self.actions: dict[str, QAction] = {}
        for name in names:
            action = QAction(name, window.window(), checkable=True, checked=name == current)
            action.setEnabled(not locked)
            action.triggered.connect(lambda _=False, env=name: self.request(env))
            group.addAction(action)
            menu.addAction(action)
            self.actions[name] = action
        if reason is not None:
            note = QAction(f"Locked: {reason}", window.window())
            note.setEnabled(False)
            menu.addSeparator()
            menu.addAction(note)

    def request(self, env: str) -> None:
        """Switch to ``env``, asking first while a call is active."""
        window = self._window
        if env == window.options.env_name:
            return
        if self._resolution.is_locked("environment"):
            log.warning("switch to %s refused: IT policy pins the environment", env)
            return
        if window.active_calls and not window.confirm(
            "Switch environment during a call?",
            f"A call is active. Switching to {env} ends it. Switch anyway?",
        ):
            self.actions[window.options.env_name].setChecked(True)
            return
        window.switch_requested.emit(env)
