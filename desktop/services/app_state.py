"""Small flags the app remembers between runs, per environment (``<data dir>/state.json``).

Not settings (a person never edits these): that the JWT warning was shown, that the service user signed
out. Written atomically; an unreadable file is logged and treated as empty, since it holds nothing a
person wrote.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from desktop.services.settings_files import read_own_json, write_json_atomic

log = logging.getLogger("desktop.state")

JWT_WARNED = "jwt_warned"  # the "everyone is the same user" warning was shown for these environments
JWT_SIGNED_OUT = "jwt_signed_out"  # the service user signed out here: do not pass the JWT until asked
TRAY_NOTICE_SHOWN = "tray_notice_shown"  # "still running in the tray" was said once (environment "all")


#: One lock for every read-modify-write of a state file in this process (several windows, the tray and the
#: service user each hold an AppState on the same file).
_WRITE_LOCK = threading.Lock()


class AppState:
    """A view of ``state.json``. It keeps no copy: each read goes to the file and each change is a
    read-modify-write under one lock, so two holders never write back each other's stale flags."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def _read(self) -> dict[str, list[str]]:
        data = read_own_json(self._path, log)
        return {k: [e for e in v if isinstance(e, str)] for k, v in data.items() if isinstance(v, list)}

    def has(self, flag: str, env: str) -> bool:
        return env in self._read().get(flag, [])

    def set(self, flag: str, env: str, on: bool) -> None:
        with _WRITE_LOCK:
            flags = self._read()
            envs = [e for e in flags.get(flag, []) if e != env] + ([env] if on else [])
            if envs == flags.get(flag, []):
                return
            flags[flag] = envs
            write_json_atomic(self._path, flags)
