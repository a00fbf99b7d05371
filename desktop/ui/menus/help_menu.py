"""The Help menu: Diagnostics… (the diagnose report, with Copy and Save), Save Support Bundle…, About.

The report is the one ``embeddable-desktop diagnose`` prints, for the settings this window runs with, plus
what Chromium sees of the microphone inside the widget page. Collection runs on the event loop with its
time limits, so the window stays responsive while the network checks wait.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from desktop import APP_NAME

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWidgets import QMenuBar, QWidget

    from desktop.core.options import LaunchOptions
    from desktop.core.settings import Resolution
    from desktop.diagnostics.report import Subject
    from desktop.ui.menus.diagnostics_dialog import DiagnosticsDialog
    from desktop.ui.window.errors import ErrorPresenter

log = logging.getLogger("desktop.ui")


class HelpShell(Protocol):
    """What the Help menu uses of the window around it."""

    @property
    def options(self) -> LaunchOptions: ...
    @property
    def resolution(self) -> Resolution | None: ...
    @property
    def extra_ca_file(self) -> Path | None: ...
    @property
    def page(self) -> QWebEnginePage: ...
    @property
    def errors(self) -> ErrorPresenter: ...
    def menuBar(self) -> QMenuBar: ...  # noqa: N802 - Qt's name
    def window(self) -> QWidget: ...
    def spawn(self, coro: Coroutine[Any, Any, object]) -> None: ...


class HelpMenu:
    def __init__(self, window: HelpShell, settings_path: Path | None) -> None:
        self._window = window
        self._settings_path = settings_path
        self.dialog: DiagnosticsDialog | None = None
        menu = window.menuBar().addMenu("&Help")
        self.diagnostics_action = menu.addAction("&Diagnostics…")
        self.diagnostics_action.triggered.connect(self.open_diagnostics)
        self.bundle_action = menu.addAction("Save &Support Bundle…")
        self.bundle_action.triggered.connect(self.ask_for_bundle)
        menu.addSeparator()
        self.about_action = menu.addAction(f"&About {APP_NAME}")
        self.about_action.triggered.connect(self.show_about)

    def subject(self) -> Subject:
        from desktop.diagnostics.report import Subject

        window, options = self._window, self._window.options
        return Subject.for_options(options, settings_path=self._settings_path or options.data_dir / "settings.json",
                                   resolution=window.resolution, extra_ca_file=window.extra_ca_file)

    async def report(self, timeout: float | None = None) -> str:
        """The whole report for this window (redacted); the checks' default timeout unless told."""
        # The diagnostics (and httpx) are imported when first asked for: not on the path to the widget's load.
        from desktop.diagnostics.report import DEFAULT_TIMEOUT, collect, render
        from desktop.ui.phone.microphone_probe import microphone_findings

        timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        page = await microphone_findings(self._window.page, timeout)
        findings = await collect(dataclasses.replace(self.subject(), extra=tuple(page)), timeout=timeout)
        return render(findings)

    def open_diagnostics(self) -> DiagnosticsDialog:
        """Show the dialog at once ("Collecting…"), fill it when the report is ready."""
        from desktop.ui.menus.diagnostics_dialog import DiagnosticsDialog

        self.dialog = DiagnosticsDialog(self._window.window())
        self.dialog.show()
        self._window.spawn(self._fill(self.dialog))
        return self.dialog

    async def _fill(self, dialog: DiagnosticsDialog) -> None:
        dialog.set_report(await self.report())

    def ask_for_bundle(self) -> None:
        # Imported here, as the dialogs below: making their Qt types (and enums) would be start-up time.
        from PySide6.QtWidgets import QFileDialog

        from desktop.diagnostics.bundle import bundle_name

        suggested = str(Path.home() / bundle_name())
        target, _ = QFileDialog.getSaveFileName(self._window.window(), "Save Support Bundle", suggested,
                                                "Zip files (*.zip)")
        if target:
            self._window.spawn(self.save_bundle(Path(target)))

    async def save_bundle(self, target: Path) -> list[str]:
        """Write the bundle (report and logs, redacted) to ``target``; the person is told where, or why not."""
        from desktop.diagnostics.bundle import write_bundle

        report = await self.report()
        try:
            names = write_bundle(target, report, self._window.options.data_dir / "logs")
        except OSError as exc:
            self._window.errors.show_notice(f"The support bundle could not be saved to {target} "
                                            f"({exc.strerror or exc}).", "error")
            return []
        log.info("support bundle saved (%d files)", len(names))
        self._window.errors.show_notice(f"Support bundle saved to {target}. It contains the diagnostics and the "
                                        "logs, with codes, tokens, secrets and numbers removed.")
        return names

    def about_text(self) -> str:
        from desktop.ui.versions import version_lines

        options = self._window.options
        return "\n".join([*version_lines(), "", f"Log: {self._window.errors.log_path}",
                          f"Data: {options.data_dir}",
                          f"Settings: {self._settings_path or '(not from a file)'}"])

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self._window.window(), f"About {APP_NAME}", self.about_text())
