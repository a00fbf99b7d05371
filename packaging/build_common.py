"""What the build steps share: the app id and version, and whether the bundle is older than its sources."""

from __future__ import annotations

import re
from pathlib import Path

APP_ID = "embeddable-desktop"
APP_NAME = "Embeddable Desktop"
#: Reverse-DNS id: AppStream component id, macOS bundle id and policy domain (the policy reader uses it too).
BUNDLE_ID = "com.embeddabledesktop.app"
SUMMARY = "Desktop softphone for the RingCentral Embeddable web phone"
HOMEPAGE = "https://github.com/ringcentral/ringcentral-embeddable"
MAINTAINER = "Embeddable Desktop team <embeddable-desktop@users.noreply.github.com>"
INSTALL_DIR = Path("/opt") / APP_ID
#: The long description of the .deb and the .rpm (the AppStream metainfo has its own, with a list).
DESCRIPTION = (
    "Embeddable Desktop runs the RingCentral Embeddable web phone in its own window, signed in through the "
    "system browser (OAuth with PKCE), with a tray icon, desktop notifications for calls, click-to-dial for "
    "tel:, callto: and sms: links, and settings that IT can lock by policy (/etc/embeddable-desktop/)."
)
ELF_MAGIC = b"\x7fELF"


def is_elf(path: Path) -> bool:
    """An ELF file (program or library), judged by its first four bytes."""
    with path.open("rb") as file:
        return file.read(4) == ELF_MAGIC


def version(root: Path) -> str:
    """The app version, read from the package without importing it (the build may run anywhere)."""
    text = (root / "desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise SystemExit("build: no __version__ in desktop/__init__.py")
    return match.group(1)


def bundle_is_stale(bundle: Path, root: Path) -> bool:
    """True when the bundle is missing or any source it is built from changed after it."""
    executable = bundle / APP_ID
    if not executable.exists():
        return True
    built = executable.stat().st_mtime
    sources = [root / "pyproject.toml", root / "packaging" / "embeddable-desktop.spec"]
    for folder in (root / "desktop", root / "resources"):
        sources += [path for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    return any(path.stat().st_mtime > built for path in sources)
