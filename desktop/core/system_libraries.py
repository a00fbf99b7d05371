"""Which shared libraries an ELF file needs, and what to tell a person when some are missing.

Qt aborts with a paragraph about "platform plugins" when its window-system plugin cannot load (typically
``libxcb-cursor0`` and friends missing on a minimal Linux). The app checks first and says instead, in one
line, which libraries are missing and which packages provide them. This module is the pure part: reading
``DT_NEEDED``/``DT_RUNPATH`` from ELF bytes and naming Debian packages; the file system and the dynamic
loader are in ``desktop.services.qt_platform``.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

_DT_NEEDED, _DT_RPATH, _DT_RUNPATH = 1, 15, 29
_SHT_DYNAMIC = 6

#: Debian/Ubuntu packages whose names do not follow the soname rule (Debian policy 8.1).
_PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0", "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgcc_s.so.1": "libgcc-s1", "libz.so.1": "zlib1g", "libc.so.6": "libc6", "libm.so.6": "libc6",
    "libharfbuzz.so.0": "libharfbuzz0b", "libnspr4.so": "libnspr4", "libsmime3.so": "libnss3",
    "libnssutil3.so": "libnss3", "libxcb-util.so.1": "libxcb-util1", "libxcb-dri3.so.0": "libxcb-dri3-0",
    "libatk-1.0.so.0": "libatk1.0-0", "libgdk-3.so.0": "libgtk-3-0", "libgdk_pixbuf-2.0.so.0": "libgdk-pixbuf-2.0-0",
}


class NotElf(ValueError):
    """The bytes are not an ELF shared object or program this module can read."""


@dataclass(frozen=True)
class Dynamic:
    needed: tuple[str, ...]
    runpath: tuple[str, ...]


def read_dynamic(data: bytes) -> Dynamic:
    """``DT_NEEDED`` and ``DT_RUNPATH`` (or the older ``DT_RPATH``) of an ELF file's bytes."""
    if data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        raise NotElf("not an ELF file")
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    try:
        if wide:
            shoff, = struct.unpack_from(order + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
        else:
            shoff, = struct.unpack_from(order + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
        sections = [_section(data, shoff + i * shentsize, order, wide) for i in range(shnum)]
    except struct.error as exc:
        raise NotElf(f"truncated ELF header ({exc})") from None
    dynamic = next((s for s in sections if s[0] == _SHT_DYNAMIC), None)
    if dynamic is None:
        return Dynamic((), ())  # statically linked
    _, offset, size, link = dynamic
    if link >= len(sections):
        raise NotElf("the dynamic section names no string table")
    strtab = sections[link][1]
    entry = struct.Struct(order + ("qQ" if wide else "iI"))
    needed: list[str] = []
    runpath: list[str] = []
    rpath: list[str] = []
    for position in range(offset, min(offset + size, len(data) - entry.size + 1), entry.size):
        tag, value = entry.unpack_from(data, position)
        if tag == 0:
            break
        if tag in (_DT_NEEDED, _DT_RUNPATH, _DT_RPATH):
            text = _string(data, strtab + value)
            if tag == _DT_NEEDED:
                needed.append(text)
            else:
                (runpath if tag == _DT_RUNPATH else rpath).extend(p for p in text.split(":") if p)
    return Dynamic(tuple(needed), tuple(runpath or rpath))


def _section(data: bytes, at: int, order: str, wide: bool) -> tuple[int, int, int, int]:
    """(type, offset, size, link) of the section header at ``at``."""
    if wide:
        _, kind, _, _, offset, size, link = struct.unpack_from(order + "IIQQQQI", data, at)
    else:
        _, kind, _, _, offset, size, link = struct.unpack_from(order + "IIIIIII", data, at)
    return kind, offset, size, link


def _string(data: bytes, at: int) -> str:
    end = data.find(b"\0", at)
    return data[at:end if end >= 0 else len(data)].decode("utf-8", "replace")


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships ``soname``, by Debian's naming rule (policy 8.1) or a known exception.

    ``libxcb-cursor.so.0`` -> ``libxcb-cursor0``; ``libxkbcommon-x11.so.0`` -> ``libxkbcommon-x11-0``.
    """
    if soname in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[soname]
    match = re.fullmatch(r"(lib[^/]+?)\.so(?:\.(\d+))?(?:\.\d+)*", soname)
    if not match:
        return ""
    base, major = match.group(1).lower().replace("_", "-"), match.group(2) or ""
    return f"{base}-{major}" if major and base[-1].isdigit() else base + major


def missing_libraries_message(what: str, missing: list[str]) -> str:
    """One line for the person (and IT): what cannot start, which libraries are missing, how to install them."""
    packages = sorted({debian_package(name) for name in missing} - {""})
    noun = "library" if len(missing) == 1 else "libraries"
    line = f"{what} cannot start: missing system {noun} {', '.join(sorted(missing))}"
    if packages:
        line += f"; on Debian or Ubuntu install them with: sudo apt install {' '.join(packages)}"
    return line + " (the .deb and .rpm packages bring them by themselves)"
