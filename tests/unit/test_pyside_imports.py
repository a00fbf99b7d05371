"""PySide6's import hook answers "does this module use PySide?" without caching the module's source."""

from __future__ import annotations

import importlib
import linecache
import sys
from pathlib import Path

import PySide6  # noqa: F401 - the hook exists once PySide6 is imported

from desktop.ui.pyside_imports import skip_source_caching


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
