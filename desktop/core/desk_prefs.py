"""How the window behaves on the agent's desktop (tray, start-up, ring, DevTools), read from the settings.

A separate, frozen record so the Qt shell never looks settings up by string key, and so a test can build
one without a settings file.
"""

from __future__ import annotations

from dataclasses import fields

from desktop.core.records import record
from desktop.core.settings import Resolution


@record
class DesktopPrefs:
    close_to_tray: bool = True
    start_minimized: bool = False
    always_on_top: bool = False
    autostart: bool = False
    raise_on_ring: bool = True
    notifications: bool = True
    devtools: bool = False


def desktop_prefs(resolution: Resolution) -> DesktopPrefs:
    """The preferences as resolved (policy locks already applied; every value already checked)."""
    return DesktopPrefs(**{f.name: bool(resolution.get(f.name)) for f in fields(DesktopPrefs)})


#: The settings a person may toggle from the window's menus, with the menu text.
TOGGLES = {
    "always_on_top": "Always on &Top",
    "start_minimized": "Start &Minimized",
    "autostart": "Start at &Login",
    "close_to_tray": "&Close to Tray",
    "raise_on_ring": "&Bring to Front on Ring",
    "notifications": "&Notifications",
}
