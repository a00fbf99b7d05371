"""The command line a newcomer types: global options before or after the verb, ``--help`` names the verbs,
``secrets`` reads the environments of the ``--data-dir`` it is given. Pure splitting plus the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.command_line import VERBS, Invocation, split_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("argv", "expected"), [
    ([], Invocation(None, [])),
    (["--data-dir", "D", "config", "show"], Invocation("config", ["--data-dir", "D", "show"])),
    (["config", "show", "--data-dir", "D"], Invocation("config", ["show", "--data-dir", "D"])),
    (["--data-dir=D", "secrets", "status"], Invocation("secrets", ["--data-dir=D", "status"])),
    (["--env", "config", "diagnose"], Invocation("diagnose", ["--env", "config"])),  # "config" is --env's value
    (["--minimized", "tel:+15550100", "config"], Invocation(None, ["--minimized", "tel:+15550100", "config"])),
    (["--", "config"], Invocation(None, ["--", "config"])),
    (["--call", "5550100"], Invocation(None, ["--call", "5550100"])),
])
def test_the_verb_is_the_first_plain_word(argv: list[str], expected: Invocation) -> None:
    assert split_command(argv) == expected


def command(*argv: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *argv], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=60, env={**os.environ, **(env or {})})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder whose settings define a custom environment ``lab`` and choose it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({
        "environment": "lab", "environments.lab.app_server": "https://platform.lab.example.com",
        "environments.lab.auth_mode": "jwt"}))
    return data


def test_global_options_before_or_after_the_verb(folder: Path) -> None:
    outputs = [command(*argv) for argv in (["--data-dir", str(folder), "config", "show"],
                                           ["config", "show", "--data-dir", str(folder)],
                                           ["config", "--data-dir", str(folder), "show"],
                                           [f"--data-dir={folder}", "config", "show"])]
    for done in outputs:
        assert done.returncode == 0, done.stderr
        assert f"# settings file: {folder / 'settings.json'}" in done.stdout
        assert 'environment = "lab"' in done.stdout
    assert len({done.stdout for done in outputs}) == 1
    # An option of the app's window has no meaning for config: refused by name, not read as a link.
    done = command("--minimized", "config", "show")
    assert done.returncode == 2 and "unrecognized arguments: --minimized" in done.stderr
    assert "only tel:, callto: and sms:" not in done.stderr


def test_help_lists_the_verbs_and_each_verb_has_help() -> None:
    done = command("--help")
    assert done.returncode == 0
    for verb in VERBS:
        assert f"\n  {verb} " in done.stdout
        verb_help = command(verb, "--help")
        assert verb_help.returncode == 0 and f"embeddable-desktop {verb}" in verb_help.stdout
        if verb != "policy":  # a policy is a file of its own, not a data folder's
            assert "--data-dir" in verb_help.stdout


def test_secrets_uses_the_environments_of_its_data_folder(folder: Path, tmp_path: Path) -> None:
    keychain = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                "XDG_CONFIG_HOME": str(tmp_path / "no-config")}
    # "lab" exists only in this folder's settings: refused without it, before any keychain is asked.
    done = command("secrets", "status", "--env", "lab", env=keychain)
    assert done.returncode == 2
    assert "environment 'lab' is not defined in" in done.stderr
    assert "config set environments.lab.app_server" in done.stderr
    assert done.stderr.count("\n") == 1
    # With the folder (before or after the verb), lab is known and is the default: the keychain is asked.
    for argv in (["--data-dir", str(folder), "secrets", "status"], ["secrets", "status", "--data-dir", str(folder)]):
        done = command(*argv, env=keychain)
        assert done.returncode == 1 and "No usable keychain was found" in done.stderr, done.stderr
    done = command("secrets", "status", "--env", "labb", "--data-dir", str(folder), env=keychain)
    assert done.returncode == 2 and "'labb' is not defined" in done.stderr
    assert "(defined: production, sandbox, lab)" in done.stderr


def test_a_closed_pipe_is_not_an_error(folder: Path) -> None:
    reader = subprocess.Popen([sys.executable, "-m", "desktop", "config", "show", "--data-dir", str(folder)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # as "| head -0" would
    assert reader.wait(timeout=60) in (0, 1)
    assert reader.stderr.read() == b""
