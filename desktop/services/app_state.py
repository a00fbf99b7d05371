"""Small flags the app remembers between runs, per environment (``<data dir>/state.json``).

Not settings (a person never edits these): that the JWT warning was shown, that the service user signed
out. Written atomically; an unreadable file is logged and treated as empty, since it holds nothing a
person wrote.
"""

from __future__ import annotations

import logging
from pathlib import Path

from desktop.services.settings_files import read_own_json, write_json_atomic

log = logging.getLogger("desktop.state")

JWT_WARNED = "jwt_warned"  # the "everyone is the same user" warning was shown for these environments
JWT_SIGNED_OUT = "jwt_signed_out"  # the service user signed out here: do not pass the JWT until asked


class AppState:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._flags: dict[str, list[str]] = self._read()

    def _read(self) -> dict[str, list[str]]:
        data = read_own_json(self._path, log)
        return {k: [e for e in v if isinstance(e, str)] for k, v in data.items() if isinstance(v, list)}

    def has(self, flag: str, env: str) -> bool:
        return env in self._flags.get(flag, [])

    def set(self, flag: str, env: str, on: bool) -> None:
        envs = [e for e in self._flags.get(flag, []) if e != env] + ([env] if on else [])
        if envs == self._flags.get(flag, []):
            return
        self._flags[flag] = envs
        write_json_atomic(self._path, self._flags)
