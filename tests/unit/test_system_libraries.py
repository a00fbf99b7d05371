"""Reading what ELF files need, naming the packages that provide it, and the frozen bundle's own command."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.system_libraries import NotElf, debian_package, missing_libraries_message, read_dynamic
from desktop.services import autostart
from desktop.services.qt_platform import _candidate_platforms, missing_libraries, platform_plugin_problem
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
    missing = missing_libraries(XCB_PLUGIN, loads=lambda name: name not in hidden)
    assert sorted(missing) == sorted(hidden)
    assert missing_libraries(XCB_PLUGIN, loads=lambda name: True) == []


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
