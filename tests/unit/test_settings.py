"""Settings: layering and policy locks, validation of every layer, the files, the policy sources."""

from __future__ import annotations

import json
import os
import plistlib
from pathlib import Path

import pytest

from desktop.core.errors import UsageError
from desktop.core.options import parse_settings
from desktop.core.settings import NO_POLICY, Layer, Policy, resolve
from desktop.services import policy_sources
from desktop.services.settings_files import (
    SettingsFileError,
    environment_layer,
    load_user_file,
    write_json_atomic,
)
from desktop.services.settings_loader import UnusableSettingsFile, load_settings

DATA = Path("/tmp/embeddable-desktop-settings-test")
KEY = "environments.sandbox.client_id"


def user(values: dict[str, object], path: str = "/home/a/settings.json") -> Layer:
    return Layer("user file", path, values)


def variables(environ: dict[str, str]) -> Layer:
    return environment_layer(environ, ["production", "sandbox", "staging"])


def test_layers_in_order_defaults_policy_user_variables_command_line() -> None:
    assert resolve(Policy("p"), []).get("environments.sandbox.redirect_port") == 47612
    layers = [user({"environments.sandbox.redirect_port": 5001}),
              variables({"EMBEDDABLE_DESKTOP_ENVIRONMENTS__SANDBOX__REDIRECT_PORT": "5002"})]
    resolution = resolve(Policy("p"), layers)
    assert resolution.get("environments.sandbox.redirect_port") == 5002
    assert resolution.source("environments.sandbox.redirect_port") == (
        "environment variable EMBEDDABLE_DESKTOP_ENVIRONMENTS__SANDBOX__REDIRECT_PORT")
    options, _, _ = parse_settings(["--env", "sandbox", "--redirect-port", "5003"], DATA, layers=layers)
    assert options.redirect_port == 5003
    options, _, _ = parse_settings(["--env", "sandbox"], DATA, layers=layers)
    assert options.redirect_port == 5002


def test_a_policy_key_is_locked_against_every_layer() -> None:
    policy = Policy("/etc/embeddable-desktop/policy.json", {KEY: "it-client", "environment": "sandbox"})
    layers = [user({KEY: "mine", "environment": "production"}),
              variables({"EMBEDDABLE_DESKTOP_ENVIRONMENTS__SANDBOX__CLIENT_ID": "env-client"})]
    options, resolution, _ = parse_settings(["--client-id", "cli-client"], DATA, policy=policy, layers=layers)
    assert options.client_id == "it-client" and options.env_name == "sandbox"
    assert resolution.is_locked(KEY)
    refused = "\n".join(resolution.refused)
    for who in ("user file /home/a/settings.json", "EMBEDDABLE_DESKTOP_ENVIRONMENTS__SANDBOX__CLIENT_ID",
                "--client-id"):
        assert who in refused
    assert refused.count("is set by IT policy (/etc/embeddable-desktop/policy.json)") == 4
    assert all(w in options.warnings for w in resolution.refused)  # shown to the person at start-up


def test_options_for_another_environment_than_the_pinned_one_are_refused() -> None:
    policy = Policy("pol", {"environment": "production"})
    with pytest.raises(UsageError) as info:
        parse_settings(["--env", "sandbox", "--client-id", "SANDBOX_ID"], DATA, policy=policy)
    assert info.value.problems == ["--client-id: not used: it is for environment 'sandbox', but the environment is "
                                   "'production' and set by IT policy (pol)"]
    options, _, _ = parse_settings(["--env", "sandbox"], DATA, policy=policy)
    assert options.env_name == "production" and any("--env: environment is set by IT policy" in w
                                                    for w in options.warnings)


def test_switching_can_be_forbidden_without_pinning_a_value() -> None:
    policy = Policy("pol", {"allow_environment_switching": False})
    options, resolution, _ = parse_settings(["--env", "sandbox"], DATA, policy=policy)
    assert options.env_name == "production" and resolution.is_locked("environment")
    assert any("--env: environment is set by IT policy" in w for w in options.warnings)


def test_custom_environments_can_be_forbidden() -> None:
    policy = Policy("pol", {"allow_custom_environments": False})
    with pytest.raises(UsageError, match="custom environments are turned off by IT policy \\(pol\\)"):
        parse_settings(["--env", "custom", "--app-server", "https://rc.example.com"], DATA, policy=policy)


def test_hidden_and_required_keys() -> None:
    policy = Policy("pol", {KEY: "secret-ish"}, hidden=frozenset({KEY}),
                    required=("environments.production.client_id", KEY))
    resolution = resolve(policy, [])
    assert KEY not in [v.key for v in resolution.shown()]
    assert resolution.missing_required() == ["environments.production.client_id"]
    resolution = resolve(policy, [user({"environments.production.client_id": "x"})])
    assert resolution.missing_required() == []


def test_named_custom_environment_from_the_settings_file() -> None:
    layers = [user({"environment": "staging", "environments.staging.app_server": "https://rc.staging.example.com",
                    "environments.staging.client_id": "stage-id"})]
    options, resolution, _ = parse_settings([], DATA, layers=layers)
    assert (options.env_name, options.app_server, options.client_id) == (
        "staging", "https://rc.staging.example.com", "stage-id")
    assert options.profile_name.startswith("staging-")
    assert resolution.environments() == ["production", "sandbox", "staging"]
    other = parse_settings(["--env", "staging", "--app-server", "https://rc.other.example.com"], DATA, layers=layers)
    assert other[0].profile_name != options.profile_name  # a new server never shares the old one's storage


@pytest.mark.parametrize(("values", "expected"), [
    ({"environmnt": "sandbox"}, "unknown setting 'environmnt'; did you mean 'environment'?"),
    ({"environments.sandbox.client": "x"}, "did you mean 'environments.sandbox.client_id'?"),
    ({"environments.Sandbox!.client_id": "x"}, "is not an environment name"),
    ({"environments.sandbox.redirect_port": "http"},
     "environments.sandbox.redirect_port = 'http': 'http' is not a port"),
    ({"environments.sandbox.redirect_port": True}, "expected a port number"),
    ({"environments.sandbox.client_id": 42}, "expected text, got int"),
    ({"environments.sandbox.app_server": "https://x.example.com"}, "the sandbox server is fixed"),
    ({"environments.lab.app_server": "http://lab.example.com"}, "must start with https://"),
    ({"environments.lab.widget_url": "https://w.example.com/app.html#x"}, "must not have a fragment"),
    ({"environments.sandbox.auth_mode": "password"}, "the password grant is not offered"),
    ({"environments.sandbox.auth_mode": "implicit"}, "is not one of pkce, jwt, authorization_code"),
    ({"allow_custom_environments": "maybe"}, "'maybe' is not true or false"),
    ({"environment": "Prod"}, "'Prod' is not an environment name"),
    ({"browser": "  "}, "the command is empty"),
])
def test_every_bad_value_names_file_key_value_and_why(values: dict[str, object], expected: str) -> None:
    problems = resolve(Policy("p"), [user(values)]).problems
    assert len(problems) == 1 and problems[0].startswith("user file /home/a/settings.json: ")
    assert expected in problems[0]


def test_all_problems_of_a_file_at_once() -> None:
    problems = resolve(Policy("p"), [user({"environmnt": 1, "environments.sandbox.redirect_port": 0,
                                           "browser": ""})]).problems
    assert len(problems) == 3


def test_user_file_round_trip_and_atomic_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cfg" / "settings.json"
    assert load_user_file(path).values == {}
    write_json_atomic(path, {KEY: "a"})
    assert load_user_file(path).values == {KEY: "a"}

    def crash(*_: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        write_json_atomic(path, {KEY: "b"})
    monkeypatch.undo()
    assert json.loads(path.read_text()) == {KEY: "a"}  # the old file is whole
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temporary file left behind


@pytest.mark.parametrize(("text", "expected"), [
    ('{"environment": "sandbox",}', "line 1, column 27: not valid JSON"),
    ('["environment"]', "expected an object of settings, found list"),
    ("\xff\xfe", "cannot be read"),
])
def test_corrupt_user_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(SettingsFileError) as info:
        load_user_file(path)
    assert str(path) in info.value.problems[0] and expected in info.value.problems[0]


def test_unusable_file_stops_start_up_unless_reset(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "settings.json"
    path.write_text('{"environments.sandbox.redirect_port": "x", "environmnt": 1}')
    argv = ["--data-dir", str(data)]
    with pytest.raises(UnusableSettingsFile) as info:
        load_settings(argv, {}, DATA, policy_path=tmp_path / "none.json")
    assert len(info.value.problems) == 2 and path.read_text().startswith('{"environments')  # untouched
    loaded = load_settings([*argv, "--reset-settings"], {}, DATA, policy_path=tmp_path / "none.json")
    assert loaded.options.env_name == "production"
    copies = list(data.glob("settings.json.unreadable-*"))
    assert len(copies) == 1 and "environmnt" in copies[0].read_text()
    assert str(copies[0]) in loaded.notices[0]
    assert json.loads(path.read_text()) == {}


def test_linux_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"settings": {KEY: "it"}, "hidden": [KEY], "required": [KEY]}))
    policy = policy_sources._read_linux(path)
    assert (policy.values, policy.hidden, policy.required, policy.source) == (
        {KEY: "it"}, frozenset({KEY}), (KEY,), str(path))
    assert policy_sources._read_linux(tmp_path / "absent.json").values == {}


@pytest.mark.parametrize(("content", "expected"), [
    ("{", "IT policy is not valid JSON"),
    ('{"settings": [], "hidden": "x", "locked": 1}', "unknown top-level key 'locked'"),
    ('{"settings": [], "hidden": "x"}', "hidden must be a list of setting keys"),
])
def test_broken_policy_stops_start_up(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "policy.json"
    path.write_text(content)
    with pytest.raises(SettingsFileError) as info:
        load_settings([], {}, DATA, policy_path=path)
    assert any(expected in p and str(path) in p for p in info.value.problems)


def test_macos_managed_preferences(tmp_path: Path) -> None:
    path = tmp_path / "com.embeddabledesktop.app.plist"
    path.write_bytes(plistlib.dumps({"settings": {"environment": "sandbox"}, "required": [KEY]}))
    policy = policy_sources._read_macos(path)
    assert policy.values == {"environment": "sandbox"} and policy.required == (KEY,)
    path.write_bytes(b"not a plist")
    with pytest.raises(SettingsFileError, match="managed preferences cannot be read"):
        policy_sources._read_macos(path)


def test_help_and_readme_document_every_setting() -> None:
    from desktop.core.options import build_parser
    from desktop.core.settings_schema import ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS

    help_text = build_parser().format_help()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    keys = [*GLOBAL_SETTINGS, *(f"environments.<name>.{field}" for field in ENVIRONMENT_SETTINGS)]
    for key in keys:
        assert key in help_text, f"--help does not mention {key}"
        assert f"`{key}`" in readme, f"README does not document {key}"


def test_a_custom_environment_from_variables_alone(tmp_path: Path) -> None:
    environ = {"EMBEDDABLE_DESKTOP_ENVIRONMENT": "lab",
               "EMBEDDABLE_DESKTOP_ENVIRONMENTS__LAB__APP_SERVER": "https://platform.lab.example.com",
               "EMBEDDABLE_DESKTOP_ENVIRONMENTS__LAB__CLIENT_ID": "lab-id"}
    loaded = load_settings(["--data-dir", str(tmp_path)], environ, DATA, policy_path=tmp_path / "none.json")
    assert (loaded.options.env_name, loaded.options.app_server, loaded.options.client_id) == (
        "lab", "https://platform.lab.example.com", "lab-id")


def test_config_show_sees_what_start_up_sees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from desktop.cli.config import main

    monkeypatch.setattr(policy_sources, "LINUX_POLICY_FILE", tmp_path / "none.json")
    monkeypatch.setenv("EMBEDDABLE_DESKTOP_ENVIRONMENTS__SANDBOX__CLIENT_ID", "abc")
    out = io.StringIO()
    assert main(["--data-dir", str(tmp_path), "show"], out=out) == 0
    assert ('environments.sandbox.client_id = "abc"    (environment variable '
            'EMBEDDABLE_DESKTOP_ENVIRONMENTS__SANDBOX__CLIENT_ID)') in out.getvalue()


def test_policy_lists_name_real_keys(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"required": ["environments.production.clientid"], "hidden": ["browsr"]}))
    with pytest.raises(SettingsFileError) as info:
        policy_sources._read_linux(path)
    text = "\n".join(info.value.problems)
    assert "required: unknown setting 'environments.production.clientid'" in text and "did you mean" in text
    assert "hidden: unknown setting 'browsr'" in text


def test_secret_modes_take_server_and_widget_only_from_settings_or_policy() -> None:
    mode = user({"environments.lab.auth_mode": "jwt", "environments.lab.app_server": "https://rc.lab.example.com"})
    with pytest.raises(UsageError, match="--app-server: not allowed with auth_mode jwt") as info:
        parse_settings(["--env", "lab", "--app-server", "https://elsewhere.example.com"], DATA, layers=[mode])
    assert "secrets for 'lab' would be sent to it" in str(info.value)
    with pytest.raises(UsageError, match="EMBEDDABLE_DESKTOP_ENVIRONMENTS__LAB__WIDGET_URL: not allowed"):
        parse_settings(["--env", "lab"], DATA, layers=[mode, variables(
            {"EMBEDDABLE_DESKTOP_ENVIRONMENTS__LAB__WIDGET_URL": "https://w.elsewhere.example.com/app.html"})])
    assert parse_settings(["--env", "lab"], DATA, layers=[mode])[0].app_server == "https://rc.lab.example.com"


def test_one_lock_rule_for_the_command_line_the_dialog_and_the_menus(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A person's own file that turns switching off locks the environment everywhere alike, and says so
    without blaming IT; IT policy that turns it off is named as policy."""
    from desktop.services import policy_sources
    from desktop.services.settings_edit import edit_user_setting

    monkeypatch.setattr(policy_sources, "LINUX_POLICY_FILE", tmp_path / "policy.json")
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"allow_environment_switching": False}))
    user = Layer("user file", str(path), {"allow_environment_switching": False})
    resolution = resolve(NO_POLICY, [user])
    assert resolution.lock_reason("environment") == f"fixed: allow_environment_switching is false (user file {path})"
    with pytest.raises(UsageError) as info:
        edit_user_setting(path, "environment", "sandbox")  # `config set environment sandbox`
    assert info.value.problems == [f"environment is fixed: allow_environment_switching is false (user file {path}) "
                                   "and cannot be changed"]
    # The person may turn it on again: only policy would lock that key.
    assert "saved" in edit_user_setting(path, "allow_environment_switching", "true")
    assert "saved" in edit_user_setting(path, "environment", "sandbox")

    (tmp_path / "policy.json").write_text(json.dumps({"settings": {"allow_environment_switching": False}}))
    with pytest.raises(UsageError) as info:
        edit_user_setting(path, "environment", "production")
    assert "set by IT policy" in info.value.problems[0] and "turns environment switching off" in info.value.problems[0]


def test_environments_are_named_one_way_in_every_layer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A custom environment named by policy, by the user's file or by a variable alone is listed, and its
    variables are read, the same way."""
    monkeypatch.setattr(policy_sources, "LINUX_POLICY_FILE", tmp_path / "policy.json")
    (tmp_path / "policy.json").write_text(json.dumps({"settings": {"environments.corp.app_server":
                                                                   "https://platform.corp.example.com"}}))
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"environments.lab_2.app_server": "https://platform.lab.example.com"}))
    environ = {"EMBEDDABLE_DESKTOP_ENVIRONMENTS__FIELD__APP_SERVER": "https://platform.field.example.com",
               "EMBEDDABLE_DESKTOP_ENVIRONMENTS__LAB_2__CLIENT_ID": "lab-id",
               "EMBEDDABLE_DESKTOP_ENVIRONMENTS__CORP__REDIRECT_PORT": "5001"}
    loaded = load_settings(["--data-dir", str(tmp_path)], environ, DATA, policy_path=tmp_path / "policy.json")
    resolution = loaded.resolution
    assert resolution.environments() == ["production", "sandbox", "corp", "lab_2", "field"]
    assert resolution.env_value("lab_2", "client_id") == "lab-id"
    assert resolution.env_value("corp", "redirect_port") == 5001
    assert resolution.env_value("field", "app_server") == "https://platform.field.example.com"
