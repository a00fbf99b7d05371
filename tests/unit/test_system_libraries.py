"""Reading what ELF files need, naming the packages that provide it, and the frozen bundle's own command."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.system_libraries import Dynamic, NotElf, debian_package, missing_libraries_message, read_dynamic
from desktop.services import autostart
from desktop.services.qt_platform import (
    _candidate_platforms,
    _missing_when_loading,
    missing_libraries,
    platform_plugin_problem,
)
from tests.support.dpkg import dpkg_owner, loader_cache

QT = Path(__import__("PySide6").__file__).parent / "Qt"
XCB_PLUGIN = QT / "plugins" / "platforms" / "libqxcb.so"


def readelf_needed(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(path)], check=True, capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", out)


@pytest.mark.parametrize("path", [XCB_PLUGIN, QT / "lib" / "libQt6WebEngineCore.so.6", Path(sys.executable)])
def test_needed_libraries_match_readelf(path: Path) -> None:
    if shutil.which("readelf") is None:
        pytest.skip("readelf (binutils) is not installed")
    assert list(read_dynamic(path.read_bytes()).needed) == readelf_needed(path.resolve())


def test_runpath_and_bad_input() -> None:
    assert read_dynamic(XCB_PLUGIN.read_bytes()).runpath == ("$ORIGIN/../../lib",)
    with pytest.raises(NotElf):
        read_dynamic(b"#!/bin/sh\necho not a library\n")
    with pytest.raises(NotElf):
        read_dynamic(XCB_PLUGIN.read_bytes()[:40])  # cut inside the header
    with pytest.raises(NotElf):
        read_dynamic(b"\x7fELF\x02")


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"), ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libdbus-1.so.3", "libdbus-1-3"), ("libnss3.so", "libnss3"), ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libz.so.1", "zlib1g"), ("libGL.so.1", "libgl1"), ("not a library", ""),
])
def test_debian_package_names(soname: str, package: str) -> None:
    assert debian_package(soname) == package


def test_debian_package_names_agree_with_dpkg_for_the_xcb_plugin() -> None:
    """For every system library Qt's xcb plugin needs, the derived name is the package dpkg says owns it."""
    if shutil.which("dpkg") is None:
        pytest.skip("not a Debian system")
    located = loader_cache()
    names = [*read_dynamic(XCB_PLUGIN.read_bytes()).needed,
             *read_dynamic((QT / "lib" / "libQt6XcbQpa.so.6").read_bytes()).needed]
    checked = 0
    for soname in sorted(set(names)):
        if soname.startswith("libQt6") or soname not in located:
            continue
        assert debian_package(soname) == dpkg_owner(located[soname]), soname
        checked += 1
    assert checked >= 10


def test_missing_libraries_follow_the_bundled_ones_and_name_only_the_missing() -> None:
    # libqxcb.so needs libQt6XcbQpa.so.6 through its RUNPATH, which needs libxcb-icccm.so.4 from the system.
    hidden = {"libxcb-icccm.so.4", "libxcb-cursor.so.0"}
    missing = missing_libraries(XCB_PLUGIN, lambda name: name if name in hidden else None)
    assert sorted(missing) == sorted(hidden)
    assert missing_libraries(XCB_PLUGIN, lambda name: None) == []


def test_the_real_loader_names_what_is_missing(tmp_path: Path) -> None:
    """A copy of the xcb plugin that needs a library no system has, in Qt's folder layout."""
    data = XCB_PLUGIN.read_bytes()
    assert data.count(b"libxcb-cursor.so.0") == 1
    plugin = tmp_path / "plugins" / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(data.replace(b"libxcb-cursor.so.0", b"libxcb-cursxr.so.0"))
    (tmp_path / "lib").symlink_to(QT / "lib")  # its RUNPATH is $ORIGIN/../../lib
    assert missing_libraries(plugin) == ["libxcb-cursxr.so.0"]
    assert _missing_when_loading(str(plugin)) == "libxcb-cursxr.so.0"  # the loader's word, not the file's name
    assert _missing_when_loading("libc.so.6") is None


def synthetic_elf(*, wide: bool, little: bool, needed: list[str], runpath: str) -> bytes:
    """A minimal ELF shared object: one loaded segment over the whole file, a dynamic segment, a string table."""
    o = "<" if little else ">"
    ehsize, phentsize = (64, 56) if wide else (52, 32)
    strtab, offsets = b"\0", []
    for name in [*needed, runpath]:
        offsets.append(len(strtab))
        strtab += name.encode() + b"\0"
    entry = struct.Struct(o + ("qQ" if wide else "iI"))
    dyn_off = ehsize + 2 * phentsize
    strtab_off = dyn_off + entry.size * (len(needed) + 3)
    base, total = 0x10000, dyn_off + entry.size * (len(needed) + 3) + len(strtab)
    dyn = b"".join(entry.pack(1, at) for at in offsets[:-1]) + entry.pack(29, offsets[-1])
    dyn += entry.pack(5, base + strtab_off) + entry.pack(0, 0)
    ident = b"\x7fELF" + bytes([2 if wide else 1, 1 if little else 2, 1]) + bytes(9)
    if wide:
        header = ident + struct.pack(o + "HHIQQQIHHHHHH", 3, 62, 1, 0, ehsize, 0, 0, ehsize, phentsize, 2, 64, 0, 0)
        phdrs = struct.pack(o + "IIQQQQQQ", 1, 5, 0, base, base, total, total, 0x1000)
        phdrs += struct.pack(o + "IIQQQQQQ", 2, 6, dyn_off, base + dyn_off, base + dyn_off, len(dyn), len(dyn), 8)
    else:
        header = ident + struct.pack(o + "HHIIIIIHHHHHH", 3, 20, 1, 0, ehsize, 0, 0, ehsize, phentsize, 2, 40, 0, 0)
        phdrs = struct.pack(o + "8I", 1, 0, base, base, total, total, 5, 0x1000)
        phdrs += struct.pack(o + "8I", 2, dyn_off, base + dyn_off, base + dyn_off, len(dyn), len(dyn), 6, 4)
    return header + phdrs + dyn + strtab


@pytest.mark.parametrize(("wide", "little"), [(True, True), (True, False), (False, True), (False, False)])
def test_both_word_sizes_and_byte_orders(wide: bool, little: bool) -> None:
    data = synthetic_elf(wide=wide, little=little, needed=["libfoo.so.1", "libbar.so.2"], runpath="$ORIGIN:/x")
    assert read_dynamic(data) == Dynamic(("libfoo.so.1", "libbar.so.2"), ("$ORIGIN", "/x"))
    with pytest.raises(NotElf):
        read_dynamic(data[:-6])  # the string table cut short


def test_the_message_is_one_line_with_the_packages() -> None:
    line = missing_libraries_message("Qt", ["libxcb-icccm.so.4", "libxkbcommon-x11.so.0"])
    assert "\n" not in line
    assert "libxcb-icccm.so.4, libxkbcommon-x11.so.0" in line
    assert "sudo apt install libxcb-icccm4 libxkbcommon-x11-0" in line


def test_platform_candidates_follow_qt() -> None:
    assert _candidate_platforms({}) == ["xcb"]
    assert _candidate_platforms({"XDG_SESSION_TYPE": "wayland"}) == ["wayland", "xcb"]
    assert _candidate_platforms({"QT_QPA_PLATFORM": "wayland;xcb:foo=1"}) == ["wayland", "xcb"]
    # The offscreen plugin loads here: nothing to say.
    assert platform_plugin_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_a_frozen_bundle_starts_itself_at_login(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert autostart.launch_command(None)[1:] == ["-m", "desktop"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/embeddable-desktop/embeddable-desktop")
    assert autostart.launch_command(tmp_path) == ["/opt/embeddable-desktop/embeddable-desktop", "--data-dir",
                                                  str(tmp_path)]
