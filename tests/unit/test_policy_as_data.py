"""Policy as data: the JSON Schema and the example policies come from the settings schema and agree with the
app's own reader; ``embeddable-desktop policy check`` names every problem and warns about fleet limits."""

from __future__ import annotations

import io
import json
import plistlib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from desktop.cli.policy import main as policy_main
from desktop.core.settings import resolve
from desktop.fleet import json_schema
from desktop.fleet.artefacts import render_all
from desktop.services import policy_sources
from desktop.services.policy_sources import BUNDLE_ID, policy_from_data
from desktop.services.settings_files import SettingsFileError

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = jsonschema.Draft202012Validator(json_schema.policy_schema())


def test_every_generated_artefact_is_committed_as_generated() -> None:
    files = render_all()
    assert {"packaging/policies/policy.schema.json", "docs/deploying.md",
            "packaging/windows/policy/EmbeddableDesktop.admx", "packaging/macos/embeddable-desktop.mobileconfig",
            } <= set(files)
    for path, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        assert (ROOT / path).read_bytes() == data, f"{path} is stale: run python packaging/build.py templates"


def test_the_json_schema_is_a_valid_schema_and_the_examples_pass_it() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema.policy_schema())
    for path in (ROOT / "packaging" / "policies").glob("*.json"):
        if path.name != "policy.schema.json":
            VALIDATOR.validate(json.loads(path.read_text()))


def reader_accepts(policy: dict[str, Any]) -> bool:
    try:
        parsed = policy_from_data(policy, "policy.json")
    except SettingsFileError:
        return False
    resolution = resolve(parsed, [])
    return not resolution.problems


@pytest.mark.parametrize("policy", [
    {"settings": {"environment": "sandbox", "close_to_tray": False, "proxy": "http://proxy.corp:3128"}},
    {"settings": {"environments.corp.app_server": "https://platform.corp.example.com",
                  "environments.corp.redirect_port": 5001, "environments.corp.auth_mode": "jwt"}},
    {"settings": {"proxy": "pac:https://wpad.corp/proxy.pac"}, "hidden": ["browser"],
     "required": ["environments.production.client_id"]},
    {"$schema": "policy.schema.json", "settings": {}},
    {"settings": {"close_to_tray": 3}},                         # a number where a flag goes
    {"settings": {"environments.sandbox.redirect_port": 70000}},
    {"settings": {"environments.production.app_server": "https://evil.example.com"}},
    {"settings": {"environments.lab.auth_mode": "password"}},
    {"settings": {"enviroment": "sandbox"}},                    # a typo
    {"settings": {"environments.Lab.client_id": "x"}},          # not an environment name
    {"settings": {"proxy": "http://user:pw@proxy:3128"}},
    {"settings": {"environments.lab.widget_url": "http://apps.example.com/app.html"}},
    {"settings": {}, "hidden": ["nothing"]},
    {"settings": {}, "extra": 1},
])
def test_the_json_schema_and_the_reader_agree(policy: dict[str, Any]) -> None:
    assert VALIDATOR.is_valid(policy) == reader_accepts(policy), policy


def test_the_one_intended_difference_text_forms() -> None:
    """The reader also takes "no" and "47612" (the registry and variables only have text); a JSON author is
    held to JSON's own types, so the schema refuses them."""
    for policy in ({"settings": {"close_to_tray": "no"}}, {"settings": {"environments.lab.redirect_port": "5001"}}):
        assert reader_accepts(policy) and not VALIDATOR.is_valid(policy)


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return policy_main(["check", *argv], out=out, err=err), out.getvalue(), err.getvalue()


def test_policy_check_of_the_examples() -> None:
    code, out, _ = check(str(ROOT / "packaging/policies/call-center-production.json"))
    assert code == 0 and "policy is usable" in out
    assert 'environments.production.client_id = "YOUR-PRODUCTION-CLIENT-ID"    [locked]' in out
    assert "devtools = false    [locked]  [hidden]" in out
    code, out, _ = check(str(ROOT / "packaging/policies/kiosk-jwt-service-user.json"))
    assert code == 0 and "at most 5 sessions per user and app" in out and "per 5 seats" in out
    code, out, _ = check(str(ROOT / "packaging/policies/developer-sandbox.json"))
    assert code == 0 and "warning" not in out


def test_policy_check_names_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"settings": {"close_to_tray": "maybe", "environments.sandbox.redirect_port": 0},
                                "hidden": ["brwser"], "colour": "blue"}))
    code, _, err = check(str(path))
    assert code == 1
    assert f"{path}: unknown top-level key 'colour'" in err and "hidden: unknown setting 'brwser'" in err
    path.write_text(json.dumps({"settings": {"close_to_tray": "maybe", "environments.sandbox.redirect_port": 0}}))
    code, out, _ = check(str(path))
    assert code == 1 and "close_to_tray = 'maybe'" in out and "redirect_port = 0" in out
    assert "the app would not start with it" in out
    path.write_text("{\n  \"settings\": {,}\n}")
    code, _, err = check(str(path))
    assert code == 1 and "line 2, column" in err and "not valid JSON" in err
    code, _, err = check(str(tmp_path / "missing.json"))
    assert code == 1 and "cannot be read" in err


def test_policy_check_reads_profiles_plists_and_the_installed_policy(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings = {"environment": "sandbox", "allow_environment_switching": False}
    plist = tmp_path / f"{BUNDLE_ID}.plist"
    plist.write_bytes(plistlib.dumps({"settings": settings}))
    assert check(str(plist))[0] == 0
    profile = tmp_path / "fleet.mobileconfig"
    profile.write_bytes(plistlib.dumps({"PayloadType": "Configuration", "PayloadContent": [
        {"PayloadType": BUNDLE_ID, "PayloadIdentifier": "x", "settings": settings, "required": []}]}))
    code, out, _ = check(str(profile))
    assert code == 0 and 'environment = "sandbox"    [locked]' in out
    profile.write_bytes(plistlib.dumps({"PayloadType": "Configuration", "PayloadContent": []}))
    code, _, err = check(str(profile))
    assert code == 1 and f"expected one payload of PayloadType {BUNDLE_ID}, found 0" in err
    installed = tmp_path / "etc-policy.json"
    installed.write_text(json.dumps({"settings": {"devtools": False}}))
    monkeypatch.setattr(policy_sources, "LINUX_POLICY_FILE", installed)
    code, out, _ = check()
    assert code == 0 and f"# policy: {installed}" in out and "devtools = false    [locked]" in out


def test_managed_preferences_may_carry_the_profiles_payload_keys(tmp_path: Path) -> None:
    path = tmp_path / f"{BUNDLE_ID}.plist"
    path.write_bytes(plistlib.dumps({"PayloadUUID": "x", "PayloadVersion": 1, "settings": {"devtools": False}}))
    policy = policy_sources._read_macos(path)
    assert policy.values == {"devtools": False}
    path.write_bytes(plistlib.dumps({"setings": {"devtools": False}}))  # a typo is still refused, by name
    with pytest.raises(SettingsFileError, match="unknown top-level key 'setings'"):
        policy_sources._read_macos(path)
