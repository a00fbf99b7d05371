"""``embeddable-desktop config``: show with sources, set/unset with the schema and policy checks, atomic and
never over an unreadable file. Plus the command itself as a subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli.config import main
from desktop.services import policy_sources

KEY = "environments.sandbox.client_id"


@pytest.fixture(autouse=True)
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This machine's IT policy is replaced by a file in the test's folder (absent unless written)."""
    path = tmp_path / "policy.json"
    monkeypatch.setattr(policy_sources, "LINUX_POLICY_FILE", path)
    monkeypatch.delenv("EMBEDDABLE_DESKTOP_ENVIRONMENT", raising=False)
    return path


def run(data: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--data-dir", str(data), *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_set_show_unset(tmp_path: Path) -> None:
    assert run(tmp_path, "set", KEY, "abc")[0] == 0
    assert run(tmp_path, "set", "environments.sandbox.redirect_port", "5001")[0] == 0
    assert json.loads((tmp_path / "settings.json").read_text()) == {
        KEY: "abc", "environments.sandbox.redirect_port": 5001}
    code, out, _ = run(tmp_path, "show")
    assert code == 0
    assert f'{KEY} = "abc"    (user file {tmp_path / "settings.json"})' in out
    assert 'environments.production.app_server = "https://platform.ringcentral.com"    (built in)' in out
    assert run(tmp_path, "unset", KEY)[0] == 0
    assert KEY not in json.loads((tmp_path / "settings.json").read_text())
    assert "was not set" in run(tmp_path, "unset", KEY)[1]


@pytest.mark.parametrize(("argv", "expected"), [
    (["set", "environmnt", "x"], "unknown setting 'environmnt'; did you mean 'environment'?"),
    (["set", "environments.sandbox.redirect_port", "99999"], "= '99999': 99999 is not a port number (1-65535)"),
    (["set", "environments.sandbox.auth_mode", "password"], "the password grant is not offered"),
    (["set", "environments.sandbox.app_server", "https://x.example.com"], "the sandbox server is fixed"),
])
def test_bad_edits_are_refused_and_nothing_is_written(tmp_path: Path, argv: list[str], expected: str) -> None:
    code, _, err = run(tmp_path, *argv)
    assert code == 2 and expected in err and "Traceback" not in err
    assert not (tmp_path / "settings.json").exists()


def test_policy_keys_are_locked_hidden_and_required(tmp_path: Path, policy_file: Path) -> None:
    policy_file.write_text(json.dumps({"settings": {KEY: "it-id", "environments.production.widget_url":
                                                    "https://w.example.com/app.html"},
                                       "hidden": ["environments.production.widget_url"],
                                       "required": ["environments.production.client_id"]}))
    code, _, err = run(tmp_path, "set", KEY, "mine")
    assert code == 2 and f"{KEY} is set by IT policy ({policy_file}) and cannot be changed" in err
    _, out, _ = run(tmp_path, "show")
    assert f'{KEY} = "it-id"    (policy: {policy_file})  [locked by IT policy]' in out
    assert "environments.production.widget_url" not in out  # hidden from people
    assert "required by IT policy but not set: environments.production.client_id" in out


def test_an_unreadable_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"environment": "sandbox",')
    code, _, err = run(tmp_path, "set", KEY, "abc")
    assert code == 2 and str(path) in err and "not valid JSON" in err
    assert path.read_text() == '{"environment": "sandbox",'


def test_the_command_as_a_process(tmp_path: Path) -> None:
    app = Path(sys.executable).with_name("embeddable-desktop")
    done = subprocess.run([str(app), "config", "--data-dir", str(tmp_path), "set", KEY, "from-cli"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "saved" in done.stdout
    assert json.loads((tmp_path / "settings.json").read_text()) == {KEY: "from-cli"}


def test_show_masks_the_secrets_of_environments_that_use_them(tmp_path: Path) -> None:
    from desktop.services.secrets import SecretStore
    from tests.support.keychain import encrypted_file_backend, use_backend

    with use_backend(encrypted_file_backend(tmp_path / "keychain.cfg")):
        SecretStore().set("sandbox", "client_secret", "very-secret-value")
        assert run(tmp_path, "set", "environments.sandbox.auth_mode", "jwt")[0] == 0
        _, out, _ = run(tmp_path, "show")
    assert "very-secret-value" not in out
    assert "secrets.sandbox.client_secret = ******** (stored)" in out
    assert "secrets.sandbox.jwt = (not set)" in out
    assert "secrets.production" not in out  # production signs in with PKCE: no secrets to show
