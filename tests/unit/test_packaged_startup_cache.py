"""The packaged app's start-up cache (desktop/services/trusted_cache.py): made by the package build, read from the
bundle by the bundle's runtime hook, and never written at run time (issue 25, section 2).

Here with the real build step (packaging/pyinstaller/startup_cache.py) and the app's early import in a process
that plays the frozen app (PyInstaller sets ``sys.frozen`` and ``sys._MEIPASS``); tests/packaging/
test_bundled_startup_cache.py runs the real bundle.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.services.trusted_cache import BUNDLED_NAME, StartupCache, startup_cache
from tests.support.startup_cache import answer, run_import

ROOT = Path(__file__).resolve().parents[2]
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="Windows protects the folders with ACLs instead")
ANOTHER_UID = 12345


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A frozen app (PyInstaller sets sys.frozen and sys._MEIPASS), and an empty cache home: (bundle, cache home)."""
    bundle, home = tmp_path / "bundle", tmp_path / "empty-cache-home"
    bundle.mkdir(mode=0o755)
    home.mkdir(mode=0o700)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return bundle, home


def test_the_packaged_app_reads_its_bundled_file_and_writes_nothing(packaged: tuple[Path, Path]) -> None:
    bundle, home = packaged
    cache = startup_cache()
    assert cache.bundled and cache.file == Path(os.path.realpath(bundle / BUNDLED_NAME))
    code, _, recorder = run_import(cache)  # a bundle built without the file: compiled, and nothing written
    assert recorder.compiled == 2 and recorder.not_kept == "the packaged app keeps no code it compiles"
    run_import(StartupCache(file=cache.file, root=cache.file.parent))  # as the package build makes it
    cache.file.chmod(0o644)
    made = cache.file.read_bytes()
    code, _, recorder = run_import(cache)
    assert recorder.served == 2 and recorder.compiled == 0 and answer(code) == 42
    assert cache.file.read_bytes() == made and sorted(os.listdir(bundle)) == [BUNDLED_NAME]
    assert cache.file.stat().st_mode & 0o777 == 0o644  # the installation's, for everyone to read: left as it is
    assert not list(home.iterdir())  # nothing in the person's cache folder


@POSIX_ONLY
def test_the_bundled_file_may_be_roots_and_never_anyone_elses(packaged: tuple[Path, Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cache = startup_cache()
    run_import(StartupCache(file=cache.file, root=cache.file.parent))  # as the package build makes it
    cache.file.chmod(0o644)
    owner = os.getuid()
    assert run_import(cache)[2].served == 2  # the person's own (a bundle they unpacked)
    if owner == 0:  # installed by root, run by a person: root's file is the installation's
        monkeypatch.setattr(os, "getuid", lambda: 4242)
        assert run_import(cache)[2].served == 2
        monkeypatch.setattr(os, "getuid", lambda: owner)
        os.chown(cache.file, ANOTHER_UID, ANOTHER_UID)
        assert run_import(cache)[2].served == 0
        os.chown(cache.file, 0, 0)
    cache.file.chmod(0o664)
    assert run_import(cache)[2].served == 0


def test_the_build_step_makes_the_file_the_frozen_app_imports_pyside_from(tmp_path: Path) -> None:
    """The spec's step, then a fresh process as the frozen app starts: its runtime hook imports PySide6 served
    from the bundle's file, compiling nothing, and the app logs it later; the person's cache stays empty."""
    bundle, home = tmp_path / "bundle", tmp_path / "empty-cache-home"
    home.mkdir(mode=0o700)
    made = subprocess.run([sys.executable, "-I", str(ROOT / "packaging" / "pyinstaller" / "startup_cache.py"),
                           str(bundle / BUNDLED_NAME)], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0 and "start-up cache:" in made.stdout, made.stderr
    assert (bundle / BUNDLED_NAME).stat().st_mode & 0o777 == 0o644 and sorted(os.listdir(bundle)) == [BUNDLED_NAME]
    frozen = ("import logging, sys\n"
              "sys.frozen, sys._MEIPASS = True, sys.argv[1]\n"
              "from desktop.services.trusted_cache import startup_cache\n"
              "from desktop.ui.pyside_imports import import_pyside, import_pyside_early\n"
              "import_pyside_early(startup_cache())  # the runtime hook, before the log exists\n"
              "logging.basicConfig(level=logging.INFO, stream=sys.stdout, format='%(message)s')\n"
              "import_pyside(None)  # the app, with performance_tuning false: the installation's file was used\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(home))
    ran = subprocess.run([sys.executable, "-c", frozen, str(bundle)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert "served from the start-up cache" in ran.stdout and "compiled" not in ran.stdout, ran.stdout
    assert int(ran.stdout.split("(")[1].split()[0]) >= 14  # PySide6's embedded modules at least
    assert not list(home.iterdir())


def test_an_early_import_that_fails_is_left_for_the_app_to_explain(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The runtime hook runs before the app can say what is missing in one line: it must not raise itself."""
    import builtins

    from desktop.ui import pyside_imports

    monkeypatch.setitem(sys.modules, "PySide6", None)  # as when the bundle cannot load Qt: ImportError
    real_compile = builtins.compile
    pyside_imports.import_pyside_early(StartupCache(file=tmp_path / BUNDLED_NAME, root=tmp_path, bundled=True))
    assert not pyside_imports._imported_early and builtins.compile is real_compile
    with pytest.raises(ImportError):
        pyside_imports.import_pyside(None)
