"""Client secret and JWT in the OS keychain (``keyring``), one keychain service per environment.

The values never go to the settings file, the command line or a log: ``desktop.cli.secrets`` reads them
from stdin or a hidden prompt, this module checks them and hands them to the keychain. Every keychain call
runs in a daemon thread with a time limit, because a locked Secret Service can wait for an unlock prompt
forever, and every failure becomes one sentence for a person (``SecretsUnavailable``), never a traceback.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from desktop.core.errors import LauncherError

log = logging.getLogger("desktop.secrets")

CLIENT_SECRET = "client_secret"
JWT = "jwt"
SECRET_NAMES = (CLIENT_SECRET, JWT)
MAX_LENGTHS = {CLIENT_SECRET: 2_000, JWT: 8_000}
#: Windows Credential Manager keeps at most 2,560 bytes per password (CRED_MAX_CREDENTIAL_BLOB_SIZE), and
#: keyring stores the password as UTF-16, so 1,280 characters of the Basic Multilingual Plane.
WINDOWS_MAX_BYTES = 2_560
DEFAULT_TIMEOUT = 10.0
ENV_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_WINDOWS = "keyring.backends.Windows.WinVaultKeyring"
_CHAINER = "keyring.backends.chainer.ChainerBackend"
_LABELS = {
    "keyring.backends.SecretService.Keyring": "SecretService Keyring",
    "keyring.backends.libsecret.Keyring": "libsecret (Secret Service)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    _WINDOWS: "Windows Credential Manager",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.fail.Keyring": "no keychain (keyring's fail backend)",
    "keyring.backends.null.Keyring": "no keychain (keyring's null backend)",
}
# The null backend forgets everything silently and the fail backend refuses everything.
_NO_KEYCHAIN = {"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"}
# keyrings.alt's plaintext file is picked automatically wherever keyrings.alt is installed and no system
# keychain answers (a test venv, a headless box); a secret in a plain file is what this module exists to avoid.
_PLAINTEXT = {"keyrings.alt.file.PlaintextKeyring"}

T = TypeVar("T")


class SecretsUnavailable(LauncherError):
    """The keychain is missing, locked, silent or refused the operation; the message says what to do."""

    title = "Secrets unavailable"


class SecretInputError(LauncherError, ValueError):
    """A secret name, value or environment name is unusable; the message names it, never the value."""

    title = "Invalid secret"


def service_name(env: str) -> str:
    """The keychain service of one environment; the keychain "username" is the secret name."""
    if not ENV_NAME.fullmatch(env):
        raise SecretInputError(
            f"Environment name {env!r} is invalid: use 1 to 40 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit."
        )
    return f"embeddable-desktop/{env}"


def check_name(name: str) -> None:
    if name not in SECRET_NAMES:
        raise SecretInputError(f"Unknown secret {name!r}: use one of {', '.join(SECRET_NAMES)}.")


def check_value(name: str, value: str) -> None:
    """Refuse a value that cannot be what RingCentral issued; messages name the secret, not the value."""
    check_name(name)
    if not value:
        raise SecretInputError(f"{name} is empty.")
    if value != value.strip():
        raise SecretInputError(f"{name} starts or ends with spaces or line breaks; enter it exactly as issued.")
    if _CONTROL.search(value):
        raise SecretInputError(f"{name} contains a line break or another control character.")
    limit = MAX_LENGTHS[name]
    if len(value) > limit:
        raise SecretInputError(f"{name} is {len(value):,} characters long; at most {limit:,} are accepted.")
    if name == JWT:
        _check_jwt(value)


def _check_jwt(value: str) -> None:
    parts = value.split(".")
    if len(parts) != 3 or not all(_BASE64URL.fullmatch(part) for part in parts):
        raise SecretInputError(
            "jwt is not a JWT: expected three base64url parts separated by dots (header.payload.signature)."
        )
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except ValueError:  # binascii.Error, UnicodeDecodeError and JSONDecodeError are all ValueErrors
        header = None
    if not isinstance(header, dict):
        raise SecretInputError("jwt is not a JWT: its first part is not a base64url-encoded JSON header.")


def windows_limit_problem(name: str, value: str) -> str | None:
    """Why Windows Credential Manager cannot hold ``value``, or None when it fits."""
    size = len(value.encode("utf-16-le"))
    if size <= WINDOWS_MAX_BYTES:
        return None
    problem = (
        f"{name} is {len(value):,} characters ({size:,} bytes as UTF-16), but Windows Credential Manager holds "
        f"at most {WINDOWS_MAX_BYTES:,} bytes (1,280 characters) per secret."
    )
    advice = "A JWT can be longer than that: create one with fewer claims, or store it" if name == JWT else "Store it"
    return f"{problem} {advice} with another keyring backend (PYTHON_KEYRING_BACKEND)."


def no_keychain_message(platform: str = sys.platform) -> str:
    if platform in {"win32", "darwin"}:
        system = "Windows Credential Manager" if platform == "win32" else "the macOS Keychain"
        return (
            f"No usable keychain was found, although {system} should always be there: check that neither "
            "PYTHON_KEYRING_BACKEND nor keyring's keyringrc.cfg selects keyring's null or fail backend."
        )
    return (
        "No usable keychain was found. Install and unlock GNOME Keyring or KWallet (any Secret Service "
        "provider), or run `pip install keyrings.alt pycryptodomex` for an encrypted file backend and set "
        "PYTHON_KEYRING_BACKEND=keyrings.alt.file.EncryptedKeyring."
    )


def _kinds(backend: KeyringBackend) -> set[str]:
    # The whole class hierarchy, so subclasses (KWallet 4, a custom null) are recognised as their base.
    return {f"{cls.__module__}.{cls.__qualname__}" for cls in type(backend).__mro__}


def _chain(backend: KeyringBackend) -> list[KeyringBackend]:
    """The backends that actually answer: the chained ones (highest priority first) or the backend itself."""
    if _CHAINER in _kinds(backend):
        return list(cast(Any, backend).backends)
    return [backend]


def describe_backend(backend: KeyringBackend) -> str:
    """A name a person recognises ("macOS Keychain"), else the backend's class name."""
    chain = _chain(backend)
    if chain != [backend]:
        return " + ".join(describe_backend(inner) for inner in chain) or _LABELS["keyring.backends.null.Keyring"]
    kinds = _kinds(backend)
    return next((label for ident, label in _LABELS.items() if ident in kinds), type(backend).__name__)


def _usable(backend: KeyringBackend) -> KeyringBackend:
    """The backend that receives writes, after refusing a missing keychain and a plaintext file."""
    chain = _chain(backend)
    if not chain or _kinds(chain[0]) & _NO_KEYCHAIN:
        raise SecretsUnavailable(no_keychain_message())
    if _kinds(chain[0]) & _PLAINTEXT:
        raise SecretsUnavailable(
            f"The keyring backend is {type(chain[0]).__name__}, which keeps secrets unencrypted in a file; "
            "Embeddable Desktop does not store secrets there.",
            help_hint="Use the system keychain, or keyrings.alt's EncryptedKeyring (PYTHON_KEYRING_BACKEND).",
        )
    return chain[0]


def _explain(exc: BaseException, what: str, label: str, value: str | None) -> SecretsUnavailable:
    if isinstance(exc, keyring.errors.NoKeyringError):
        return SecretsUnavailable(no_keychain_message())
    if isinstance(exc, keyring.errors.KeyringLocked):
        return SecretsUnavailable(f"The keychain ({label}) is locked: unlock it and try again.")
    detail = " ".join(str(exc).split())[:200]
    if value:
        detail = detail.replace(value, "[redacted]")
    detail = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    # Besides keyring's own errors (PasswordSetError, InitError, ...) come those of the backend's libraries
    # (D-Bus, pywin32) and of a keyring configuration naming a backend that cannot load.
    hint = None if isinstance(exc, keyring.errors.KeyringError) else "Check PYTHON_KEYRING_BACKEND and keyringrc.cfg."
    return SecretsUnavailable(f"{label} failed while {what} ({detail}).", help_hint=hint)


class SecretStore:
    """The secrets of every environment, in whatever keychain ``keyring`` uses (``keyring.get_keyring()``)."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.timeout = timeout

    def get(self, env: str, name: str) -> str | None:
        service = service_name(env)
        check_name(name)

        def read(backend: KeyringBackend) -> str | None:
            _usable(backend)
            return backend.get_password(service, name)

        return self._call(f"reading {name} for {env}", read)

    def set(self, env: str, name: str, value: str) -> None:
        """Store ``value`` after checking it; read it back, because some backends drop writes silently."""
        service = service_name(env)
        check_value(name, value)

        def store(backend: KeyringBackend) -> str:
            writer = _usable(backend)
            problem = windows_limit_problem(name, value) if _WINDOWS in _kinds(writer) else None
            if problem:
                raise SecretInputError(problem)
            backend.set_password(service, name, value)
            if backend.get_password(service, name) != value:
                raise SecretsUnavailable(f"{describe_backend(backend)} accepted {name} for {env} but did not keep it.")
            return describe_backend(backend)

        label = self._call(f"saving {name} for {env}", store, value)
        log.info("saved %s for %s in %s", name, env, label)

    def delete(self, env: str, name: str) -> bool:
        """Remove one secret; False when there was none."""
        service = service_name(env)
        check_name(name)

        def remove(backend: KeyringBackend) -> bool:
            _usable(backend)
            # Backends report a missing entry as a PasswordDeleteError, like any other failure to delete.
            if backend.get_password(service, name) is None:
                return False
            backend.delete_password(service, name)
            return True

        deleted = self._call(f"deleting {name} for {env}", remove)
        if deleted:
            log.info("deleted %s for %s", name, env)
        return deleted

    def status(self, env: str) -> dict[str, bool]:
        """Which secrets exist for ``env``, without returning their values."""
        service = service_name(env)

        def look(backend: KeyringBackend) -> dict[str, bool]:
            _usable(backend)
            return {name: backend.get_password(service, name) is not None for name in SECRET_NAMES}

        return self._call(f"reading the secrets for {env}", look)

    def backend_name(self) -> str:
        return self._call("opening the keychain", describe_backend)

    def _call(self, what: str, op: Callable[[KeyringBackend], T], value: str | None = None) -> T:
        """Run ``op`` on the current backend in a daemon thread, giving up after ``timeout`` seconds.

        A daemon thread rather than an executor: an executor's threads are joined at interpreter exit, so a
        keychain call that never returns would keep the process alive after giving up on it.
        """
        box: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            try:
                backend = keyring.get_keyring()  # the first call detects backends, which can block too
                box["label"] = describe_backend(backend)
                box["result"] = op(backend)
            except BaseException as exc:  # handed to the caller's thread below
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="keychain-call", daemon=True).start()
        if not done.wait(self.timeout):
            log.info("the keychain did not answer within %g s while %s", self.timeout, what)
            raise SecretsUnavailable(
                f"The keychain did not answer within {self.timeout:g} s while {what} "
                "(it may be waiting for an unlock prompt)."
            )
        error = box.get("error")
        if isinstance(error, LauncherError):
            raise error
        if error is not None:
            label = box.get("label", "The keychain")
            log.info("the keychain failed while %s: %s", what, type(error).__name__)
            raise _explain(error, what, label, value) from None
        return cast(T, box["result"])
