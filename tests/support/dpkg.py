"""Which installed Debian package owns a library, as dpkg knows it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def loader_cache() -> dict[str, str]:
    """soname -> path, from the dynamic loader's cache (this machine's own word size: 64-bit entries on a
    64-bit system, where 32-bit ones may be listed as well)."""
    cache = subprocess.run(["ldconfig", "-p"], check=True, capture_output=True, text=True).stdout
    entries = re.findall(r"^\s+(\S+) \((libc6[^)]*)\) => (\S+)$", cache, re.MULTILINE)
    wide = [(name, path) for name, kind, path in entries if "64" in kind]
    return dict(wide or [(name, path) for name, _, path in entries])


def dpkg_owner(path: str) -> str:
    """The package that installed ``path`` (or its target), trying both sides of the /usr merge, or ''."""
    resolved = str(Path(path).resolve())
    candidates = [path, resolved]
    for name in (path, resolved):
        candidates.append(name[4:] if name.startswith("/usr/") else "/usr" + name)
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0]
    return ""
