"""One persistent, named web profile per environment, stored below the data directory.

Named (not off-the-record) so the widget's token in localStorage survives restarts; one per
environment so sandbox and production storage never mix and a token is never sent to the other server.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineProfileBuilder

log = logging.getLogger("desktop.web")
#: The disk cache's ceiling: several times what the widget loads.
HTTP_CACHE_BYTES = 64 * 1024 * 1024


def create_profile(
    name: str, data_dir: Path, parent: QObject, *, extra_ca_file: Path | None = None, memory_cache: bool = False
) -> QWebEngineProfile:
    """Create the profile ``name`` with its storage in ``data_dir/profiles/name``.

    ``extra_ca_file`` adds PEM CA certificates trusted by this profile only (custom servers behind a
    private CA); the system's trust store stays in force, and certificate errors are never ignored.
    """
    storage = data_dir / "profiles" / name
    cache = data_dir / "cache" / name
    # The person's alone (their parents too: desktop/services/private_files.py makes them 0700 at start).
    storage.mkdir(mode=0o700, parents=True, exist_ok=True)
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    builder = QWebEngineProfileBuilder()
    builder.setPersistentStoragePath(str(storage))
    builder.setCachePath(str(cache))
    # Chromium sizes an automatic disk cache from the free space (up to hundreds of MB); the widget's files are
    # about 10 MB, so this keeps every one of them (and V8's code cache beside them) warm for the next start.
    builder.setHttpCacheMaximumSize(HTTP_CACHE_BYTES)
    if memory_cache:
        # With a secret or JWT in the widget URL, the disk cache would write that URL to disk as a key.
        builder.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    builder.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.ForcePersistentCookies)
    # Decide every permission request afresh, so a changed policy applies at once and nothing granted
    # by an older version lingers on disk.
    builder.setPersistentPermissionsPolicy(QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
    if extra_ca_file is not None:
        from PySide6.QtNetwork import QSslCertificate  # only for a private CA: its Qt type costs start-up time

        certificates = QSslCertificate.fromPath(str(extra_ca_file))
        builder.setAdditionalTrustedCertificates(certificates)
        log.info("trusting %d extra CA certificate(s) from %s", len(certificates), extra_ca_file)
    profile = builder.createProfile(name, parent)
    log.info("web profile %r at %s", name, storage)
    return profile
