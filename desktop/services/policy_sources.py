"""Where IT policy comes from, per OS, and its format.

* Linux: ``/etc/embeddable-desktop/policy.json``:
  ``{"settings": {KEY: VALUE, ...}, "hidden": [KEY, ...], "required": [KEY, ...]}``.
* macOS: managed preferences for the bundle id (``/Library/Managed Preferences/<bundle id>.plist``, pushed by
  an MDM profile) with the same three keys.
* Windows: ``HKLM\\Software\\Policies\\EmbeddableDesktop\\EmbeddableDesktop``, written by Group Policy from
  ``packaging/windows/policy/EmbeddableDesktop.admx``: one value per setting key (REG_SZ, or REG_DWORD for
  true/false and ports), the REG_MULTI_SZ values ``hidden`` and ``required``, and any KEY=VALUE pairs
  (REG_SZ) of the "Other settings" policy in its subkey ``Settings``.

A policy that cannot be read stops the app with a message naming its source: starting without it would
silently drop IT's locks.
"""

from __future__ import annotations

import importlib
import json
import ntpath
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop.core.settings import NO_POLICY, Policy
from desktop.core.settings_schema import Setting, lookup
from desktop.services.settings_files import SettingsFileError

LINUX_POLICY_FILE = Path("/etc/embeddable-desktop/policy.json")
BUNDLE_ID = "com.embeddabledesktop.app"
MACOS_POLICY_FILE = Path("/Library/Managed Preferences") / f"{BUNDLE_ID}.plist"
WINDOWS_POLICY_KEY = r"Software\Policies\EmbeddableDesktop\EmbeddableDesktop"
#: Where the "Other settings" policy writes. An ADMX list element clears its whole key when the policy is
#: disabled or not configured (and gpedit shows it enabled whenever that key has any value), so it cannot
#: share the key of the one-value policies.
WINDOWS_SETTINGS_SUBKEY = "Settings"


def policy_from_data(data: Any, source: str) -> Policy:
    """Validate the shape of a policy document (the values themselves are checked by the schema)."""
    path = Path(source)
    if not isinstance(data, dict):
        raise SettingsFileError(path, [f"{source}: expected an object with settings, hidden, required"])
    # "$schema" names the JSON Schema for editors and validators (packaging/policies/policy.schema.json).
    problems = [f"{source}: unknown top-level key {k!r} (expected settings, hidden, required)"
                for k in data if k not in ("settings", "hidden", "required", "$schema")]
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
    if isinstance(data, dict):
        # An MDM may leave its profile's own Payload* keys beside the preferences; they are not settings.
        data = {k: v for k, v in data.items() if not str(k).startswith("Payload")}
    return policy_from_data(data, str(path))


# winreg's type numbers, spelled out here because winreg exists only on Windows and the parsing is tested
# everywhere (they are fixed by the registry format: winnt.h).
REG_SZ = 1
REG_EXPAND_SZ = 2
REG_DWORD = 4
REG_MULTI_SZ = 7
REG_QWORD = 11
_TYPE_NAMES = {0: "REG_NONE", REG_SZ: "REG_SZ", REG_EXPAND_SZ: "REG_EXPAND_SZ", 3: "REG_BINARY",
               REG_DWORD: "REG_DWORD", 5: "REG_DWORD_BIG_ENDIAN", 6: "REG_LINK", REG_MULTI_SZ: "REG_MULTI_SZ",
               REG_QWORD: "REG_QWORD"}
#: One registry value as ``winreg.EnumValue`` gives it: name, data, registry type.
RegistryValue = tuple[str, object, int]


def _type_name(kind: int) -> str:
    return _TYPE_NAMES.get(kind, f"registry type {kind}")


def _setting_value(setting: Setting, data: object, kind: int) -> object:
    """The value as the schema's ``convert`` takes it.

    A DWORD is a number, so the setting's kind says what it means: an ADMX on/off policy writes 1 or 0 for any
    true/false setting, a port is a number. Text stays text: the schema reads "true" or "47612" itself.

    Raises:
        ValueError: the registry type does not fit the setting, phrased to follow "value 'x' ".
    """
    numeric = setting.kind in ("true/false", "port")
    if kind in (REG_DWORD, REG_QWORD) and isinstance(data, int) and not isinstance(data, bool):
        if setting.kind == "true/false":
            return bool(data)
        if setting.kind == "port":
            return data
        raise ValueError(f"is {_type_name(kind)} {data}, but this setting is {setting.kind}: make it REG_SZ")
    if kind == REG_SZ and isinstance(data, str):
        return data
    if kind == REG_EXPAND_SZ and isinstance(data, str):
        return ntpath.expandvars(data)  # what REG_EXPAND_SZ means: %ProgramFiles% and the like
    expected = "REG_SZ or REG_DWORD" if numeric else "REG_SZ"
    raise ValueError(f"is {_type_name(kind)}, which this setting ({setting.kind}) cannot take: make it {expected}")


def policy_from_registry(values: Iterable[RegistryValue], source: str,
                         other_settings: Iterable[RegistryValue] = ()) -> Policy:
    """The policy in the values of the policy key (``source`` names it) and of its ``Settings`` subkey.

    The policy key holds one value per setting key (what each ADMX policy writes) and the REG_MULTI_SZ values
    ``hidden`` and ``required``; ``other_settings`` are the KEY=VALUE pairs of the "Other settings" policy.

    Raises:
        SettingsFileError: every problem at once, each naming the registry key and the value.
    """
    problems: list[str] = []
    settings: dict[str, Any] = {}
    origin: dict[str, str] = {}  # setting key -> registry key it came from, to name both when it is set twice
    lists: dict[str, list[str]] = {"hidden": [], "required": []}
    subkey = f"{source}\\{WINDOWS_SETTINGS_SUBKEY}"
    for registry_key, entries in ((source, values), (subkey, other_settings)):
        for raw_name, data, kind in entries:
            name = raw_name.lower()  # registry value names ignore case: Close_To_Tray is close_to_tray
            at = f"{registry_key}: value {raw_name!r}"
            if name in lists:
                if registry_key != source:
                    problems.append(f"{at}: {name} has its own policy (REG_MULTI_SZ {name!r} in {source})")
                elif kind == REG_MULTI_SZ and isinstance(data, list) and all(isinstance(i, str) for i in data):
                    lists[name] = [item.strip() for item in data if item.strip()]
                else:
                    # REG_MULTI_SZ data that is not lines of text is damaged: say so, not "make it REG_MULTI_SZ".
                    what = "REG_MULTI_SZ but not lines of text" if kind == REG_MULTI_SZ else _type_name(kind)
                    problems.append(f"{at} is {what}; {name} must be REG_MULTI_SZ (one setting key a line)")
                continue
            try:
                setting = lookup(name)
            except KeyError as exc:
                problems.append(f"{at}: {exc.args[0]}")
                continue
            if name in origin:
                problems.append(f"{at}: {name} is also set in {origin[name]}; set it in one place only")
                continue
            try:
                settings[name] = _setting_value(setting, data, kind)
            except ValueError as exc:
                problems.append(f"{at} {exc}")
            origin[name] = registry_key
    try:
        policy = policy_from_data({"settings": settings, **lists}, source)  # checks the keys in the lists
    except SettingsFileError as exc:
        raise SettingsFileError(Path(source), problems + exc.problems) from None
    if problems:
        raise SettingsFileError(Path(source), problems)
    return policy


def _registry_values(winreg: Any, path: str) -> list[RegistryValue] | None:  # pragma: no cover - Windows only
    """The values of ``HKLM\\path``, or None when the key does not exist."""
    source = "HKLM\\" + path
    try:
        # The 64-bit view whatever this build is: that is where Group Policy writes.
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY)
    except FileNotFoundError:
        return None
    except OSError as exc:  # e.g. access denied: the policy exists, and starting without it drops IT's locks
        raise SettingsFileError(Path(source), [f"{source}: IT policy cannot be read ({exc.strerror or exc})"]) from None
    with key:
        try:
            return [winreg.EnumValue(key, index) for index in range(winreg.QueryInfoKey(key)[1])]
        except OSError as exc:
            raise SettingsFileError(Path(source), [f"{source}: IT policy cannot be read ({exc.strerror or exc})"]
                                    ) from None


def _read_windows() -> Policy:  # pragma: no cover - needs Windows; the parsing is policy_from_registry
    # Through importlib so type checking on other systems does not trip over the Windows-only module.
    winreg: Any = importlib.import_module("winreg")
    values = _registry_values(winreg, WINDOWS_POLICY_KEY)
    if values is None:
        return NO_POLICY
    others = _registry_values(winreg, f"{WINDOWS_POLICY_KEY}\\{WINDOWS_SETTINGS_SUBKEY}")
    return policy_from_registry(values, "HKLM\\" + WINDOWS_POLICY_KEY, others or ())


def read_policy(path: Path | None = None) -> Policy:
    """The policy of this machine; ``path`` overrides the file location (tests, packaging checks)."""
    if sys.platform == "darwin":
        return _read_macos(path or MACOS_POLICY_FILE)
    if sys.platform == "win32" and path is None:
        return _read_windows()
    return _read_linux(path or LINUX_POLICY_FILE)
