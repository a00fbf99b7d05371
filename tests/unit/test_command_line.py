"""The command line a newcomer types: global options before or after the verb, ``--help`` names the verbs,
``secrets`` reads the environments of the ``--data-dir`` it is given; one table of verbs
(desktop.core.verbs.VERBS) drives both the dispatch and ``--help``. Pure splitting plus the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli
from desktop.__main__ import main as entry_point
from desktop.core.app_parser import build_parser
from desktop.core.verbs import VERBS, Invocation, Verb, split_command

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


def test_help_lists_exactly_the_verbs_of_the_table_and_each_verb_has_help() -> None:
    done = command("--help")
    assert done.returncode == 0
    listed = done.stdout.split("commands (embeddable-desktop COMMAND --help for each):\n")[1].split("\n\n")[0]
    assert dict(line.split(None, 1) for line in listed.splitlines()) == {v: e.summary for v, e in VERBS.items()}
    for verb in VERBS:
        verb_help = command(verb, "--help")
        assert verb_help.returncode == 0 and f"embeddable-desktop {verb}" in verb_help.stdout
        if verb != "policy":  # a policy is a file of its own, not a data folder's
            assert "--data-dir" in verb_help.stdout


FAKE_VERB = """
calls = []


def main(*args):
    calls.append(args)
    return 7
"""


def test_a_row_of_the_table_is_a_verb_of_the_dispatch_and_of_the_help(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A verb added to the table alone (no other edit) runs through the entry point, with the words meant for it,
    and is listed by the app's ``--help``."""
    (tmp_path / "fake_verb_module.py").write_text(FAKE_VERB)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fake_verb_module", raising=False)
    monkeypatch.setitem(VERBS, "hello", Verb("fake_verb_module", "say hello from the table"))
    monkeypatch.setitem(VERBS, "wave", Verb("fake_verb_module", "wave; told which verb it is", takes_verb=True))
    monkeypatch.setattr(sys, "argv", ["embeddable-desktop", "--data-dir", "D", "hello", "x"])
    assert entry_point() == 7
    monkeypatch.setattr(sys, "argv", ["embeddable-desktop", "wave", "--data-dir", "D"])
    assert entry_point() == 7
    assert sys.modules["fake_verb_module"].calls == [(["--data-dir", "D", "x"],), ("wave", ["--data-dir", "D"])]
    shown = build_parser().format_help()
    assert "\n  hello     say hello from the table\n" in shown
    assert "\n  wave      wave; told which verb it is\n" in shown


def test_every_verb_of_the_table_runs_its_module(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Each row names a module whose ``main`` takes what the dispatch gives it (the verb too where it says so)."""
    assert cli.verb_modules() == ["desktop.cli.config", "desktop.cli.diagnose", "desktop.cli.policy",
                                  "desktop.cli.remote", "desktop.cli.secrets"]
    for verb in VERBS:
        try:
            status = cli.run(verb, ["--help"])
        except SystemExit as exc:  # argparse's --help
            status = exc.code
        assert status == 0, verb
        assert f"usage: embeddable-desktop {verb}" in capsys.readouterr().out


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
