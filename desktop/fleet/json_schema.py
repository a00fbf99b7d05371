"""A JSON Schema (draft 2020-12) for ``policy.json``, generated from the settings schema.

IT can validate a policy with any tool before pushing it to a fleet. The schema is as strict as the app's
reader: unknown keys, wrong types, a fixed server, a bad port or auth mode are refused, and a test checks the
two agree on good and bad examples. JSON's own types are used (``true``, ``47612``); the reader also takes
their text forms from other sources (registry, variables), which the schema does not need to allow here.
"""

from __future__ import annotations

import json
from typing import Any

from desktop.core.hotkeys import SCHEMA_PATTERN as HOTKEY_PATTERN
from desktop.core.settings_schema import (
    AUTH_MODES,
    BUILT_IN_SERVERS,
    ENV_NAME,
    ENVIRONMENT_SETTINGS,
    GLOBAL_SETTINGS,
    Setting,
)

PATH = "packaging/policies/policy.schema.json"
SCHEMA_ID = "https://embeddable-desktop.example/schemas/policy.schema.json"
_ENV = ENV_NAME.pattern.removeprefix("^").removesuffix("$")
#: Values by the setting's kind; the patterns mirror the schema's converters.
_KINDS: dict[str, dict[str, Any]] = {
    "true/false": {"type": "boolean"},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "environment name": {"type": "string", "pattern": f"^{_ENV}$"},
    "https URL": {"type": "string", "pattern": "^https://[^\\s?#]+$"},
    "command": {"type": "string", "minLength": 1, "pattern": "\\S"},
    "text": {"type": "string", "pattern": "^[A-Za-z0-9._~-]{1,200}$"},
    "proxy": {"type": "string", "pattern": "^(system|none|https?://[^/:@\\s]+:[0-9]{1,5}/?|pac:(https?://\\S+|file:\\S+))$"},
    f"one of {', '.join(AUTH_MODES)}": {"type": "string", "enum": list(AUTH_MODES)},
    # The canonical spelling only (Ctrl+Alt+M, off): the reader also takes ctrl+alt+m and writes it back so.
    "hotkey": {"type": "string", "pattern": HOTKEY_PATTERN},
}


def _value(setting: Setting) -> dict[str, Any]:
    value = dict(_KINDS[setting.kind])
    value["description"] = setting.description + (" (takes effect at the next start)" if setting.restart_required
                                                  else "")
    if setting.default is not None:
        value["default"] = setting.default
    return value


def _env_pattern(field: str) -> str:
    return f"^environments\\.{_ENV}\\.{field}$"


def policy_schema() -> dict[str, Any]:
    settings: dict[str, Any] = {key: _value(setting) for key, setting in GLOBAL_SETTINGS.items()}
    for env in BUILT_IN_SERVERS:  # their servers are fixed: a policy may not name one
        settings[f"environments.{env}.app_server"] = False
    key_names: list[dict[str, Any]] = [{"enum": sorted(GLOBAL_SETTINGS)}]
    key_names += [{"pattern": _env_pattern(field)} for field in ENVIRONMENT_SETTINGS]
    key_list = {"type": "array", "uniqueItems": True, "items": {"type": "string", "anyOf": key_names}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Embeddable Desktop IT policy",
        "description": "/etc/embeddable-desktop/policy.json (Linux); the same keys as macOS managed preferences "
                       "and the Windows policy registry values. Every key set under settings is locked.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string", "description": "This schema, for editors and validators."},
            "settings": {
                "type": "object",
                "description": "Locked values: people cannot change them in the app, its menus or its files.",
                "properties": settings,
                "patternProperties": {_env_pattern(field): _value(setting)
                                      for field, setting in ENVIRONMENT_SETTINGS.items()},
                "additionalProperties": False,
            },
            "hidden": dict(key_list, description="Keys not shown to people (the settings dialog, config show)."),
            "required": dict(key_list, description="Keys that must have a value; without one the app shows a "
                                                   "screen asking for IT instead of the phone."),
        },
    }


def render() -> dict[str, str | bytes]:
    return {PATH: json.dumps(policy_schema(), indent=2) + "\n"}
