"""Secrets in the keychain: real keyring backends only (keyrings.alt's encrypted file under tmp_path,
keyring's own fail and null backends, and small backends written here that hang or refuse)."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import pty
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from jaraco.classes.properties import classproperty
from keyring.backend import KeyringBackend
from keyring.backends.Windows import WinVaultKeyring
from keyrings.alt.file import EncryptedKeyring, PlaintextKeyring

from desktop.cli.secrets import main, value_from_stdin
from desktop.core.errors import LauncherError
from desktop.services.secrets import (
    SECRET_NAMES,
    SecretInputError,
    SecretStore,
    SecretsUnavailable,
    check_value,
    describe_backend,
    no_keychain_message,
    service_name,
    windows_limit_problem,
)
from tests.support.keychain import encrypted_file_backend, use_backend

ROOT = Path(__file__).resolve().parents[2]
CLIENT_SECRET = "cs-Zq8vN3xK7pLw2RtY"


def make_jwt(payload_size: int = 40) -> str:
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    return f"{header}.{part(b'p' * payload_size)}.{part(b'signature-bytes-for-tests')}"


JWT = make_jwt()


@pytest.fixture(autouse=True)
def settings_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The settings the ``secrets`` command reads (it checks the environment against them) and this
    machine's policy are replaced by files in the test's folder; both environments use secrets."""
    from desktop.services import policy_sources

    monkeypatch.setattr(policy_sources, "LINUX_POLICY_FILE", tmp_path / "no-policy.json")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("EMBEDDABLE_DESKTOP_ENVIRONMENT", raising=False)
    folder = tmp_path / "config" / "embeddable-desktop"
    folder.mkdir(parents=True)
    (folder / "settings.json").write_text(json.dumps({"environments.sandbox.auth_mode": "jwt",
                                                      "environments.production.auth_mode": "authorization_code"}))
    return folder


class TestOnlyBackend(KeyringBackend):
    """A real backend that keyring's detection skips (not viable), so only the test that sets it sees it."""

    @classproperty
    def priority(cls) -> float:
        raise RuntimeError("only for tests")


class HangingKeyring(TestOnlyBackend):
    """Answers nothing until released, like a Secret Service waiting for an unlock prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)


class RefusingKeyring(TestOnlyBackend):
    """Raises the given error on every call, as a locked or broken keychain does."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"cannot store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


@pytest.fixture(autouse=True)
def isolated_keyring_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """keyring's own config and data roots point into tmp_path, so nothing reads or writes the real ones."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def keychain(tmp_path: Path) -> Iterator[EncryptedKeyring]:
    backend = encrypted_file_backend(tmp_path / "crypted_pass.cfg")
    with use_backend(backend):
        yield backend


@pytest.fixture
def hanging() -> Iterator[HangingKeyring]:
    backend = HangingKeyring()
    with use_backend(backend):
        yield backend
    backend.release.set()  # lets the abandoned keychain threads finish


def run_cli(argv: list[str], stdin: str = "", **kwargs: float) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


# --- the store on a real encrypted file keychain ---------------------------------------------------------


def test_round_trip_per_environment(keychain: EncryptedKeyring, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = SecretStore()
    assert store.status("production") == {"client_secret": False, "jwt": False}
    store.set("production", "client_secret", CLIENT_SECRET)
    store.set("sandbox", "jwt", JWT)
    store.set("custom-1a2b3c4d5e", "jwt", make_jwt(60))

    assert store.get("production", "client_secret") == CLIENT_SECRET
    assert store.get("production", "jwt") is None
    assert store.get("sandbox", "jwt") == JWT
    assert store.get("sandbox", "client_secret") is None
    assert store.status("production") == {"client_secret": True, "jwt": False}
    assert store.status("sandbox") == {"client_secret": False, "jwt": True}
    assert keyring.get_password("embeddable-desktop/sandbox", "jwt") == JWT  # the documented layout

    assert store.delete("sandbox", "jwt") is True
    assert store.delete("sandbox", "jwt") is False
    assert store.get("custom-1a2b3c4d5e", "jwt") == make_jwt(60)
    assert store.status("sandbox") == {"client_secret": False, "jwt": False}
    assert store.backend_name() == "EncryptedKeyring"

    file_text = Path(keychain.file_path).read_text(encoding="utf-8")
    assert CLIENT_SECRET not in file_text and JWT not in file_text
    assert CLIENT_SECRET not in caplog.text and JWT not in caplog.text
    assert any("saved jwt for sandbox" in r.getMessage() for r in caplog.records)


def test_service_names_and_environment_names() -> None:
    assert service_name("production") == "embeddable-desktop/production"
    assert service_name("custom-1a2b3c4d5e") == "embeddable-desktop/custom-1a2b3c4d5e"
    assert SECRET_NAMES == ("client_secret", "jwt")
    for bad in ("", "Prod", "-x", "a" * 41, "a/b", "prod\n"):
        with pytest.raises(SecretInputError):
            service_name(bad)


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("client_secret", "", "empty"),
        ("client_secret", " cs-Zq8vN3xK7pLw2RtY", "spaces"),
        ("client_secret", "cs-Zq8vN3xK7pLw2RtY\n", "spaces or line breaks"),
        ("client_secret", "cs-Zq8vN3\nxK7pLw2RtY", "control character"),
        ("client_secret", "c" * 2_001, "2,001 characters"),
        ("jwt", "only.two-parts", "three base64url parts"),
        ("jwt", "abc.d+f.ghi", "three base64url parts"),
        ("jwt", "abc..ghi", "three base64url parts"),
        ("jwt", "bm90LWpzb24.cGF5bG9hZA.c2ln", "JSON header"),
        ("jwt", make_jwt(6_200), "at most 8,000"),
    ],
)
def test_invalid_values_are_refused_by_name(keychain: EncryptedKeyring, name: str, value: str, fragment: str) -> None:
    with pytest.raises(SecretInputError) as info:
        SecretStore().set("production", name, value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, LauncherError)
    message = str(info.value)
    assert name in message and fragment in message
    assert not value.strip() or value.strip() not in message
    assert SecretStore().status("production") == {"client_secret": False, "jwt": False}


def test_the_longest_accepted_values() -> None:
    check_value("client_secret", "c" * 2_000)
    check_value("jwt", make_jwt(5_900))
    with pytest.raises(SecretInputError, match="Unknown secret"):
        check_value("password", "x")


# --- the command line --------------------------------------------------------------------------------------


def test_cli_reads_stdin_and_never_echoes(keychain: EncryptedKeyring, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    code, out, err = run_cli(["set", "jwt", "--env", "sandbox"], stdin=JWT + "\n")
    assert (code, err) == (0, "")
    assert "Saved jwt for sandbox in EncryptedKeyring" in out
    code, out, err = run_cli(["secrets", "set", "client_secret"], stdin=CLIENT_SECRET + "\r\n")
    assert code == 0, err
    assert SecretStore().get("sandbox", "jwt") == JWT
    assert SecretStore().get("production", "client_secret") == CLIENT_SECRET

    code, out, err = run_cli(["status", "--env", "sandbox"])
    assert code == 0
    assert out.splitlines() == ["environment: sandbox", "keychain: EncryptedKeyring", "client_secret: not set",
                                "jwt: set"]
    code, out, err = run_cli(["delete", "jwt", "--env", "sandbox"])
    assert (code, out) == (0, "Deleted jwt for sandbox.\n")
    code, out, err = run_cli(["delete", "jwt", "--env", "sandbox"])
    assert code == 0 and "nothing to delete" in out
    for text in (out, err, caplog.text):
        assert JWT not in text and CLIENT_SECRET not in text


def test_value_from_stdin_drops_one_line_break_only() -> None:
    assert value_from_stdin("abc\n") == "abc"
    assert value_from_stdin("abc\r\n") == "abc"
    assert value_from_stdin("abc\n\n") == "abc\n"
    assert value_from_stdin("abc") == "abc"


def test_cli_refuses_an_invalid_value_without_showing_it(keychain: EncryptedKeyring) -> None:
    code, out, err = run_cli(["set", "jwt"], stdin="not-a-jwt-Zq8vN3xK7\n")
    assert code == 1 and out == ""
    assert err.startswith("embeddable-desktop: error: jwt is not a JWT") and err.count("\n") == 1
    assert "not-a-jwt-Zq8vN3xK7" not in err


@pytest.mark.parametrize(
    "argv",
    [[], ["set"], ["set", "password"], ["status", "--env", "Prod"], ["delete"], ["set", "jwt", JWT], ["lock"]],
)
def test_cli_usage_errors_exit_2(keychain: EncryptedKeyring, argv: list[str]) -> None:
    code, out, err = run_cli(argv)
    assert code == 2 and "usage:" in err
    assert SecretStore().status("production") == {"client_secret": False, "jwt": False}


#: Start of a script that runs the secrets CLI in its own process over a keychain file given as argv[1].
CLI_WITH_FILE_KEYCHAIN = (
        "import sys, keyring\n"
        "from keyrings.alt.file import EncryptedKeyring\n"
        "from desktop.cli.secrets import main\n"
        "b = EncryptedKeyring(); b.file_path = sys.argv[1]; b.keyring_key = 'k'\n"
        "keyring.set_keyring(b)\n"
)


def test_cli_hidden_prompt_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal the value is typed at a getpass prompt, which the terminal does not echo."""
    script = CLI_WITH_FILE_KEYCHAIN + (
        "code = main(['set', 'client_secret'])\n"
        "print('exit', code, 'stored', keyring.get_password('embeddable-desktop/production', 'client_secret')"
        " == 'cs-Zq8vN3xK7pLw2RtY')\n"
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child has the pty as its controlling terminal, as in a shell
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-c", script, str(tmp_path / "crypted.cfg")])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    output, typed = b"", False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # poll, not select: after the window tests this process may hold more than FD_SETSIZE (1024) descriptors.
        if not poller.poll(1000):
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if not typed and b"(input hidden)" in output:
            os.write(fd, CLIENT_SECRET.encode() + b"\n")
            typed = True
    os.waitpid(pid, 0)
    os.close(fd)
    text = output.decode(errors="replace")
    assert "client_secret for production (input hidden):" in text
    assert "exit 0 stored True" in text
    assert CLIENT_SECRET not in text


def test_cli_as_a_process_reads_a_pipe(tmp_path: Path) -> None:
    script = CLI_WITH_FILE_KEYCHAIN + (
        "sys.exit(main(sys.argv[2:]))\n"
    )
    path = str(tmp_path / "crypted.cfg")
    done = subprocess.run([sys.executable, "-c", script, path, "set", "jwt"], input=JWT, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert JWT not in done.stdout + done.stderr
    status = subprocess.run([sys.executable, "-c", script, path, "status"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert "jwt: set" in status.stdout


def test_cli_as_a_process_without_a_keychain_prints_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = subprocess.run([sys.executable, "-m", "desktop.cli.secrets", "set", "client_secret"], input=CLIENT_SECRET,
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("embeddable-desktop: error: No usable keychain was found")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


# --- no keychain, a plaintext file, a hanging or refusing keychain -------------------------------------------


@pytest.mark.parametrize("backend_class", [keyring.backends.fail.Keyring, keyring.backends.null.Keyring])
def test_no_usable_keychain(backend_class: type[KeyringBackend], caplog: pytest.LogCaptureFixture) -> None:
    with use_backend(backend_class()):
        store = SecretStore()
        for call in (lambda: store.set("production", "jwt", JWT), lambda: store.get("production", "jwt"),
                     lambda: store.status("sandbox"), lambda: store.delete("production", "client_secret")):
            with pytest.raises(SecretsUnavailable, match="No usable keychain was found") as info:
                call()
            assert info.value.title == "Secrets unavailable"
        assert store.backend_name().startswith("no keychain")
        code, out, err = run_cli(["set", "jwt"], stdin=JWT)
        assert code == 1 and out == ""
        assert err.startswith("embeddable-desktop: error: No usable keychain was found")
        assert err.count("\n") == 1 and "Traceback" not in err and JWT not in err + caplog.text
        code, out, err = run_cli(["status"])
        assert code == 1 and "No usable keychain" in err


def test_no_keychain_advice_per_platform() -> None:
    linux = no_keychain_message("linux")
    assert "GNOME Keyring" in linux and "KWallet" in linux and "keyrings.alt" in linux
    assert "PYTHON_KEYRING_BACKEND" in linux
    assert "Windows Credential Manager should always be there" in no_keychain_message("win32")
    assert "macOS Keychain should always be there" in no_keychain_message("darwin")


def test_a_plaintext_file_is_refused(tmp_path: Path) -> None:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    with use_backend(backend), pytest.raises(SecretsUnavailable, match="unencrypted"):
        SecretStore().set("production", "client_secret", CLIENT_SECRET)
    assert not (tmp_path / "keyring_pass.cfg").exists()


def test_a_hanging_keychain_times_out(hanging: HangingKeyring, caplog: pytest.LogCaptureFixture) -> None:
    store = SecretStore(timeout=0.5)
    started = time.monotonic()
    with pytest.raises(SecretsUnavailable) as info:
        store.set("production", "client_secret", CLIENT_SECRET)
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 2.0
    assert "did not answer within 0.5 s" in str(info.value) and "unlock prompt" in str(info.value)

    started = time.monotonic()
    code, out, err = run_cli(["set", "client_secret"], stdin=CLIENT_SECRET, timeout=0.5)
    assert time.monotonic() - started < 2.0
    assert code == 1 and out == ""
    assert err == ("embeddable-desktop: error: The keychain did not answer within 0.5 s while saving client_secret "
                   "for production (it may be waiting for an unlock prompt).\n")
    assert CLIENT_SECRET not in caplog.text


def test_a_locked_keychain() -> None:
    locked = RefusingKeyring(keyring.errors.KeyringLocked("Failed to unlock the collection!"))
    expected = r"The keychain \(RefusingKeyring\) is locked: unlock it and try again\.$"
    with use_backend(locked), pytest.raises(SecretsUnavailable, match=expected):
        SecretStore().get("production", "jwt")


@pytest.mark.parametrize("error", [keyring.errors.InitError("no collection"), OSError("D-Bus went away")])
def test_keychain_errors_name_the_backend_and_hide_the_value(error: Exception) -> None:
    with use_backend(RefusingKeyring(error)):
        with pytest.raises(SecretsUnavailable) as info:
            SecretStore().status("production")
        assert str(info.value).startswith("RefusingKeyring failed while reading the secrets for production (")
        assert str(error) in str(info.value)
        with pytest.raises(SecretsUnavailable) as info:
            SecretStore().set("production", "client_secret", CLIENT_SECRET)
        assert "PasswordSetError: cannot store [redacted]" in str(info.value)
        assert CLIENT_SECRET not in str(info.value)
        assert info.value.__cause__ is None and info.value.__suppress_context__


# --- Windows Credential Manager's size limit ----------------------------------------------------------------


def test_windows_limit_check() -> None:
    assert windows_limit_problem("client_secret", "c" * 1_280) is None
    problem = windows_limit_problem("client_secret", "c" * 1_281)
    assert problem is not None and "client_secret is 1,281 characters (2,562 bytes" in problem
    assert "at most 2,560 bytes (1,280 characters)" in problem
    # Outside the Basic Multilingual Plane a character takes four bytes in UTF-16.
    assert windows_limit_problem("client_secret", "\U0001f511" * 641) is not None
    jwt_problem = windows_limit_problem("jwt", make_jwt(1_500))
    assert jwt_problem is not None and "A JWT can be longer than that" in jwt_problem
    assert windows_limit_problem("jwt", JWT) is None


def test_the_store_applies_the_windows_limit_before_writing() -> None:
    assert describe_backend(WinVaultKeyring()) == "Windows Credential Manager"
    # Refused before any Windows call, so this runs on every platform.
    with use_backend(WinVaultKeyring()), pytest.raises(SecretInputError, match="Credential Manager holds at most"):
        SecretStore().set("production", "jwt", make_jwt(1_500))
