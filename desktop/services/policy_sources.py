"""Where IT policy comes from, per OS, and its format.

* Linux: ``/etc/embeddable-desktop/policy.json``:
  ``{"settings": {KEY: VALUE, ...}, "hidden": [KEY, ...], "required": [KEY, ...]}``.
* macOS: managed preferences for the bundle id (``/Library/Managed Preferences/<bundle id>.plist``, pushed by
  an MDM profile) with the same three keys.
* Windows: ``HKLM\\Software\\Policies\\EmbeddableDesktop\\EmbeddableDesktop`` (ADMX-style): one value per setting
  key (REG_SZ or REG_DWORD), plus the REG_MULTI_SZ values ``hidden`` and ``required``.

A policy that cannot be read stops the app with a message naming its source: starting without it would
silently drop IT's locks.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from desktop.core.settings import NO_POLICY, Policy
from desktop.core.settings_schema import lookup
from desktop.services.settings_files import SettingsFileError

LINUX_POLICY_FILE = Path("/etc/embeddable-desktop/policy.json")
BUNDLE_ID = "com.embeddabledesktop.app"
MACOS_POLICY_FILE = Path("/Library/Managed Preferences") / f"{BUNDLE_ID}.plist"
WINDOWS_POLICY_KEY = r"Software\Policies\EmbeddableDesktop\EmbeddableDesktop"


def policy_from_data(data: Any, source: str) -> Policy:
    """Validate the shape of a policy document (the values themselves are checked by the schema)."""
    path = Path(source)
    if not isinstance(data, dict):
        raise SettingsFileError(path, [f"{source}: expected an object with settings, hidden, required"])
    problems = [f"{source}: unknown top-level key {k!r} (expected settings, hidden, required)"
                for k in data if k not in ("settings", "hidden", "required")]
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        problems.append(f"{source}: settings must be an object of KEY: VALUE")
        settings = {}
    lists: dict[str, list[str]] = {}
    for name in ("hidden", "required"):
        items = data.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            problems.append(f"{source}: {name} must be a list of setting keys")
            items = []
        lists[name] = items
    for name, keys in lists.items():
        for key in keys:
            try:
                lookup(key)
            except KeyError as exc:
                problems.append(f"{source}: {name}: {exc.args[0]}")
    if problems:
        raise SettingsFileError(path, problems)
    return Policy(source=source, values=settings, hidden=frozenset(lists["hidden"]),
                  required=tuple(lists["required"]))


def _read_linux(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return NO_POLICY
    except OSError as exc:
        raise SettingsFileError(path, [f"{path}: IT policy cannot be read ({exc.strerror or exc})"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsFileError(path, [f"{path}: line {exc.lineno}, column {exc.colno}: IT policy is not valid "
                                       f"JSON ({exc.msg})"]) from None
    return policy_from_data(data, str(path))


def _read_macos(path: Path) -> Policy:
    import plistlib  # only macOS needs it; kept off the start-up path elsewhere

    try:
        with path.open("rb") as handle:
            data = plistlib.load(handle)
    except FileNotFoundError:
        return NO_POLICY
    except (OSError, plistlib.InvalidFileException, ValueError) as exc:
        raise SettingsFileError(path, [f"{path}: managed preferences cannot be read ({exc})"]) from None
    return policy_from_data(data, str(path))


def _read_windows() -> Policy:  # pragma: no cover - needs Windows; documented in the README
    # Through importlib so type checking on other systems does not trip over the Windows-only module.
    winreg: Any = importlib.import_module("winreg")

    source = "HKLM\\" + WINDOWS_POLICY_KEY
    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, WINDOWS_POLICY_KEY)
    except OSError:
        return NO_POLICY
    data: dict[str, Any] = {"settings": {}}
    with key:
        index = 0
        while True:
            try:
                name, value, kind = winreg.EnumValue(key, index)
            except OSError:
                break
            index += 1
            if name in ("hidden", "required"):
                data[name] = list(value) if kind == winreg.REG_MULTI_SZ else [str(value)]
            elif kind == winreg.REG_DWORD:
                data["settings"][name] = value if not name.startswith("allow_") else bool(value)
            else:
                data["settings"][name] = str(value)
    return policy_from_data(data, source)


def read_policy(path: Path | None = None) -> Policy:
    """The policy of this machine; ``path`` overrides the file location (tests, packaging checks)."""
    if sys.platform == "darwin":
        return _read_macos(path or MACOS_POLICY_FILE)
    if sys.platform == "win32" and path is None:
        return _read_windows()
    return _read_linux(path or LINUX_POLICY_FILE)
