"""The start-up cache is used only where nobody else could have put code in it (desktop/services/trusted_cache.py).

Real files, links and permissions in the test's own folder, which plays the person's cache home: a link planted
at the file's name or at the name being written, a folder in the chain that others may write, and files or
folders owned by another uid (a chown as root; as any user, the app running as a uid that is not the files').
The packaged app's own file: tests/unit/test_packaged_startup_cache.py.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.services.trusted_cache import StartupCache, startup_cache
from tests.support.requirements import require
from tests.support.startup_cache import SOURCE, answer, cache_in, load, run_import, store

POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="Windows protects the folders with ACLs instead")
ANOTHER_UID = 12345


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The person's cache home, theirs alone (as ~/.cache is)."""
    folder = tmp_path / "cache-home"
    folder.mkdir(mode=0o700)
    return folder


def someone_elses(path: Path) -> Path:
    """A valid cache file at ``path`` (in a folder named as the app's) whose module sets ANSWER to 666: another
    user's code."""
    made = cache_in(path.parent.parent)
    run_import(made)  # the right header, this Python's build, and the pattern
    header, entries = load(made.file)
    key = next(k for k in entries if k[0] == "code:bytes")
    evil = compile(b"ANSWER = 666\n", key[1], "exec", dont_inherit=True)
    store(made.file, header, {**entries, key: (SOURCE, evil)})
    made.file.chmod(0o600)
    if made.file != path:
        made.file.rename(path)
    return path


def disabled(cache: StartupCache, why: str) -> None:
    """A good file in place is neither read nor replaced, and the reason is given."""
    before = cache.file.stat()
    code, _, recorder = run_import(cache)
    assert recorder.compiled == 2 and recorder.served == 0 and answer(code) == 42
    assert recorder.not_kept is not None and why in recorder.not_kept, recorder.not_kept
    after = cache.file.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not written anew
    assert sorted(os.listdir(cache.file.parent)) == [cache.file.name]  # nor a partial file left


@POSIX_ONLY
@pytest.mark.parametrize("where", ["at the file", "at the app's folder"])
def test_a_link_in_the_cache_is_not_followed(home: Path, tmp_path: Path, where: str) -> None:
    """The link leads to a file that passes every other check (the person's, 0600): only O_NOFOLLOW stops it."""
    cache = cache_in(home)
    elsewhere = tmp_path / "elsewhere" / "embeddable-desktop"
    elsewhere.mkdir(parents=True, mode=0o700)
    planted = someone_elses(elsewhere / cache.file.name)
    planted_bytes = planted.read_bytes()
    if where == "at the file":
        cache.file.parent.mkdir(mode=0o700)
        cache.file.symlink_to(planted)
    else:
        cache.file.parent.symlink_to(elsewhere)
    code, _, recorder = run_import(cache)
    assert answer(code) == 42 and recorder.served == 0 and recorder.compiled == 2
    assert planted.read_bytes() == planted_bytes  # nor written through
    if where == "at the file":  # the person's folder: the link is replaced by the person's own file
        assert not cache.file.is_symlink() and run_import(cache)[2].served == 2
    else:
        assert recorder.not_kept is not None and cache.file.parent.is_symlink()


@POSIX_ONLY
def test_a_planted_partial_or_temporary_name_is_never_written_through(home: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Links at the old fixed name (<name>.<pid>.partial) and at the next names mkstemp tries lead to a file of
    the person's: it stays as it was, and the cache is written to a new file of its own."""
    cache = cache_in(home)
    cache.file.parent.mkdir(mode=0o700)
    victim = tmp_path / "the-persons-notes.txt"
    victim.write_text("mine\n")
    names = ["planted", "also-planted", "fresh"]
    for link in (f"{cache.file.name}.{os.getpid()}.partial", *(f"{cache.file.name}.{n}.partial" for n in names[:2])):
        (cache.file.parent / link).symlink_to(victim)

    def predictable() -> Iterator[str]:
        return iter(names)

    monkeypatch.setattr(tempfile, "_get_candidate_names", predictable)
    recorder = run_import(cache)[2]
    assert recorder.not_kept is None and victim.read_text() == "mine\n"
    assert not cache.file.is_symlink() and stat.S_IMODE(cache.file.stat().st_mode) == 0o600
    assert not (cache.file.parent / f"{cache.file.name}.fresh.partial").exists()  # renamed to the cache's name
    assert run_import(cache)[2].served == 2


@POSIX_ONLY
def test_nothing_is_written_where_the_checked_folder_was_swapped(home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """mkstemp takes a path: as if a folder above the cache root, writable by others, were swapped just before it
    (here the app's folder is), the cache goes neither into the folder found there nor over the checked one."""
    cache = cache_in(home)
    run_import(cache)
    real_mkstemp = tempfile.mkstemp

    def swapped_first(**kwargs: Any) -> tuple[int, str]:
        cache.file.parent.rename(home / "checked")
        cache.file.parent.mkdir(mode=0o700)
        return real_mkstemp(**kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", swapped_first)
    cache.file.write_bytes(cache.file.read_bytes()[:-1])  # damaged: this start writes the file anew
    before = cache.file.stat()
    recorder = run_import(cache)[2]
    assert recorder.not_kept is not None and "the folder changed" in recorder.not_kept
    assert [p.stat().st_size for p in cache.file.parent.iterdir()] == [0]  # mkstemp's new file, left empty
    after = (home / "checked" / cache.file.name).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@POSIX_ONLY
def test_only_a_regular_file_is_read(home: Path) -> None:
    """A pipe at the cache's name is neither waited on (with nobody writing, opening it would wait for ever) nor
    read (here holding a good cache's bytes), and it is replaced by a file."""
    cache = cache_in(home)
    run_import(cache)
    good = cache.file.read_bytes()
    for writer in (False, True):
        cache.file.unlink()
        os.mkfifo(cache.file, 0o600)
        # Linux and macOS open a pipe both ways without waiting for the other end.
        pipe = os.open(cache.file, os.O_RDWR) if writer else None
        try:
            if pipe is not None:
                os.write(pipe, good)  # the test's file is far smaller than the pipe's buffer
            code, _, recorder = run_import(cache)
            assert recorder.served == 0 and recorder.not_kept is None and answer(code) == 42
        finally:
            if pipe is not None:
                os.close(pipe)
        assert stat.S_ISREG(cache.file.lstat().st_mode) and run_import(cache)[2].served == 2


@POSIX_ONLY
@pytest.mark.parametrize("mode", [0o770, 0o707, 0o1777])
@pytest.mark.parametrize("where", ["the cache root", "the app's folder"])
def test_a_folder_others_may_write_anywhere_in_the_chain_disables_the_cache(home: Path, where: str,
                                                                           mode: int) -> None:
    cache = cache_in(home)
    run_import(cache)
    (home if where == "the cache root" else cache.file.parent).chmod(mode)
    disabled(cache, "others may write it")


@POSIX_ONLY
def test_a_file_others_may_write_is_ignored_and_written_anew_as_the_persons_alone(home: Path) -> None:
    cache = cache_in(home)
    run_import(cache)
    cache.file.chmod(0o664)
    code, _, recorder = run_import(cache)
    assert recorder.served == 0 and recorder.not_kept is None and answer(code) == 42
    assert stat.S_IMODE(cache.file.stat().st_mode) == 0o600
    assert run_import(cache)[2].served == 2


@POSIX_ONLY
@pytest.mark.parametrize("where", ["the cache root", "the app's folder", "the file"])
def test_what_another_uid_owns_is_not_used(home: Path, where: str) -> None:
    require(os.geteuid() == 0, "giving a file to another uid needs root (CI runs as root)")
    cache = cache_in(home)
    run_import(cache)
    os.chown({"the cache root": home, "the app's folder": cache.file.parent, "the file": cache.file}[where],
             ANOTHER_UID, ANOTHER_UID)
    if where != "the file":
        disabled(cache, f"owned by uid {ANOTHER_UID}")
        return
    code, _, recorder = run_import(cache)  # in the person's own folder: replaced by a file of theirs
    assert recorder.served == 0 and recorder.not_kept is None and answer(code) == 42
    assert cache.file.stat().st_uid == os.getuid()


@POSIX_ONLY
def test_the_person_is_the_uid_the_app_runs_as(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As any user: files that are not the running uid's are not used, even where nobody else may write them."""
    cache = cache_in(home)
    run_import(cache)
    owner = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    disabled(cache, f"owned by uid {owner}, not by this user ({owner + 1})")


@POSIX_ONLY
def test_new_folders_are_the_persons_alone(tmp_path: Path) -> None:
    cache = cache_in(tmp_path / "new-cache-home")
    old = os.umask(0o002)  # a permissive umask must not make them shared
    try:
        assert run_import(cache)[2].not_kept is None
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new-cache-home").stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.file.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.file.stat().st_mode) == 0o600


@POSIX_ONLY
def test_what_an_earlier_version_made_readable_by_others_becomes_the_persons_alone(home: Path) -> None:
    """Folders 0755 and a file 0644 (as made before): still used, and from then on 0700 and 0600. The cache root
    is every program's: it is left as it is."""
    cache = cache_in(home)
    run_import(cache)
    home.chmod(0o755)
    cache.file.parent.chmod(0o755)
    cache.file.chmod(0o644)
    assert run_import(cache)[2].served == 2  # read, not written: the modes were set on the way
    assert stat.S_IMODE(cache.file.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.file.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o755


def test_a_pip_install_keeps_one_file_per_installation_in_the_persons_cache_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    here = startup_cache()
    monkeypatch.setattr(sys, "prefix", "/opt/another-installation")
    other = startup_cache()
    if sys.platform.startswith("linux"):
        assert here.root == tmp_path and here.file.parent == tmp_path / "embeddable-desktop"
    assert here.file.is_relative_to(here.root) and not here.bundled
    assert here.file.parent == other.file.parent and here.file != other.file
    assert sys.implementation.cache_tag in here.file.name
