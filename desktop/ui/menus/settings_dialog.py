"""The settings dialog: every setting a person may see, with where it comes from.

Keys IT policy sets are shown as managed and cannot be edited; hidden policy keys are not shown at all.
Edits go through the same checks and atomic write as ``embeddable-desktop config set``.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import LauncherError
from desktop.core.settings import Resolution
from desktop.core.settings_schema import lookup
from desktop.services.settings_edit import edit_user_setting
from desktop.services.settings_files import SettingsFileError


def _text(value: object) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


class SettingsDialog(QDialog):
    def __init__(self, resolution: Resolution, settings_path: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.resize(760, 480)
        self._path = settings_path
        self._original: dict[str, str] = {}
        values = resolution.shown()
        self.table = QTableWidget(len(values), 3, self)
        self.table.setHorizontalHeaderLabels(["Setting", "Value", "Comes from"])
        for row, value in enumerate(values):
            key_item = QTableWidgetItem(value.key)
            key_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            key_item.setToolTip(lookup(value.key).description)
            value_item = QTableWidgetItem(_text(value.value))
            source = value.source
            reason = resolution.lock_reason(value.key)
            if reason is not None or source == "built in":
                value_item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # shown, not editable
                source = source if reason is None else f"locked: {reason}"
                value_item.setToolTip(f"{source}: cannot be changed here")
            source_item = QTableWidgetItem(source)
            source_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for column, item in enumerate((key_item, value_item, source_item)):
                self.table.setItem(row, column, item)
            self._original[value.key] = value_item.text()
        self.table.resizeColumnsToContents()
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color:#a00")
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Saved in {settings_path}. Changes apply when the environment is opened again.",
                                self))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)

    def changes(self) -> dict[str, str]:
        out = {}
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            if key_item is not None and value_item is not None and value_item.text() != self._original[key_item.text()]:
                out[key_item.text()] = value_item.text()
        return out

    def save(self) -> None:
        """Write every change (an emptied value removes the key); keep the dialog open on problems."""
        problems: list[str] = []
        for key, text in self.changes().items():
            try:
                edit_user_setting(self._path, key, text.strip() or None)
                self._original[key] = text
            except (LauncherError, SettingsFileError) as exc:
                problems.extend(getattr(exc, "problems", [str(exc)]))
        if problems:
            self.problems.setText("\n".join(problems))
            return
        self.accept()
