"""The Diagnostics dialog: the report in a read-only text box, with Copy and Save… for the helpdesk ticket."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME


class DiagnosticsDialog(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Diagnostics — {APP_NAME}")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        self.status = QLabel("Collecting… (each check has a time limit of a few seconds)", self)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy", self)
        self.save_button = QPushButton("Save…", self)
        for button in (self.copy_button, self.save_button):
            button.setEnabled(False)  # until the report is there
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self._ask_where)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.status)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def set_report(self, report: str) -> None:
        self.text.setPlainText(report)
        self.status.setText("Copy or save this report for your helpdesk. Codes, tokens, secrets and numbers are "
                            "removed.")
        self.copy_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.status.setText("Copied.")

    def save_to(self, target: Path) -> None:
        try:
            target.write_text(self.text.toPlainText(), encoding="utf-8")
        except OSError as exc:
            self.status.setText(f"Could not save to {target} ({exc.strerror or exc}).")
            return
        self.status.setText(f"Saved to {target}.")

    def _ask_where(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Save Diagnostics", str(Path.home() / "diagnostics.txt"),
                                                "Text files (*.txt)")
        if target:
            self.save_to(Path(target))
