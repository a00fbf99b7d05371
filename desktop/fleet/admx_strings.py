"""The English texts of the Group Policy templates (the ADML) and the ADML itself, from the settings schema.

:mod:`desktop.fleet.admx` asks :class:`Resources` for every string and presentation it references while it
builds the ADMX, so the two files cannot disagree. The explain texts are what an IT admin reads in the Group
Policy editor: what the setting does, what Enabled / Disabled / Not configured mean, the default, when it
takes effect and which registry value it writes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from desktop.core.settings_schema import BUILT_IN_SERVERS, ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, Setting
from desktop.services.policy_sources import WINDOWS_POLICY_KEY, WINDOWS_SETTINGS_SUBKEY

NAMESPACE = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"
HIVE_KEY = "HKLM\\" + WINDOWS_POLICY_KEY

# Titles where capitalising the field name reads badly.
_TITLES = {"devtools": "Developer tools (F12)", "client_id": "Client ID", "widget_url": "Widget URL",
           "redirect_port": "Sign-in redirect port", "auth_mode": "Sign-in method", "proxy": "Proxy",
           "browser": "Browser for sign-in pages and links",
           "allow_no_sandbox": "Run without Chromium's sandbox where it cannot start (Linux)"}

# What an admin needs beyond the schema's one-line description.
_NOTES = {
    "environment": "Use production, sandbox or the name of a custom environment defined with \"Other "
                   "settings\". To pin it, also disable \"Allow environment switching\".",
    "allow_custom_environments": "Disabled allows only production and sandbox.",
    "browser": "Example: \"%ProgramFiles%\\Mozilla Firefox\\firefox.exe\" -new-window. Environment variables "
               "such as %ProgramFiles% are expanded.",
    "devtools": "Leave it disabled on agents' computers: the developer tools show the phone's internals.",
    "client_id": "Without one the app cannot sign in: list this key under \"Required settings\" to have the "
                 "app name it instead of starting unusable.",
    "redirect_port": "Each client id registers its redirect URI in the RingCentral developer console; it must "
                     "match this port exactly.",
    "performance_tuning": "Disable it only if the phone window draws wrongly or stays blank on some computers: "
                          "the log file names what the tuning decided on each computer.",
    "allow_no_sandbox": "Leave it disabled: the Linux package installs an AppArmor profile so that the sandbox "
                        "starts on Ubuntu 24.04 as elsewhere. Enable it only for computers where the sandbox "
                        "cannot start and the profile cannot be installed; the log file says when the phone "
                        "ran without it. Windows and macOS are not affected.",
    "auth_mode": "jwt reads the client secret and JWT from each computer's credential store (embeddable-desktop "
                 "secrets); this policy does not carry secrets.",
}

# What "no value" means where it is not simply "not set".
_UNSET = {"browser": "the system's default browser"}

_ITEMS = {"pkce": "pkce: sign in through the browser (recommended)",
          "jwt": "jwt: service user (client secret and JWT in the credential store)",
          "authorization_code": "authorization_code: deprecated, for debugging only"}

_LOCKED = ("A value set by policy is locked: the app's settings, the settings file, environment variables and "
           "command-line options cannot change it (people are told it is set by IT policy).")


def title(field: str) -> str:
    return _TITLES.get(field, field.replace("_", " ").capitalize())


def display_name(key: str, field: str) -> str:
    """The policy's name in the editor; the key in brackets is what the docs, ``config show`` and messages use."""
    return f"{title(field)} ({key})"


def item_name(choice: str) -> str:
    return _ITEMS.get(choice, choice)


def _shown(field: str, value: Any) -> str:
    if value is None:
        return _UNSET.get(field, "none")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _when(setting: Setting) -> str:
    if setting.restart_required:
        return "Restart required: takes effect the next time the app starts."
    return "The app reads policy when it starts: a running app follows a change after its next start."


def explain(key: str, setting: Setting, value_type: str) -> str:
    """The explain text of the policy that sets ``key``; ``value_type`` is the registry type it writes."""
    parts = [_sentence(setting.description)]
    if setting.field in _NOTES:
        parts.append(_NOTES[setting.field])
    if setting.kind == "true/false":
        parts.append("Enabled: true.\nDisabled: false. Disabled also sets the value (and locks it); to leave "
                     "it to people, choose Not configured.\n"
                     f"Not configured: people choose (default: {_shown(setting.field, setting.default)}).")
    else:
        parts.append(f"Enabled: the value you enter ({setting.kind}).\n"
                     "Disabled or Not configured: not set by policy; people choose (default: "
                     f"{_shown(setting.field, setting.default)}).")
    parts += [_LOCKED, _when(setting), f"Registry: {HIVE_KEY}, value {key} ({value_type})."]
    return "\n\n".join(parts)


def other_settings_explain() -> str:
    env_fields = ", ".join(ENVIRONMENT_SETTINGS)
    builtin = " and ".join(BUILT_IN_SERVERS)
    return "\n\n".join([
        "Any setting by its key, for what has no policy of its own: above all custom environments. Each line "
        "is a value name (the setting key) and a value (as text: true/false for switches, digits for ports).",
        "A custom environment <name> (lower-case letters, digits, '-', '_') has the keys environments.<name>."
        f"<field> with the fields {env_fields}. For example environments.corp.app_server = "
        "https://platform.corp.example.com and environments.corp.client_id = <client id>; then set "
        "\"Environment\" to corp. Custom environments need \"Allow custom environments\" (enabled or not "
        f"configured). The app server of {builtin} is fixed and cannot be set.",
        f"Global keys: {', '.join(GLOBAL_SETTINGS)}.",
        "Do not list a key here that is also set by its own policy: the app refuses to start and names both.",
        _LOCKED,
        "The app reads policy when it starts: a running app follows a change after its next start. Unknown "
        "keys and invalid values stop the app with a message that names them.",
        f"Registry: REG_SZ values in {HIVE_KEY}\\{WINDOWS_SETTINGS_SUBKEY}. Disabled or Not configured removes "
        "them all.",
    ])


def list_explain(name: str) -> str:
    what = {"hidden": "Setting keys the app does not show to people (the settings window, config show). The "
                      "values still apply: hide, for example, a client id set by policy.",
            "required": "Setting keys that must have a value. If one has none, the app shows a screen naming "
                        "the missing keys (and config show lists them) instead of the phone."}[name]
    return "\n\n".join([
        what,
        "Enabled: one key per line, e.g. environments.production.client_id. For a custom environment use its "
        "name, e.g. environments.corp.client_id.\nDisabled or Not configured: none.",
        "The app reads policy when it starts: a running app follows a change after its next start. An unknown "
        "key stops the app with a message that names it.",
        f"Registry: {HIVE_KEY}, value {name} (REG_MULTI_SZ).",
    ])


class Resources:
    """The ADML's string and presentation tables, filled while the ADMX is built."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.presentations: dict[str, ET.Element] = {}

    def string(self, string_id: str, text: str) -> str:
        """Register ``text`` and return the ADMX reference to it."""
        if self.strings.setdefault(string_id, text) != text:
            raise ValueError(f"string {string_id} defined twice with different texts")
        return f"$(string.{string_id})"

    def presentation(self, presentation_id: str) -> tuple[str, ET.Element]:
        """A new, empty presentation (the caller adds its controls) and the ADMX reference to it."""
        if presentation_id in self.presentations:
            raise ValueError(f"presentation {presentation_id} defined twice")
        element = ET.Element("presentation", id=presentation_id)
        self.presentations[presentation_id] = element
        return f"$(presentation.{presentation_id})", element

    def render(self, revision: str) -> ET.Element:
        root = ET.Element("policyDefinitionResources", xmlns=NAMESPACE, revision=revision, schemaVersion="1.0")
        ET.SubElement(root, "displayName").text = "Embeddable Desktop"
        ET.SubElement(root, "description").text = ("Group Policy settings for Embeddable Desktop, the desktop "
                                                   "phone for the RingCentral Embeddable widget.")
        resources = ET.SubElement(root, "resources")
        table = ET.SubElement(resources, "stringTable")
        for string_id, text in self.strings.items():
            ET.SubElement(table, "string", id=string_id).text = text
        presentations = ET.SubElement(resources, "presentationTable")
        presentations.extend(self.presentations.values())
        return root
