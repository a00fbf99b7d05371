"""Small widgets around the phone: the environment strip and the "settings missing" screen."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

_STRIP_COLOURS = {"sandbox": "#f0a020"}
_CUSTOM_COLOUR = "#8e44ad"


class EnvironmentStrip(QLabel):
    """A coloured strip naming the environment; shown for everything but production, so nobody mistakes
    a sandbox or lab phone for the real one."""

    def __init__(self, env: str, app_server: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("environmentStrip")
        host = urlsplit(app_server).netloc
        self.setText(f"{env.upper()} · {host}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        colour = _STRIP_COLOURS.get(env, _CUSTOM_COLOUR)
        self.setStyleSheet(f"#environmentStrip{{background:{colour};color:white;font-weight:bold;padding:3px}}")
        self.setVisible(env != "production")


class MissingSettingsScreen(QLabel):
    """Shown instead of the phone when IT policy requires settings that have no value."""

    def __init__(self, missing: list[str], policy_source: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("missingSettings")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        keys = "\n".join(f"• {key}" for key in missing)
        self.setText(
            "The phone cannot start yet.\n\nYour IT department requires these settings, which have no value:\n\n"
            f"{keys}\n\nRequired by: {policy_source}\n\nAsk IT to complete the policy, or set them with\n"
            "embeddable-desktop config set KEY VALUE"
        )
        self.setStyleSheet("#missingSettings{padding:24px;font-size:14px}")
