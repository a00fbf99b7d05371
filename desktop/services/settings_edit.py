"""One setting changed in the person's settings file, after the same schema and policy checks as start-up.

``embeddable-desktop config set|unset``, the Settings dialog, the menus' toggles and an environment switch all
write through :func:`edit_user_setting`, so a key IT policy locks is refused alike everywhere. Writes are atomic; a
file that cannot be read is reported, never overwritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from desktop.core.errors import UsageError
from desktop.core.settings_schema import BUILT_IN_SERVERS, lookup
from desktop.services.settings_files import load_user_file, write_json_atomic
from desktop.services.settings_loader import lower_resolution


def show_value(value: Any) -> str:
    """A setting's value as ``config show`` prints it."""
    return "(not set)" if value is None else json.dumps(value)


def edit_user_setting(path: Path, key: str, value: str | None) -> str:
    """Set (or with ``None`` remove) ``key`` in the user file after the schema and policy checks.

    Raises:
        UsageError: unknown key, invalid value, or a key locked by IT policy.
        SettingsFileError: the file cannot be read (it is then left as it is).
    """
    try:
        setting = lookup(key)
    except KeyError as exc:
        raise UsageError([str(exc.args[0])]) from None
    reason = lower_resolution(path, os.environ).lock_reason(key)
    if reason is not None:
        raise UsageError([f"{key} is {reason} and cannot be changed"])
    if key.endswith(".app_server") and key.split(".")[1] in BUILT_IN_SERVERS:
        raise UsageError([f"{key}: the {key.split('.')[1]} server is fixed; define a custom environment instead"])
    values = dict(load_user_file(path).values)
    if value is None:
        if values.pop(key, None) is None:
            return f"{key} was not set in {path}"
        write_json_atomic(path, values)
        return f"{key} removed from {path}"
    try:
        converted = setting.convert(value)  # ports and flags accept their text forms
    except ValueError as exc:
        raise UsageError([f"{key} = {value!r}: {exc}"]) from None
    values[key] = converted
    write_json_atomic(path, values)
    return f"{key} = {show_value(converted)} saved in {path}"
