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
from mmap import mmap

from desktop.core.records import record

#: What the reader accepts: the file's bytes, or the file mapped into memory (libraries can be 200 MB).
Buffer = bytes | mmap

_DT_NEEDED, _DT_STRTAB, _DT_RPATH, _DT_RUNPATH = 1, 5, 15, 29
_PT_LOAD, _PT_DYNAMIC = 1, 2

#: Debian/Ubuntu packages whose names do not follow the soname rule (Debian policy 8.1).
_PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0", "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0", "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgcc_s.so.1": "libgcc-s1", "libz.so.1": "zlib1g", "libc.so.6": "libc6", "libm.so.6": "libc6",
    "libharfbuzz.so.0": "libharfbuzz0b", "libnspr4.so": "libnspr4", "libsmime3.so": "libnss3",
    "libnssutil3.so": "libnss3", "libxcb-util.so.1": "libxcb-util1", "libxcb-dri3.so.0": "libxcb-dri3-0",
    "libatk-1.0.so.0": "libatk1.0-0", "libgdk-3.so.0": "libgtk-3-0", "libgdk_pixbuf-2.0.so.0": "libgdk-pixbuf-2.0-0",
    "libxml2.so.2": "libxml2",
}


class NotElf(ValueError):
    """The bytes are not an ELF shared object or program this module can read."""


@record
class Dynamic:
    needed: tuple[str, ...]
    runpath: tuple[str, ...]


class _Reader:
    """Fields of one ELF file, in its class (32/64-bit) and byte order."""

    def __init__(self, data: Buffer) -> None:
        if len(data) < 52 or bytes(data[:4]) != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
            raise NotElf("not an ELF file")
        self.data = data
        self.wide = data[4] == 2
        self.order = "<" if data[5] == 1 else ">"

    def unpack(self, layout: str, at: int) -> tuple[int, ...]:
        try:
            return struct.unpack_from(self.order + layout, self.data, at)
        except struct.error as exc:
            raise NotElf(f"truncated ELF file ({exc})") from None

    def segments(self) -> list[tuple[int, int, int, int]]:
        """(type, file offset, virtual address, size in the file) of every program header."""
        phoff, = self.unpack("Q" if self.wide else "I", 0x20 if self.wide else 0x1C)
        entsize, count = self.unpack("HH", 0x36 if self.wide else 0x2A)
        out = []
        for i in range(count):
            at = phoff + i * entsize
            if self.wide:
                kind, _, offset, vaddr, _, filesz = self.unpack("IIQQQQ", at)
            else:
                kind, offset, vaddr, _, filesz = self.unpack("IIIII", at)
            out.append((kind, offset, vaddr, filesz))
        return out


def read_dynamic(data: Buffer) -> Dynamic:
    """``DT_NEEDED`` and ``DT_RUNPATH`` (or the older ``DT_RPATH``) of an ELF file, read as the loader does:
    through its program headers (the dynamic segment and the string table it points to)."""
    elf = _Reader(data)
    segments = elf.segments()
    dynamic = next((s for s in segments if s[0] == _PT_DYNAMIC), None)
    if dynamic is None:
        return Dynamic((), ())  # statically linked
    entry = "qQ" if elf.wide else "iI"
    size = struct.calcsize(elf.order + entry)
    entries: list[tuple[int, int]] = []
    for at in range(dynamic[1], dynamic[1] + dynamic[3] - size + 1, size):
        tag, value = elf.unpack(entry, at)
        if tag == 0:
            break
        entries.append((tag, value))
    strtab_address = next((value for tag, value in entries if tag == _DT_STRTAB), None)
    if strtab_address is None:
        raise NotElf("the dynamic segment has no string table")
    # The string table is given as a memory address: find the loaded segment that holds it.
    load = next((s for s in segments if s[0] == _PT_LOAD and s[2] <= strtab_address < s[2] + s[3]), None)
    if load is None:
        raise NotElf("the string table is outside every loaded segment")
    strtab = load[1] + strtab_address - load[2]
    needed = tuple(_string(data, strtab + value) for tag, value in entries if tag == _DT_NEEDED)
    paths = {tag: _string(data, strtab + value) for tag, value in entries if tag in (_DT_RUNPATH, _DT_RPATH)}
    search = paths.get(_DT_RUNPATH, paths.get(_DT_RPATH, ""))
    return Dynamic(needed, tuple(p for p in search.split(":") if p))


def _string(data: Buffer, at: int) -> str:
    end = data.find(b"\0", at)
    if at >= len(data) or end < 0:
        raise NotElf("a name runs past the end of the file")
    return bytes(data[at:end]).decode("utf-8", "replace")


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
