"""This installation's own state: effective settings and policy, keychain, sign-in port, data folders, log.

Never a secret's value: the keychain check says only whether each secret of the environment exists, and the
settings hold none (secrets live in the keychain). The log lines are redacted once more on the way out.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
from collections.abc import Sequence
from pathlib import Path

from desktop.core.findings import Finding, Status
from desktop.core.settings import Resolution
from desktop.services.logs import redact

SETTINGS = "Settings"
SECRETS = "Keychain"
SIGN_IN = "Sign-in"
FOLDERS = "Data folders"
LOG = "Recent log problems"
#: Below this much free space the web profile's storage (the session) is at risk.
LOW_DISK_BYTES = 500 * 1024 * 1024


def settings(resolution: Resolution | None, settings_path: Path, problems: Sequence[str]) -> list[Finding]:
    """Every effective value with its source, the policy source, and whatever stops the app from starting."""
    found = [Finding(SETTINGS, "settings file", Status.INFO, str(settings_path))]
    found += [Finding(SETTINGS, "problem", Status.FAILED, problem) for problem in problems]
    if resolution is None:
        return found
    found.append(Finding(SETTINGS, "IT policy", Status.INFO, resolution.policy.source))
    for value in resolution.shown():
        reason = resolution.lock_reason(value.key)
        locked = "" if reason is None else f", locked: {reason}"
        found.append(Finding(SETTINGS, value.key, Status.INFO, f"{json.dumps(value.value)} ({value.source}{locked})"))
    for key in resolution.missing_required():
        found.append(Finding(SETTINGS, key, Status.FAILED, "required by IT policy but not set"))
    return found


def keychain(env: str, auth_mode: str, timeout: float) -> list[Finding]:
    """The keychain backend and which of the environment's secrets exist (never their values)."""
    from desktop.core.errors import LauncherError
    from desktop.services.secrets import SecretStore

    store = SecretStore(timeout=timeout)
    try:
        status = store.status(env)
        backend = store.backend_name()
    except LauncherError as exc:
        level = Status.INFO if auth_mode == "pkce" else Status.FAILED
        return [Finding(SECRETS, "keychain", level, " ".join(str(exc).split()))]
    found = [Finding(SECRETS, "keychain", Status.OK, backend)]
    for name, present in status.items():
        if auth_mode == "pkce":
            found.append(Finding(SECRETS, name, Status.INFO, f"{'stored' if present else 'not set'} (not used: "
                                 f"{env} signs in through the browser)"))
        else:
            found.append(Finding(SECRETS, name, Status.OK if present else Status.WARNING,
                                 "stored" if present else f"not set (auth_mode {auth_mode} may need it)"))
    return found


def sign_in_port(port: int) -> Finding:
    """Whether the loopback sign-in listener could bind its port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return Finding(SIGN_IN, "sign-in port", Status.WARNING, f"127.0.0.1:{port} is in use: another "
                               "program holds it, or this app is waiting for a sign-in right now")
            return Finding(SIGN_IN, "sign-in port", Status.FAILED, f"127.0.0.1:{port} cannot be used ({exc.strerror})")
    return Finding(SIGN_IN, "sign-in port", Status.OK, f"127.0.0.1:{port} is free")


def folder_sizes(data_dir: Path) -> list[Finding]:
    """Size of each part of the data folder, and the free space on its disk."""
    if not data_dir.is_dir():
        return [Finding(FOLDERS, "data folder", Status.INFO, f"{data_dir} (not created yet)")]
    found = [Finding(FOLDERS, "data folder", Status.INFO, str(data_dir))]
    for child in sorted(data_dir.iterdir()):
        found.append(Finding(FOLDERS, child.name, Status.INFO, _mib(_size(child))))
    free = shutil.disk_usage(data_dir).free
    low = free < LOW_DISK_BYTES
    found.append(Finding(FOLDERS, "free space", Status.WARNING if low else Status.OK,
                         _mib(free) + (" (low: the session's storage may fail to save)" if low else "")))
    return found


def _size(path: Path) -> int:
    if not path.is_dir():
        return path.lstat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue  # a file Chromium removed meanwhile
    return total


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def recent_problems(log_file: Path, count: int = 10) -> list[Finding]:
    """The last ``count`` warnings and errors of the log (the current file, then the last rotated one)."""
    lines: list[str] = []
    for path in (log_file.with_name(log_file.name + ".1"), log_file):
        try:
            lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
    problems = [line for line in lines if " WARNING " in line or " ERROR " in line or " CRITICAL " in line]
    if not problems:
        return [Finding(LOG, "log", Status.OK, f"no warnings or errors in {log_file}")]
    return [Finding(LOG, "log", Status.INFO, f"{log_file}: the last {min(count, len(problems))} of "
                    f"{len(problems)} warnings and errors")] + [
        Finding(LOG, "line", Status.INFO, redact(line[:400])) for line in problems[-count:]]
