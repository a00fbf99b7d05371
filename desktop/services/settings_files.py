"""Reading and writing settings: the user's file (atomic writes) and environment variables.

IT policy is read by :mod:`desktop.services.policy_sources`, which uses :class:`SettingsFileError` from here
(never the other way round: :mod:`desktop.services.settings_loader` puts the two together).

The user file is JSON with flat dotted keys, e.g. ``{"environment": "sandbox",
"environments.sandbox.client_id": "..."}``. A file that cannot be read is never overwritten: the caller
gets every problem at once and may keep a copy (:func:`keep_copy`) before starting on defaults.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs

from desktop import APP_ID
from desktop.core.errors import LauncherError
from desktop.core.settings import Layer
from desktop.core.settings_schema import ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, env_key, environment_names

SETTINGS_FILE_NAME = "settings.json"
ENV_PREFIX = "EMBEDDABLE_DESKTOP_"


class SettingsFileError(LauncherError):
    """A settings or policy file cannot be used; ``problems`` lists every reason, each naming the file."""

    title = "Settings cannot be read"

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.path = path
        self.problems = problems


def default_data_dir() -> Path:
    """Where the app keeps profiles, logs and state unless ``--data-dir`` says otherwise."""
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_ID, appauthor=False)) / SETTINGS_FILE_NAME


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsFileError(path, [f"{path}: cannot be read ({exc})"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsFileError(path, [f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON "
                                       f"({exc.msg})"]) from None


def load_user_file(path: Path) -> Layer:
    """The user's settings as a layer (empty if the file does not exist yet).

    Raises:
        SettingsFileError: the file is not readable JSON or not an object of settings.
    """
    data = _read_json(path)
    if data is None:
        return Layer("user file", str(path), {})
    if not isinstance(data, dict):
        raise SettingsFileError(path, [f"{path}: expected an object of settings, found {type(data).__name__}"])
    return Layer("user file", str(path), data)


def read_own_json(path: Path, log: logging.Logger) -> dict[str, Any]:
    """A JSON object the app wrote itself (state, window place): missing or unreadable gives {} (logged),
    since it holds nothing a person wrote and the app must start anyway."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s (%s)", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def write_json_atomic(path: Path, values: Mapping[str, Any]) -> None:
    """Write JSON atomically: a crash leaves either the old file or the new one, never half of one."""
    write_bytes_atomic(path, (json.dumps(dict(sorted(values.items())), indent=2, ensure_ascii=False) + "\n").encode())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temp file in the same folder, fsync, rename)."""
    import shutil
    import tempfile

    # A new folder is the person's alone (0700), as the file is (mkstemp: 0600); see private_files.py.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def keep_copy(path: Path) -> Path:
    """Copy a file that could not be used next to it, so nothing the person wrote is lost."""
    import shutil

    copy = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.copy2(path, copy)
    return copy


def environment_layer(environ: Mapping[str, str], environments: list[str]) -> Layer:
    """Settings from ``EMBEDDABLE_DESKTOP_<KEY>`` variables (dots become ``__``, dashes ``_``).

    Besides ``environments``, any environment a variable names (``..._ENVIRONMENTS__LAB__APP_SERVER``) counts,
    so a custom environment can come from variables alone.
    """
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    prefix = ENV_PREFIX + "ENVIRONMENTS__"
    # ..._ENVIRONMENTS__LAB__APP_SERVER names "environments.lab.app_server"; the same rule then names "lab".
    named = [f"environments.{name[len(prefix):].lower().replace('__', '.', 1)}" for name in environ
             if name.startswith(prefix)]
    environments = list(dict.fromkeys([*environments, *environment_names(named)]))
    keys = list(GLOBAL_SETTINGS) + [env_key(e, f) for e in environments for f in ENVIRONMENT_SETTINGS]
    for key in keys:
        name = ENV_PREFIX + key.upper().replace(".", "__").replace("-", "_")
        if name in environ:
            values[key] = environ[name]
            sources[key] = name
    return Layer("environment variable", "environment", values, sources)


__all__ = [
    "SettingsFileError", "default_data_dir", "default_settings_path", "environment_layer", "keep_copy",
    "load_user_file", "write_json_atomic",
]
