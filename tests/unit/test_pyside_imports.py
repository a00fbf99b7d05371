"""PySide6's import hook: taken out of `import` at start-up, and otherwise answering without caching sources."""

from __future__ import annotations

import importlib
import linecache
import os
import sys
from pathlib import Path

import PySide6  # noqa: F401 - the hook exists once PySide6 is imported

from desktop.ui.pyside_imports import plain_imports, skip_source_caching


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(body + "\n" + "# filler line\n" * 2000)
    return path


def test_modules_are_classified_without_their_source_being_cached(tmp_path: Path, monkeypatch) -> None:
    feature = sys.modules["shibokensupport.feature"]
    original = feature._mod_uses_pyside
    monkeypatch.setattr(feature, "_mod_uses_pyside", original)  # restored after the test
    monkeypatch.syspath_prepend(str(tmp_path))

    # This PySide6 caches the source of what it checks: the reason for the workaround.
    plain = _write(tmp_path, "plain_module_for_the_hook", "VALUE = 1")
    module = importlib.import_module("plain_module_for_the_hook")
    linecache.checkcache()
    original(module)
    assert str(plain) in linecache.cache
    linecache.clearcache()

    assert skip_source_caching() is True
    assert skip_source_caching() is True  # twice is harmless
    uses = _write(tmp_path, "qt_module_for_the_hook", "import PySide6.QtCore")
    other = _write(tmp_path, "other_module_for_the_hook", "OTHER = 2")
    qt_module = importlib.import_module("qt_module_for_the_hook")
    other_module = importlib.import_module("other_module_for_the_hook")
    # What PySide6's import hook calls for every import (called here directly: other tests may wrap __import__).
    feature.feature_imported(qt_module)
    feature.feature_imported(other_module)
    assert feature.pyside_feature_dict["qt_module_for_the_hook"] == 0  # uses PySide: features may switch
    assert feature.pyside_feature_dict["other_module_for_the_hook"] == -1
    assert feature._mod_uses_pyside(qt_module) is True and feature._mod_uses_pyside(other_module) is False
    assert str(uses) not in linecache.cache and str(other) not in linecache.cache
    # A module without a source file gets PySide6's own answer.
    assert feature._mod_uses_pyside(sys) is False


def test_without_the_hook_nothing_is_changed(monkeypatch) -> None:
    monkeypatch.delitem(sys.modules, "shibokensupport.feature")
    assert skip_source_caching() is False


def test_plain_imports_take_the_feature_hook_out_and_qt_still_works(tmp_path: Path) -> None:
    """In a fresh process, as start-up does it: after ``plain_imports()`` an import no longer goes through
    PySide6's feature hook (a new module is not classified), while Qt's lazily made types, a star import and
    imports from another thread still work. Without the call the same module is classified (the control)."""
    import subprocess

    (tmp_path / "after_pyside.py").write_text("VALUE = 1\n")
    code = ("import builtins, sys, threading\n"
            "import PySide6\n"
            "from desktop.ui.pyside_imports import plain_imports\n"
            "taken = plain_imports() if sys.argv[1] == 'plain' else False\n"
            "import PySide6.QtWebEngineWidgets\n"
            "import after_pyside\n"
            "from PySide6.QtCore import QTimer, QUrl\n"
            "star = {}\n"
            "exec('from PySide6.QtGui import *', star)\n"
            "done = []\n"
            "thread = threading.Thread(target=lambda: done.append(__import__('json').dumps([1])))\n"
            "thread.start(); thread.join()\n"
            "feature = sys.modules['shibokensupport.feature']\n"
            "print(taken, 'after_pyside' in feature.pyside_feature_dict, builtins.__import__.__name__,\n"
            "      QUrl('https://a.example/x').host(), QTimer.__name__, 'QKeySequence' in star, done)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(Path(__file__).parents[2])])}
    plain = subprocess.run([sys.executable, "-c", code, "plain"], capture_output=True, text=True, env=env,
                           timeout=120, check=True).stdout.split()
    hooked = subprocess.run([sys.executable, "-c", code, "hooked"], capture_output=True, text=True, env=env,
                            timeout=120, check=True).stdout.split()
    assert plain == ["True", "False", "__lazy_import__", "a.example", "QTimer", "True", "['[1]']"], plain
    assert hooked[:3] == ["False", "True", "__feature_import__"], hooked  # the hook was there, and classified


def test_plain_imports_leave_another_import_replacement_alone(monkeypatch) -> None:
    import builtins

    def someone_elses_import(*args: object, **kwargs: object) -> object:
        return builtins.__orig_import__(*args, **kwargs)  # type: ignore[attr-defined]

    monkeypatch.setattr(builtins, "__import__", someone_elses_import)
    feature = sys.modules["shibokensupport.feature"]
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)
    assert plain_imports() is False
    assert builtins.__import__ is someone_elses_import
    assert getattr(feature._mod_uses_pyside, "cache_free", False)  # the fallback: no source cached
