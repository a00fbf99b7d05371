"""The one question start-up asks before Qt runs the phone: the settings file cannot be used; start on default
settings? Asked in a dialog only where someone can answer it (a screen, Qt's platform plugin loading)."""

from __future__ import annotations

import os
import sys

from desktop import APP_NAME
from desktop.services.settings_loader import UnusableSettingsFile


def ask_to_start_on_defaults(exc: UnusableSettingsFile) -> tuple[bool, object]:
    """Ask, in a dialog, whether to start on default settings; never where nobody can answer. Also returns the
    QApplication the dialog needed (None without one): it must outlive this call, and the app reuses it."""
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal") or not (
            sys.platform in ("win32", "darwin") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False, None
    from desktop.services.qt_platform import platform_plugin_problem

    try:
        from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - must precede QApplication
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError:
        return False, None
    if platform_plugin_problem() is not None:
        return False, None  # no dialog can be shown; the settings problems are already on stderr
    from desktop.ui.system.single_instance import LinkAwareApplication

    app = QApplication.instance() or LinkAwareApplication([sys.argv[0]])
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, f"Your settings file {exc.path} cannot be used.")
    box.setInformativeText("\n".join(exc.problems[:10]) + "\n\nStart with default settings? A copy of the file "
                           "is kept next to it, so nothing you wrote is lost.")
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes, app
