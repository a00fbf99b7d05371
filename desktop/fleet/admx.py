"""Windows Group Policy templates (ADMX + en-US ADML) generated from the settings schema.

One machine policy per settings key: every global setting and every per-environment field of production and
sandbox (their app server is fixed, so it has none). Each writes the registry value the Windows reader
(:func:`desktop.services.policy_sources.policy_from_registry`) reads under
``HKLM\\Software\\Policies\\EmbeddableDesktop\\EmbeddableDesktop``, named exactly like the key:

* true/false: an on/off policy, REG_DWORD 1 (Enabled) or 0 (Disabled);
* a port: a ``decimal`` element (REG_DWORD, 1-65535);
* "one of ...": an ``enum`` element with the choices as REG_SZ;
* anything else: a ``text`` element (REG_SZ; REG_EXPAND_SZ for commands, so %ProgramFiles% works).

Besides: "Hidden settings" and "Required settings" (``multiText``: REG_MULTI_SZ ``hidden`` / ``required``),
and "Other settings", a ``list`` of KEY=VALUE pairs for custom environments and anything else, in the
subkey ``Settings`` (see WINDOWS_SETTINGS_SUBKEY for why not the main key).

Regenerate the committed files from the repository root with ``python -m desktop.fleet.admx``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from desktop.core.settings_schema import BUILT_IN_SERVERS, ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, Setting, env_key
from desktop.fleet.admx_strings import (
    NAMESPACE,
    Resources,
    display_name,
    explain,
    item_name,
    list_explain,
    other_settings_explain,
    title,
)
from desktop.services.policy_sources import WINDOWS_POLICY_KEY, WINDOWS_SETTINGS_SUBKEY

ADMX_PATH = "packaging/windows/policy/EmbeddableDesktop.admx"
ADML_PATH = "packaging/windows/policy/en-US/EmbeddableDesktop.adml"
#: Raise when the templates change in a way an admin should notice (gpedit shows it; GPOs keep working).
REVISION = "1.0"
PREFIX = "embeddabledesktop"
TARGET_NAMESPACE = "EmbeddableDesktop.Policies"
SUPPORTED = "SUPPORTED_EmbeddableDesktop"
ROOT_CATEGORY = "EmbeddableDesktop"
# Category name -> its title; all sit under ROOT_CATEGORY.
CATEGORIES = {"General": "General", **{f"Environment_{env}": f"Environments: {env}" for env in BUILT_IN_SERVERS},
              "Visibility": "Visibility"}


def _policy(parent: ET.Element, res: Resources, name: str, *, category: str, shown: str, text: str,
            control: ET.Element | None = None, key: str = WINDOWS_POLICY_KEY, value_name: str | None = None,
            ) -> ET.Element:
    """A machine policy; ``control`` (the editor's input for its element) goes into its presentation."""
    attrib = {"name": name, "class": "Machine", "displayName": res.string(name, shown),
              "explainText": res.string(f"{name}_Explain", text)}
    if control is not None:
        reference, presentation = res.presentation(name)
        presentation.append(control)
        attrib["presentation"] = reference
    attrib["key"] = key
    if value_name is not None:
        attrib["valueName"] = value_name
    policy = ET.SubElement(parent, "policy", attrib)
    ET.SubElement(policy, "parentCategory", ref=category)
    ET.SubElement(policy, "supportedOn", ref=SUPPORTED)
    return policy


def _control(tag: str, ref: str, label: str, **attrib: str) -> ET.Element:
    control = ET.Element(tag, {"refId": ref, **attrib})
    if tag == "textBox":
        ET.SubElement(control, "label").text = label
    else:
        control.text = label
    return control


def _setting_policy(parent: ET.Element, res: Resources, key: str, setting: Setting, category: str) -> None:
    field, label = setting.field, f"{title(setting.field)}:"

    def policy(value_type: str, control: ET.Element | None = None, value_name: str | None = None) -> ET.Element:
        return _policy(parent, res, key.replace(".", "_"), category=category, shown=display_name(key, field),
                       text=explain(key, setting, value_type), control=control, value_name=value_name)

    if setting.kind == "true/false":
        on_off = policy("REG_DWORD 1 or 0", value_name=key)
        ET.SubElement(ET.SubElement(on_off, "enabledValue"), "decimal", value="1")
        ET.SubElement(ET.SubElement(on_off, "disabledValue"), "decimal", value="0")
    elif setting.kind == "port":
        control = _control("decimalTextBox", field, label, defaultValue=str(setting.default))
        ET.SubElement(ET.SubElement(policy("REG_DWORD", control), "elements"), "decimal", id=field, valueName=key,
                      required="true", minValue="1", maxValue="65535")
    elif setting.kind.startswith("one of "):
        choices = setting.kind.removeprefix("one of ").split(", ")
        control = _control("dropdownList", field, label, noSort="true",
                           defaultItem=str(choices.index(setting.default)))
        enum = ET.SubElement(ET.SubElement(policy("REG_SZ", control), "elements"), "enum", id=field, valueName=key,
                             required="true")
        for choice in choices:
            item = ET.SubElement(enum, "item", displayName=res.string(f"{field}_{choice}", item_name(choice)))
            ET.SubElement(ET.SubElement(item, "value"), "string").text = choice
    else:
        control = _control("textBox", field, label)
        if isinstance(setting.default, str):
            ET.SubElement(control, "defaultValue").text = setting.default
        expandable = setting.kind == "command"  # a program path: let %ProgramFiles% and the like work
        elements = ET.SubElement(policy("REG_EXPAND_SZ" if expandable else "REG_SZ", control), "elements")
        text = ET.SubElement(elements, "text", id=field, valueName=key, required="true")
        if expandable:
            text.set("expandable", "true")


def _multi_text_policy(parent: ET.Element, res: Resources, name: str, value_name: str, shown: str) -> None:
    control = _control("multiTextBox", value_name, "Setting keys, one per line:")
    policy = _policy(parent, res, name, category="Visibility", shown=shown, text=list_explain(value_name),
                     control=control)
    ET.SubElement(ET.SubElement(policy, "elements"), "multiText", id=value_name, valueName=value_name,
                  required="true")


def _other_settings_policy(parent: ET.Element, res: Resources) -> None:
    key = f"{WINDOWS_POLICY_KEY}\\{WINDOWS_SETTINGS_SUBKEY}"
    control = _control("listBox", "settings", "Settings (value name: the setting key; value: its value):")
    policy = _policy(parent, res, "OtherSettings", category=ROOT_CATEGORY,
                     shown="Other settings (any key, custom environments)", text=other_settings_explain(),
                     control=control, key=key)
    ET.SubElement(ET.SubElement(policy, "elements"), "list", id="settings", key=key, explicitValue="true")


def policy_keys() -> list[tuple[str, Setting, str]]:
    """Every settings key that has a policy of its own, with its schema entry and category."""
    keys = [(key, setting, "General") for key, setting in GLOBAL_SETTINGS.items()]
    for env in BUILT_IN_SERVERS:
        keys += [(env_key(env, field), setting, f"Environment_{env}") for field, setting in
                 ENVIRONMENT_SETTINGS.items() if field != "app_server"]  # fixed for the built-in ones
    return keys


def _definitions(res: Resources) -> ET.Element:
    root = ET.Element("policyDefinitions", xmlns=NAMESPACE, revision=REVISION, schemaVersion="1.0")
    namespaces = ET.SubElement(root, "policyNamespaces")
    ET.SubElement(namespaces, "target", prefix=PREFIX, namespace=TARGET_NAMESPACE)
    ET.SubElement(root, "resources", minRequiredRevision=REVISION)
    # An own definition rather than windows:SUPPORTED_*: no dependency on Windows.admx being in the store
    # (Intune's ADMX import, for one, would need it uploaded first).
    definitions = ET.SubElement(ET.SubElement(root, "supportedOn"), "definitions")
    ET.SubElement(definitions, "definition", name=SUPPORTED, displayName=res.string(
        SUPPORTED, "Embeddable Desktop on Windows 10 or later"))
    categories = ET.SubElement(root, "categories")
    ET.SubElement(categories, "category", name=ROOT_CATEGORY, displayName=res.string(ROOT_CATEGORY,
                                                                                      "Embeddable Desktop"))
    for name, text in CATEGORIES.items():
        sub = ET.SubElement(categories, "category", name=name, displayName=res.string(f"Category_{name}", text))
        ET.SubElement(sub, "parentCategory", ref=ROOT_CATEGORY)
    policies = ET.SubElement(root, "policies")
    for key, setting, category in policy_keys():
        _setting_policy(policies, res, key, setting, category)
    _multi_text_policy(policies, res, "HiddenSettings", "hidden", "Hidden settings (hidden)")
    _multi_text_policy(policies, res, "RequiredSettings", "required", "Required settings (required)")
    _other_settings_policy(policies, res)
    return root


def _xml(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render() -> dict[str, str | bytes]:
    """The ADMX and its en-US ADML, by repository path."""
    res = Resources()
    admx = _xml(_definitions(res))  # first: it fills ``res``
    return {ADMX_PATH: admx, ADML_PATH: _xml(res.render(REVISION))}


def write(root: Path) -> list[Path]:
    """Write the templates under the repository ``root``; returns the paths written."""
    written = []
    for relative, content in render().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="\n")
        else:
            path.write_bytes(content)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write(Path.cwd()):
        print(f"wrote {written_path}")
