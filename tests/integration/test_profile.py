"""The web profile: persistent storage per environment, and a disk cache sized for the widget."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile

from desktop.ui.phone.profile import HTTP_CACHE_BYTES, create_profile

pytestmark = pytest.mark.webengine


def test_storage_and_a_bounded_disk_cache_below_the_data_folder(qapp, tmp_path: Path) -> None:
    owner = QObject()
    profile = create_profile("sandbox-test", tmp_path, owner)
    assert not profile.isOffTheRecord()
    assert Path(profile.persistentStoragePath()) == tmp_path / "profiles" / "sandbox-test"
    assert Path(profile.cachePath()) == tmp_path / "cache" / "sandbox-test"
    assert profile.httpCacheType() is QWebEngineProfile.HttpCacheType.DiskHttpCache
    assert profile.httpCacheMaximumSize() == HTTP_CACHE_BYTES == 64 * 1024 * 1024
    # With a secret or JWT in the widget URL, nothing about it may reach the disk.
    secret = create_profile("jwt-test", tmp_path, owner, memory_cache=True)
    assert secret.httpCacheType() is QWebEngineProfile.HttpCacheType.MemoryHttpCache
