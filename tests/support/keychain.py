"""A real keychain for tests: keyrings.alt's encrypted file backend, kept under a test's temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyrings.alt.file import EncryptedKeyring


@contextmanager
def use_backend(backend: KeyringBackend) -> Iterator[None]:
    """The backend for one test; keyring's previous one comes back afterwards."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def encrypted_file_backend(path: Path) -> EncryptedKeyring:
    backend = EncryptedKeyring()
    backend.file_path = str(path)  # instance attributes replace its default path and its password prompt
    backend.keyring_key = "keyring-file-password"
    return backend
