"""The installed app keeps its folders and files to the person: what an older version left readable by everyone
(0755 folders, a 0644 log holding call metadata) is private after a start, and what it makes is private from the
start, under the usual umask 022 (issue 25, section 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.services.logs import LOG_NAME
from tests.e2e.test_app_process import Running, setup, signing_in

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(os.name != "posix", reason="POSIX modes")]
__all__ = ["setup"]


def mode(path: Path) -> int:
    return path.lstat().st_mode & 0o777


def run_until_signed_in(app_program: Path, argv: list[str], env: dict[str, str], log_file: Path) -> Running:
    old = os.umask(0o022)  # what most desktops have: nothing below is private because of the test runner
    try:
        app = Running(app_program, argv, env, log_file)
    finally:
        os.umask(old)
    app.wait_for("widget login status: signed in")
    assert app.terminate() == 0
    return app


def test_what_an_older_version_left_open_is_made_private(app_program: Path, setup, tmp_path: Path) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg-cache")
    data = log_file.parent.parent
    folders = [data, data / "logs", data / "profiles", data / "cache", tmp_path / "xdg-cache" / "embeddable-desktop"]
    for folder in folders:
        folder.mkdir(parents=True)
        folder.chmod(0o755)
    files = [log_file, log_file.with_name(f"{LOG_NAME}.1"), data / "state.json"]
    for file, text in zip(files, ["older version\n", "older version, rotated\n", "{}\n"], strict=True):
        file.write_text(text)
        file.chmod(0o644)

    app = run_until_signed_in(app_program, argv, env, log_file)
    assert [mode(f) for f in folders] == [0o700] * len(folders)
    assert [mode(f) for f in files] == [0o600] * len(files)
    assert log_file.read_text().startswith("older version\n")
    said = app.log()
    assert f"made the folder {data} private (0755 -> 0700)" in said
    assert f"made the file {log_file} private (0644 -> 0600)" in said


def test_what_the_app_makes_is_private_from_the_start(app_program: Path, setup, tmp_path: Path) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    data = log_file.parent.parent
    run_until_signed_in(app_program, argv, env, log_file)
    profile_folders = [*(data / "profiles").iterdir(), *(data / "cache").iterdir()]
    assert profile_folders  # the web profile's storage and cache, one each per environment
    assert [mode(f) for f in [data, data / "logs", data / "profiles", data / "cache", *profile_folders]] == [0o700] * (
        4 + len(profile_folders))
    assert mode(log_file) == 0o600
    assert "private (" not in log_file.read_text()  # nothing needed fixing
