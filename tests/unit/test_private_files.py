"""The app's folders 0700 and files 0600, also those an older version left open, following no link and changing
nothing the person does not own (desktop/services/private_files.py, the log in desktop/services/logs.py)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.logs import LOG_NAME, setup_logging
from desktop.services.private_files import make_private, person_cache_folder, secure_app_folders
from desktop.services.settings_files import write_json_atomic
from tests.support.requirements import require

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes; Windows folders are private by their ACLs")
NOBODY = 65534


def mode(path: Path) -> int:
    return path.lstat().st_mode & 0o777


def made(path: Path, permissions: int, *, folder: bool = True) -> Path:
    if folder:
        path.mkdir(parents=True)
    else:
        path.write_text("older version\n")
    path.chmod(permissions)
    return path


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most desktops have, so that nothing here is private only because the test runner's umask is."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def logging_here() -> Iterator[None]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_an_open_folder_and_file_are_made_private(tmp_path: Path) -> None:
    folder, file = made(tmp_path / "data", 0o755), made(tmp_path / "app.log", 0o644, folder=False)
    done = make_private(folder, folder=True)
    assert done is not None and not done.problem and f"{folder} private (0755 -> 0700)" in done.message
    done = make_private(file, folder=False)
    assert done is not None and not done.problem and f"{file} private (0644 -> 0600)" in done.message
    assert (mode(folder), mode(file)) == (0o700, 0o600)


def test_only_group_and_others_lose_their_access(tmp_path: Path) -> None:
    folder, file = made(tmp_path / "read-only", 0o575), made(tmp_path / "f", 0o466, folder=False)
    make_private(folder, folder=True)
    make_private(file, folder=False)
    assert (mode(folder), mode(file)) == (0o500, 0o400)  # the person's own bits stay as the person set them


def test_nothing_to_say_when_missing_or_already_private(tmp_path: Path) -> None:
    assert make_private(tmp_path / "missing", folder=True) is None
    assert make_private(made(tmp_path / "private", 0o700), folder=True) is None
    assert make_private(made(tmp_path / "log", 0o600, folder=False), folder=False) is None


@pytest.mark.parametrize("folder", [True, False])
def test_a_link_is_not_followed(tmp_path: Path, folder: bool) -> None:
    target = made(tmp_path / "elsewhere", 0o755 if folder else 0o644, folder=folder)
    link = tmp_path / "link"
    link.symlink_to(target)
    done = make_private(link, folder=folder)
    assert done is not None and done.problem and "symbolic link" in done.message and str(link) in done.message
    assert mode(target) == (0o755 if folder else 0o644)


def test_a_link_to_a_private_folder_of_ones_own_is_fine(tmp_path: Path) -> None:
    """A data folder moved to another disk and linked back: nothing to fix, nothing to warn about."""
    (tmp_path / "link").symlink_to(made(tmp_path / "other-disk", 0o700))
    assert make_private(tmp_path / "link", folder=True) is None


def test_someone_elses_folder_is_left_as_it_is_and_named(tmp_path: Path) -> None:
    require(os.geteuid() == 0, "making a folder another user owns needs root (CI runs as root)")
    theirs, their_file = made(tmp_path / "theirs", 0o755), made(tmp_path / "their.log", 0o644, folder=False)
    for path in (theirs, their_file):
        os.chown(path, NOBODY, NOBODY)
    done = make_private(theirs, folder=True)
    assert done is not None and done.problem and f"belongs to uid {NOBODY}, not to this user (0)" in done.message
    done = make_private(their_file, folder=False)
    assert done is not None and done.problem
    assert (mode(theirs), mode(their_file)) == (0o755, 0o644)
    theirs.chmod(0o700)
    assert make_private(theirs, folder=True) is None  # closed to others already: nothing to say


def test_a_file_where_a_folder_belongs_is_named(tmp_path: Path) -> None:
    file = made(tmp_path / "logs", 0o644, folder=False)
    done = make_private(file, folder=True)
    assert done is not None and done.problem and "not a folder" in done.message
    assert mode(file) == 0o644


def test_the_data_and_cache_folders_an_older_version_left_open(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    data = made(tmp_path / "data", 0o755)
    profiles, cache = made(data / "profiles", 0o755), made(data / "cache", 0o755)
    state, window = made(data / "state.json", 0o644, folder=False), made(data / "window.json", 0o664, folder=False)
    outside = made(tmp_path / "outside.txt", 0o644, folder=False)
    (data / "linked.json").symlink_to(outside)  # not the app's file: not followed, not changed
    person_cache = made(person_cache_folder(), 0o755)
    assert person_cache.is_relative_to(tmp_path)
    done = secure_app_folders(data)
    assert [(mode(p)) for p in (data, profiles, cache, person_cache)] == [0o700] * 4
    assert (mode(state), mode(window), mode(outside)) == (0o600, 0o600, 0o644)
    assert len(done) == 6 and not any(d.problem for d in done)


def test_new_folders_are_private_from_the_start(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    data = tmp_path / "new" / "data"
    assert secure_app_folders(data) == []
    assert [mode(p) for p in (data, data / "profiles", data / "cache")] == [0o700] * 3
    assert mode(data.parent) == 0o755  # a parent such as ~/.local/share is made as usual
    assert not person_cache_folder().exists()  # made (0700) by the start-up cache, when it is used


def test_the_log_an_older_version_left_open(tmp_path: Path, logging_here: None, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    data = made(tmp_path / "data", 0o755)
    logs = made(data / "logs", 0o755)
    current, rotated = made(logs / LOG_NAME, 0o644, folder=False), made(logs / f"{LOG_NAME}.2", 0o644, folder=False)
    path = setup_logging(logs, data_dir=data)
    assert path == current
    assert (mode(data), mode(logs), mode(current), mode(rotated)) == (0o700, 0o700, 0o600, 0o600)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = current.read_text()
    assert text.startswith("older version\n")  # appended to, not replaced
    for line in (f"made the folder {data} private (0755 -> 0700)", f"made the folder {logs} private (0755 -> 0700)",
                 f"made the file {current} private (0644 -> 0600)", f"made the file {rotated} private (0644 -> 0600)"):
        assert f"INFO desktop.files: {line}" in text


def test_a_new_log_and_every_rotated_one_are_private(tmp_path: Path, logging_here: None) -> None:
    path = setup_logging(tmp_path / "logs")
    assert (mode(tmp_path / "logs"), mode(path)) == (0o700, 0o600)
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", None) == str(path))
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    handler.doRollover()
    assert (mode(path), mode(path.with_name(f"{LOG_NAME}.1"))) == (0o600, 0o600)


def test_a_link_at_the_logs_name_is_never_written_through(tmp_path: Path, logging_here: None) -> None:
    logs = made(tmp_path / "logs", 0o700)
    victim = made(tmp_path / "someone-elses-file", 0o644, folder=False)
    (logs / LOG_NAME).symlink_to(victim)
    with pytest.raises(OSError):  # the app says: --data-dir: cannot write below ...
        setup_logging(logs)
    assert victim.read_text() == "older version\n" and mode(victim) == 0o644


def test_a_settings_folder_made_for_a_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "config" / "embeddable-desktop" / "settings.json"
    write_json_atomic(path, {"environment": "sandbox"})
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
