"""Start at login: the OS's own mechanism, never a background helper of ours.

- Linux (and other XDG desktops): ``$XDG_CONFIG_HOME/autostart/embeddable-desktop.desktop``
  (freedesktop Desktop Application Autostart Specification).
- macOS: a LaunchAgent, ``~/Library/LaunchAgents/com.embeddabledesktop.app.plist`` with ``RunAtLoad``.
- Windows: the value ``EmbeddableDesktop`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.

Files are written atomically. The command is the one that runs this installation (the same Python and
package), so a venv install starts at login as well as a packaged one.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from desktop import APP_ID, APP_NAME
from desktop.services.settings_files import write_bytes_atomic

MAC_LABEL = "com.embeddabledesktop.app"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_VALUE = "EmbeddableDesktop"


class Autostart(Protocol):
    #: Where the entry lives, for messages and docs.
    location: str

    def is_enabled(self) -> bool: ...
    def enable(self, command: Sequence[str]) -> None: ...
    def disable(self) -> None: ...


def launch_command(data_dir: Path | None) -> list[str]:
    """This installation, started the way a login would start it (with its data folder, if not the default)."""
    # A frozen bundle (the .deb, .rpm, MSI, .app) is its own executable; a pip install runs the package.
    command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "desktop"]
    return [*command, "--data-dir", str(data_dir)] if data_dir is not None else command


def desktop_exec(words: Sequence[str]) -> str:
    """An ``Exec=`` value, quoted as the Desktop Entry Specification asks.

    Inside double quotes, ``"``, backquote, ``$`` and backslash get a backslash; then the general string
    escape doubles every backslash (so a literal backslash is four), and ``%`` is doubled (field codes).
    """
    out = []
    for word in words:
        needs_quotes = not word or any(c in word for c in " \t\n\"'\\><~|&;$*?#()`=%")
        if needs_quotes:
            quoted = "".join("\\" + c if c in '"`$\\' else c for c in word)
            out.append('"' + quoted.replace("\\", "\\\\").replace("%", "%%") + '"')
        else:
            out.append(word)
    return " ".join(out)


class XdgAutostart:
    def __init__(self, config_home: Path) -> None:
        self.path = config_home / "autostart" / f"{APP_ID}.desktop"
        self.location = str(self.path)

    def is_enabled(self) -> bool:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:
            return False
        # A person (or the desktop's settings app) may have switched it off without deleting the file.
        return "\nHidden=true" not in text and "\nX-GNOME-Autostart-enabled=false" not in text

    def enable(self, command: Sequence[str]) -> None:
        entry = (f"[Desktop Entry]\nType=Application\nName={APP_NAME}\nExec={desktop_exec(command)}\n"
                 f"Icon={APP_ID}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n")
        write_bytes_atomic(self.path, entry.encode())

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


class LaunchAgent:
    def __init__(self, home: Path) -> None:
        self.path = home / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"
        self.location = str(self.path)

    def is_enabled(self) -> bool:
        import plistlib  # here, not at the top: the window imports this module at start-up, and only macOS reads it

        try:
            with self.path.open("rb") as handle:
                return bool(plistlib.load(handle).get("RunAtLoad"))
        except (OSError, plistlib.InvalidFileException, ValueError):
            return False

    def enable(self, command: Sequence[str]) -> None:
        import plistlib

        agent = {"Label": MAC_LABEL, "ProgramArguments": list(command), "RunAtLoad": True,
                 "ProcessType": "Interactive"}
        write_bytes_atomic(self.path, plistlib.dumps(agent))

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)


def _winreg() -> Any:
    return importlib.import_module("winreg")  # Windows only; typed loosely so mypy passes everywhere


class WindowsRunKey:  # pragma: no cover - needs Windows; documented in the README
    location = "HKEY_CURRENT_USER\\" + WINDOWS_RUN_KEY + "\\" + WINDOWS_VALUE

    def is_enabled(self) -> bool:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                winreg.QueryValueEx(key, WINDOWS_VALUE)
        except OSError:
            return False
        return True

    def enable(self, command: Sequence[str]) -> None:
        import subprocess  # here: only Windows quotes a command line this way

        winreg = _winreg()
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
            winreg.SetValueEx(key, WINDOWS_VALUE, 0, winreg.REG_SZ, subprocess.list2cmdline(list(command)))

    def disable(self) -> None:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, WINDOWS_VALUE)
        except FileNotFoundError:
            pass


def autostart_for(platform: str = sys.platform, environ: Mapping[str, str] = os.environ,
                  home: Path | None = None) -> Autostart:
    home = home or Path.home()
    if platform == "win32":
        return WindowsRunKey()
    if platform == "darwin":
        return LaunchAgent(home)
    config_home = environ.get("XDG_CONFIG_HOME") or ""
    return XdgAutostart(Path(config_home) if os.path.isabs(config_home) else home / ".config")
