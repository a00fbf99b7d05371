"""Small widgets around the phone: the environment strip and the "settings missing" screen.

The window's labels set their text format and alignment through Qt's properties, by name (:func:`plain_text`,
:func:`centred`): naming PySide6's ``Qt`` namespace builds all of its enums at once, about 20 ms of the main
thread, and nothing before the widget's first message needs it then (issue 12; ``benchmarks/README.md``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtWidgets import QLabel, QWidget

DEMO_CLIENT_NOTICE = (
    "No client id is configured, so the widget's demo client signs you in inside this window. "
    "Single sign-on may fail there; register your own app and start with --client-id for sign-in "
    "through your browser."
)
_STRIP_COLOURS = {"sandbox": "#f0a020"}
_CUSTOM_COLOUR = "#8e44ad"


def plain_text(label: QLabel) -> None:
    """Show ``label``'s text as it is, never as rich text: it may come from the page or the network."""
    label.setProperty("textFormat", "PlainText")


def centred(label: QLabel) -> None:
    label.setProperty("alignment", "AlignCenter")


class EnvironmentStrip(QLabel):
    """A coloured strip naming the environment; shown for everything but production, so nobody mistakes
    a sandbox or lab phone for the real one."""

    def __init__(self, env: str, app_server: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("environmentStrip")
        host = urlsplit(app_server).netloc
        self.setText(f"{env.upper()} · {host}")
        centred(self)
        colour = _STRIP_COLOURS.get(env, _CUSTOM_COLOUR)
        self.setStyleSheet(f"#environmentStrip{{background:{colour};color:white;font-weight:bold;padding:3px}}")
        self.setVisible(env != "production")


class MissingSettingsScreen(QLabel):
    """Shown instead of the phone when IT policy requires settings that have no value."""

    def __init__(self, missing: list[str], policy_source: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("missingSettings")
        self.setWordWrap(True)
        centred(self)
        plain_text(self)
        keys = "\n".join(f"• {key}" for key in missing)
        self.setText(
            "The phone cannot start yet.\n\nYour IT department requires these settings, which have no value:\n\n"
            f"{keys}\n\nRequired by: {policy_source}\n\nAsk IT to complete the policy, or set them with\n"
            "embeddable-desktop config set KEY VALUE"
        )
        self.setStyleSheet("#missingSettings{padding:24px;font-size:14px}")
