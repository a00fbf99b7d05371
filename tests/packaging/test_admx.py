"""The Group Policy templates: committed = generated, well-formed and consistent, and every policy round-trips.

No Windows and no ADMX schema here (none is downloaded): the structure is checked by hand, and a small
interpreter of the ADMX computes the registry values Group Policy writes for each policy, which go through the
app's own registry reader (policy_from_registry) and settings resolution.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from desktop.core.settings import resolve
from desktop.core.settings_schema import BUILT_IN_SERVERS, ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, env_key, lookup
from desktop.fleet import admx
from desktop.services.policy_sources import (
    REG_DWORD,
    REG_EXPAND_SZ,
    REG_MULTI_SZ,
    REG_SZ,
    WINDOWS_POLICY_KEY,
    WINDOWS_SETTINGS_SUBKEY,
    RegistryValue,
    policy_from_registry,
)
from desktop.services.settings_files import SettingsFileError

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = ".venv/bin/python -m desktop.fleet.admx"
NS = {"p": admx.NAMESPACE}
SOURCE = "HKLM\\" + WINDOWS_POLICY_KEY
SUBKEY = f"{WINDOWS_POLICY_KEY}\\{WINDOWS_SETTINGS_SUBKEY}"
REF = re.compile(r"\$\((string|presentation)\.([^)]*)\)")
# What an admin enters for a field (or a global key) -> the effective setting it must give.
SAMPLES: dict[str, tuple[Any, Any]] = {
    "environment": ("sandbox", "sandbox"),
    "browser": ("%APPS%\\firefox.exe -new-window", "C:\\Apps\\firefox.exe -new-window"),
    "proxy": ("http://proxy.example.com:3128", "http://proxy.example.com:3128"),
    "client_id": ("abc-123", "abc-123"),
    "widget_url": ("https://apps.example.com/embeddable/app.html", "https://apps.example.com/embeddable/app.html"),
    "redirect_port": (5001, 5001),
    "auth_mode": ("jwt", "jwt"),
    # A hotkey is REG_SZ text; the reader writes it back in the one spelling.
    "hotkey_answer": ("ctrl+alt+a", "Ctrl+Alt+A"),
    "hotkey_mute": ("Ctrl+Alt+M", "Ctrl+Alt+M"),
    "hotkey_show": ("Win+F9", "Super+F9"),
    "hotkey_dial": ("off", "off"),
}
HIDDEN = ["devtools", "environments.sandbox.client_id"]
REQUIRED = ["environments.production.client_id", "environments.corp.client_id"]
OTHER = {"environments.corp.app_server": "https://platform.corp.example.com",
         "environments.corp.client_id": "corp-id", "environments.corp.redirect_port": "5002"}
OTHER_EFFECTIVE = {"environments.corp.app_server": "https://platform.corp.example.com",
                   "environments.corp.client_id": "corp-id", "environments.corp.redirect_port": 5002}

Write = tuple[str, str, Any, int]  # registry key, value name, data, type


def parsed() -> tuple[ET.Element, ET.Element]:
    files = admx.render()
    return ET.fromstring(files[admx.ADMX_PATH]), ET.fromstring(files[admx.ADML_PATH])


def policies() -> dict[str, ET.Element]:
    return {p.attrib["name"]: p for p in parsed()[0].iterfind("p:policies/p:policy", NS)}


def tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def subject(policy: ET.Element) -> str:
    """The settings key a policy sets ("hidden"/"required"/"list" for the others)."""
    if "valueName" in policy.attrib:
        return policy.attrib["valueName"]
    element, = policy.iterfind("p:elements/*", NS)
    return element.get("valueName", "list")


def writes(policy: ET.Element, sample: Any) -> list[Write]:
    """What Group Policy writes for ``policy`` set to ``sample`` (an on/off policy: True enabled, False disabled)."""
    key = policy.attrib["key"]
    out: list[Write] = []
    if "valueName" in policy.attrib:
        state = "p:enabledValue/p:decimal" if sample else "p:disabledValue/p:decimal"
        out.append((key, policy.attrib["valueName"], int(policy.find(state, NS).attrib["value"]), REG_DWORD))
    for element in policy.iterfind("p:elements/*", NS):
        where, name = element.get("key", key), element.get("valueName", "")
        if tag(element) == "text":
            out.append((where, name, sample, REG_EXPAND_SZ if element.get("expandable") == "true" else REG_SZ))
        elif tag(element) == "decimal":
            assert int(element.attrib["minValue"]) <= sample <= int(element.attrib["maxValue"])
            assert element.get("storeAsText") != "true"
            out.append((where, name, sample, REG_DWORD))
        elif tag(element) == "enum":
            choices = [item.findtext("p:value/p:string", namespaces=NS) for item in element.iterfind("p:item", NS)]
            assert sample in choices
            out.append((where, name, sample, REG_SZ))
        elif tag(element) == "multiText":
            out.append((where, name, list(sample), REG_MULTI_SZ))
        elif tag(element) == "list":
            assert element.get("explicitValue") == "true"  # value name = settings key, value = its value
            out += [(where, item, value, REG_SZ) for item, value in sample.items()]
        else:
            raise AssertionError(f"no interpreter for <{tag(element)}> in {policy.attrib['name']}")
    return out


def read_back(written: list[Write]) -> Any:
    """The registry as the app's Windows reader sees it after Group Policy wrote ``written``."""
    by_key: dict[str, list[RegistryValue]] = {WINDOWS_POLICY_KEY: [], SUBKEY: []}
    for key, name, data, kind in written:
        assert key in by_key, f"{name} written to {key}, which the app does not read"
        by_key[key].append((name, data, kind))
    return policy_from_registry(by_key[WINDOWS_POLICY_KEY], SOURCE, by_key[SUBKEY])


def sample_for(policy: ET.Element) -> tuple[Any, dict[str, Any]]:
    """A value to enable ``policy`` with, and the effective settings it must give."""
    key = subject(policy)
    if key == "list":
        return OTHER, OTHER_EFFECTIVE
    if key in ("hidden", "required"):
        return (HIDDEN if key == "hidden" else REQUIRED), {}
    if lookup(key).kind == "true/false":
        return not lookup(key).default, {key: not lookup(key).default}  # the opposite of the default
    entered, effective = SAMPLES[key.rsplit(".", 1)[-1]]
    return entered, {key: effective}


@pytest.fixture(autouse=True)
def _apps_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPS", "C:\\Apps")  # for the REG_EXPAND_SZ sample


# (a) committed = generated


def test_committed_templates_are_generated_from_the_schema() -> None:
    for relative, content in admx.render().items():
        path = ROOT / relative
        expected = content.encode("utf-8") if isinstance(content, str) else content
        assert path.exists() and path.read_bytes() == expected, (
            f"{relative} is out of date with the settings schema: run `{REGENERATE}` from the repository root")


# (b) well-formed and consistent


def test_admx_and_adml_are_well_formed_and_reference_each_other_exactly() -> None:
    definitions, resources = parsed()
    assert tag(definitions) == "policyDefinitions" and tag(resources) == "policyDefinitionResources"
    for root in (definitions, resources):
        assert root.tag.startswith("{" + admx.NAMESPACE + "}")
        assert root.attrib["schemaVersion"] == "1.0" and root.attrib["revision"] == admx.REVISION
    assert [tag(c) for c in definitions] == ["policyNamespaces", "resources", "supportedOn", "categories", "policies"]
    target = definitions.find("p:policyNamespaces/p:target", NS)
    assert target is not None and target.attrib == {"prefix": admx.PREFIX, "namespace": admx.TARGET_NAMESPACE}
    references: dict[str, set[str]] = {"string": set(), "presentation": set()}
    for element in definitions.iter():
        for attribute, value in element.attrib.items():
            if attribute in ("displayName", "explainText", "presentation"):
                assert REF.fullmatch(value), f"{attribute}={value!r}: text belongs in the ADML"
            for kind, name in REF.findall(value):
                references[kind].add(name)
    strings = [s.attrib["id"] for s in resources.iterfind("p:resources/p:stringTable/p:string", NS)]
    shown = [p.attrib["id"] for p in resources.iterfind("p:resources/p:presentationTable/p:presentation", NS)]
    assert len(strings) == len(set(strings)) and len(shown) == len(set(shown))
    assert references["string"] == set(strings), "strings referenced by the ADMX but missing, or unused, in the ADML"
    assert references["presentation"] == set(shown)
    assert all(s.text for s in resources.iterfind("p:resources/p:stringTable/p:string", NS))


def test_policies_categories_and_presentations_fit_together() -> None:
    definitions, resources = parsed()
    names = [p.attrib["name"] for p in definitions.iterfind("p:policies/p:policy", NS)]
    assert len(names) == len(set(names))
    categories = {c.attrib["name"] for c in definitions.iterfind("p:categories/p:category", NS)}
    supported = {d.attrib["name"] for d in definitions.iterfind("p:supportedOn/p:definitions/p:definition", NS)}
    for category in definitions.iterfind("p:categories/p:category/p:parentCategory", NS):
        assert category.attrib["ref"] in categories
    presentations = {p.attrib["id"]: p for p in resources.iterfind("p:resources/p:presentationTable/p:presentation",
                                                                    NS)}
    controls = {"text": "textBox", "decimal": "decimalTextBox", "enum": "dropdownList", "multiText": "multiTextBox",
                "list": "listBox"}
    for policy in policies().values():
        children = [tag(c) for c in policy]
        assert children[:2] == ["parentCategory", "supportedOn"] and children[2:] in (
            ["enabledValue", "disabledValue"], ["elements"]), children
        assert policy.attrib["class"] == "Machine"
        assert policy.find("p:parentCategory", NS).attrib["ref"] in categories
        assert policy.find("p:supportedOn", NS).attrib["ref"] in supported
        elements = {e.attrib["id"]: tag(e) for e in policy.iterfind("p:elements/*", NS)}
        if not elements:
            assert "presentation" not in policy.attrib
            continue
        presentation = presentations[REF.fullmatch(policy.attrib["presentation"]).group(2)]
        assert {c.attrib["refId"]: tag(c) for c in presentation if "refId" in c.attrib} == {
            ref: controls[kind] for ref, kind in elements.items()}


def test_one_policy_per_key_each_writing_that_key() -> None:
    expected = [*GLOBAL_SETTINGS, *(env_key(env, field) for env in BUILT_IN_SERVERS for field in ENVIRONMENT_SETTINGS
                                    if field != "app_server")]
    counts = Counter(subject(policy) for policy in policies().values())
    assert counts == Counter([*expected, "hidden", "required", "list"])
    for policy in policies().values():
        key = subject(policy)
        if key == "list":
            element, = policy.iterfind("p:elements/p:list", NS)
            assert policy.attrib["key"] == element.attrib["key"] == SUBKEY
            continue
        assert policy.attrib["key"] == WINDOWS_POLICY_KEY and all(
            "key" not in e.attrib for e in policy.iterfind("p:elements/*", NS))
        assert key in ("hidden", "required") or lookup(key)
        if key not in ("hidden", "required") and lookup(key).kind == "true/false":
            assert "valueName" in policy.attrib  # an on/off policy: 1/0 on the policy itself


# (c) round trip: ADMX -> registry -> the app's reader -> effective settings


@pytest.mark.parametrize("name", sorted(policies()))
def test_each_policy_round_trips_through_the_reader(name: str) -> None:
    policy = policies()[name]
    sample, effective = sample_for(policy)
    resolution = resolve(read_back(writes(policy, sample)), [])
    assert resolution.problems == [] and resolution.refused == []
    for key, value in effective.items():
        assert resolution.get(key) == value and resolution.is_locked(key), key
        assert resolution.source(key) == f"policy: {SOURCE}"
    if subject(policy) == "hidden":
        assert resolution.policy.hidden == frozenset(HIDDEN)
        assert not {v.key for v in resolution.shown()} & set(HIDDEN)
    if subject(policy) == "required":
        assert resolution.policy.required == tuple(REQUIRED) and resolution.missing_required() == REQUIRED


@pytest.mark.parametrize("key", [k for k, s in GLOBAL_SETTINGS.items() if s.kind == "true/false"])
def test_on_off_policies_enabled_and_disabled(key: str) -> None:
    policy = policies()[key]
    for state in (True, False):
        written = writes(policy, state)
        assert written == [(WINDOWS_POLICY_KEY, key, int(state), REG_DWORD)]
        resolution = resolve(read_back(written), [])
        assert resolution.problems == [] and resolution.get(key) is state and resolution.is_locked(key)


def test_every_policy_at_once() -> None:
    written = [w for policy in policies().values() for w in writes(policy, sample_for(policy)[0])]
    resolution = resolve(read_back(written), [])
    assert resolution.problems == [] and resolution.environment_problems == []
    for policy in policies().values():
        for key, value in sample_for(policy)[1].items():
            assert resolution.get(key) == value, key
    assert "corp" in resolution.environments()


# (d) the reader on its own


def test_a_dword_is_read_by_the_setting_kind() -> None:
    policy = policy_from_registry([("close_to_tray", 1, REG_DWORD), ("start_minimized", 0, REG_DWORD),
                                   ("environments.sandbox.redirect_port", 5001, REG_DWORD)], SOURCE)
    assert policy.values == {"close_to_tray": True, "start_minimized": False,
                             "environments.sandbox.redirect_port": 5001}


def test_text_for_a_flag_or_a_port_is_left_to_the_schema() -> None:
    policy = policy_from_registry([("close_to_tray", "false", REG_SZ), ("devtools", "true", REG_SZ),
                                   ("environments.production.redirect_port", "47613", REG_SZ)], SOURCE)
    resolution = resolve(policy, [])
    assert resolution.problems == []
    assert (resolution.get("close_to_tray"), resolution.get("devtools")) == (False, True)
    assert resolution.get("environments.production.redirect_port") == 47613


def test_hidden_and_required_are_multi_string_lists() -> None:
    policy = policy_from_registry([("hidden", ["devtools", "", "proxy "], REG_MULTI_SZ),
                                   ("required", ["environments.production.client_id"], REG_MULTI_SZ)], SOURCE)
    assert policy.hidden == frozenset({"devtools", "proxy"})
    assert policy.required == ("environments.production.client_id",)
    assert policy.values == {}


def test_value_names_ignore_case_like_the_registry() -> None:
    assert policy_from_registry([("Close_To_Tray", 0, REG_DWORD)], SOURCE).values == {"close_to_tray": False}


def test_every_problem_is_reported_at_once_naming_key_and_value() -> None:
    values: list[RegistryValue] = [
        ("environments.sandbox.client_id", 5, REG_DWORD),  # a number for a text setting
        ("close_to_tary", 1, REG_DWORD),  # a typo
        ("hidden", "devtools", REG_SZ),  # must be REG_MULTI_SZ
        ("required", ["environments.production.clientid"], REG_MULTI_SZ),  # an unknown key in the list
        ("proxy", b"\x00", 3),  # REG_BINARY
        ("environments.sandbox.redirect_port", ["1"], REG_MULTI_SZ),
        ("devtools", 1, REG_DWORD),
    ]
    others: list[RegistryValue] = [("devtools", "false", REG_SZ), ("hidden", "proxy", REG_SZ)]
    with pytest.raises(SettingsFileError) as info:
        policy_from_registry(values, SOURCE, others)
    problems = info.value.problems
    at = f"{SOURCE}: value "
    assert problems == [
        f"{at}'environments.sandbox.client_id' is REG_DWORD 5, but this setting is text: make it REG_SZ",
        f"{at}'close_to_tary': unknown setting 'close_to_tary'; did you mean 'close_to_tray'?",
        f"{at}'hidden' is REG_SZ; hidden must be REG_MULTI_SZ (one setting key a line)",
        f"{at}'proxy' is REG_BINARY, which this setting (proxy) cannot take: make it REG_SZ",
        f"{at}'environments.sandbox.redirect_port' is REG_MULTI_SZ, which this setting (port) cannot take: make it "
        "REG_SZ or REG_DWORD",
        f"{SOURCE}\\Settings: value 'devtools': devtools is also set in {SOURCE}; set it in one place only",
        f"{SOURCE}\\Settings: value 'hidden': hidden has its own policy (REG_MULTI_SZ 'hidden' in {SOURCE})",
        f"{SOURCE}: required: unknown setting 'environments.production.clientid'; did you mean "
        "'environments.production.client_id'?",
    ]


def test_expandable_text_is_expanded() -> None:
    policy = policy_from_registry([("browser", "%APPS%\\chrome.exe", REG_EXPAND_SZ)], SOURCE)
    assert policy.values == {"browser": "C:\\Apps\\chrome.exe"}


def test_other_settings_define_a_custom_environment() -> None:
    policy = policy_from_registry([("environment", "corp", REG_SZ)], SOURCE, list(
        (name, value, REG_SZ) for name, value in OTHER.items()))
    resolution = resolve(policy, [])
    assert resolution.problems == [] and resolution.environment_problems == []
    assert resolution.env_value("corp", "app_server") == "https://platform.corp.example.com"
