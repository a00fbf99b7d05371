"""The macOS configuration profile template (Jamf, Intune, any MDM), generated from the settings schema.

The profile carries one custom-settings payload whose ``PayloadType`` is the app's bundle id: macOS writes that
payload's keys (all but the ``Payload*`` ones) to ``/Library/Managed Preferences/<bundle id>.plist``, which is
where the app reads IT policy (``desktop.services.policy_sources``), in the same shape as on Linux: ``settings``
(flat dotted keys), ``hidden`` and ``required``.

The template lists every setting with its default (a placeholder where there is none), and a value in policy
is locked. IT deletes each key it does not want to lock and fills in the client id. The identifiers and UUIDs
are fixed (uuid5 of fixed names), so regenerating the file changes it only when the schema changes, and a
profile re-uploaded to an MDM replaces the earlier one instead of installing a second.

``python -m desktop.fleet.mobileconfig`` rewrites ``packaging/macos/embeddable-desktop.mobileconfig``.
"""

from __future__ import annotations

import plistlib
import uuid
from pathlib import Path
from typing import Any

from desktop.core.settings import resolve
from desktop.core.settings_schema import BUILT_IN_SERVERS, ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, env_key, lookup
from desktop.services.policy_sources import BUNDLE_ID, policy_from_data
from desktop.services.settings_files import SettingsFileError

PATH = "packaging/macos/embeddable-desktop.mobileconfig"
PROFILE_IDENTIFIER = f"{BUNDLE_ID}.policy"
SETTINGS_IDENTIFIER = f"{PROFILE_IDENTIFIER}.settings"
#: Values for settings without a default. Client ids are IT's own (one per environment); "open" is how macOS
#: opens a link in the default browser, the same thing the app does when no browser command is set.
PLACEHOLDERS: dict[str, Any] = {
    "browser": "open",
    env_key("production", "client_id"): "YOUR-CLIENT-ID",
    env_key("sandbox", "client_id"): "YOUR-SANDBOX-CLIENT-ID",
}
REQUIRED = [env_key("production", "client_id")]


def _uuid(name: str) -> str:
    # uuid5: the same name gives the same UUID on every run and every machine.
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name)).upper()


def template_settings() -> dict[str, Any]:
    """Every global setting and every production and sandbox setting (not their fixed app server), each with its
    default or, where there is none, a placeholder."""
    keys = list(GLOBAL_SETTINGS)
    for env in BUILT_IN_SERVERS:
        keys += [env_key(env, field) for field in ENVIRONMENT_SETTINGS if field != "app_server"]
    settings: dict[str, Any] = {}
    for key in keys:
        settings[key] = PLACEHOLDERS.get(key, lookup(key).default)
        if settings[key] is None:  # a new setting without a default needs a placeholder above
            raise ValueError(f"{key} has no default and no placeholder; property lists cannot hold None")
    return settings


def profile_for(settings: dict[str, Any], hidden: list[str], required: list[str]) -> bytes:
    """A configuration profile (XML property list) that sets this policy on a Mac.

    Raises:
        ValueError: the policy is one the app would refuse to start with (unknown key, invalid value); the
            message lists every problem.
    """
    policy_data = {"settings": settings, "hidden": hidden, "required": required}
    _check(policy_data)
    payload: dict[str, Any] = {
        "PayloadType": BUNDLE_ID,
        "PayloadVersion": 1,
        "PayloadIdentifier": SETTINGS_IDENTIFIER,
        "PayloadUUID": _uuid(SETTINGS_IDENTIFIER),
        "PayloadDisplayName": "Embeddable Desktop settings",
        "PayloadEnabled": True,
        **policy_data,
    }
    profile: dict[str, Any] = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": PROFILE_IDENTIFIER,
        "PayloadUUID": _uuid(PROFILE_IDENTIFIER),
        "PayloadDisplayName": "Embeddable Desktop policy",
        "PayloadDescription": (
            "Settings of Embeddable Desktop that IT locks: every key under settings is fixed for everyone on "
            "this Mac. Delete the keys you do not want to lock; hidden lists keys people do not see, required "
            "the keys that must have a value."),
        "PayloadOrganization": "YOUR ORGANIZATION",
        "PayloadScope": "System",
        "PayloadContent": [payload],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True)


def _check(policy_data: dict[str, Any]) -> None:
    """Refuse a policy the app would refuse: the same reader and resolver the app runs at start."""
    try:
        policy = policy_from_data(policy_data, "configuration profile")
    except SettingsFileError as exc:
        raise ValueError("\n".join(exc.problems)) from None
    resolution = resolve(policy, [])
    if resolution.problems:
        raise ValueError("\n".join(resolution.problems))


def render() -> dict[str, str | bytes]:
    """The committed template: every key with its default, the production client id required."""
    return {PATH: profile_for(template_settings(), [], REQUIRED)}


def main() -> None:
    """Write the template into the checkout this module belongs to."""
    root = Path(__file__).resolve().parents[2]
    for relative, content in render().items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
