"""The Windows installer: ``python packaging/build_msi.py [BUNDLE] [--out DIR] [--stand-in] [--toolset wixl|wix]``.

``build_msi(bundle, out)`` turns the PyInstaller one-dir bundle (``embeddable-desktop.exe`` and ``_internal/``)
into ``embeddable-desktop-VERSION-x64.msi``, from ``windows/embeddable-desktop.wxs`` plus a fragment generated
here that lists every other file of the bundle (a bundle has hundreds; nobody keeps that list by hand).

Two toolsets read the same WiX 3 sources: wixl (msitools) on Linux, where the tests build and read back the
package, and the WiX toolset (``wix``, v5, a dotnet tool) on Windows, where the workflow builds the MSI it
ships; ``wix convert`` rewrites the sources to its own syntax first. ``--stand-in`` builds from a stand-in
payload with the real bundle's layout, as a Windows bundle cannot be built on Linux.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))  # the sibling build modules (appended: never shadow an installed package)

from build_common import APP_ID, HOMEPAGE, MAINTAINER, SUMMARY, version  # noqa: E402

WXS = HERE / "windows" / "embeddable-desktop.wxs"
#: Must equal the UpgradeCode in the .wxs (a test compares them). Never change it: it is how a newer MSI
#: finds the installed one to replace.
UPGRADE_CODE = "{9291331C-3D0E-449A-8375-CB4BB6E2ECE3}"
#: Installed by components of the .wxs itself (the program carries the shortcut; the icon is rendered here).
OWN_FILES = (f"{APP_ID}.exe", f"{APP_ID}.ico")
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"
#: A stand-in with the layout of the Windows bundle: the program beside _internal/ with Qt, WebEngine's helper
#: process and resources, the app's own resources, and Python.
STAND_IN_FILES = (
    f"{APP_ID}.exe",
    "_internal/base_library.zip",
    "_internal/python311.dll",
    "_internal/PySide6/Qt6WebEngineCore.dll",
    "_internal/PySide6/QtWebEngineProcess.exe",
    "_internal/PySide6/resources/qtwebengine_resources.pak",
    "_internal/PySide6/translations/qtwebengine_locales/en-US.pak",
    "_internal/desktop/resources/bridge.js",
)


def msi_version(text: str) -> str:
    """The app version as an MSI ProductVersion: numeric major.minor.build, at most 255.255.65535.

    A pre-release (``1.0rc1``) has no MSI spelling that sorts right, so it is refused rather than cut down to a
    number that an upgrade would take for the release.
    """
    match = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not match or int(match[1]) > 255 or int(match[2]) > 255 or int(match[3] or 0) > 65535:
        raise SystemExit(f"build_msi: version {text!r} has no MSI form (numeric major.minor.build, "
                         "at most 255.255.65535)")
    return text


def _id(prefix: str, relative: str) -> str:
    """A WiX identifier that depends on the path only, so ids and component GUIDs stay the same across builds."""
    return f"{prefix}_{hashlib.sha1(relative.encode()).hexdigest()[:32]}"


def payload_files(bundle: Path) -> list[str]:
    """The bundle's files, relative and with forward slashes, except those the .wxs installs itself."""
    files = sorted(path.relative_to(bundle).as_posix() for path in bundle.rglob("*") if path.is_file())
    return [name for name in files if name not in OWN_FILES]


def payload_fragment(bundle: Path) -> str:
    """WiX source: the bundle's folders under INSTALLDIR, one component per file (its key path, so Windows
    Installer repairs and removes each), all in ComponentGroup ``Payload``."""
    wix = ET.Element("Wix", xmlns=WIX_NS)
    tree = ET.SubElement(ET.SubElement(wix, "Fragment"), "DirectoryRef", Id="INSTALLDIR")
    group = ET.SubElement(ET.SubElement(wix, "Fragment"), "ComponentGroup", Id="Payload")
    folders: dict[str, ET.Element] = {"": tree}
    for name in payload_files(bundle):
        parent = ""
        for part in name.split("/")[:-1]:
            folder = f"{parent}/{part}" if parent else part
            if folder not in folders:
                folders[folder] = ET.SubElement(folders[parent], "Directory", Id=_id("dir", folder), Name=part)
            parent = folder
        # Guid="*": the toolset derives the GUID from the component's place, the same in every build.
        component = ET.SubElement(folders[parent], "Component", Id=_id("cmp", name), Guid="*", Win64="yes")
        ET.SubElement(component, "File", Id=_id("fil", name), KeyPath="yes", Source=f"$(var.SourceDir)/{name}")
        ET.SubElement(group, "ComponentRef", Id=_id("cmp", name))
    ET.indent(wix)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(wix, encoding="unicode") + "\n"


def write_ico(pngs: dict[int, bytes], out: Path) -> None:
    """An .ico of PNG images (Windows Vista and later read PNG entries at every size)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, data = b"", b""
    for size, png in sorted(pngs.items()):
        # Width and height are one byte each; 0 means 256.
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    out.write_bytes(header + entries + data)


def render_ico(out: Path) -> None:
    """The app icon as an .ico, rendered from resources/icon.svg (the bundle's program has PyInstaller's)."""
    from linux_tree import render_icons  # Qt's SVG renderer, as for the Linux icons

    with tempfile.TemporaryDirectory(prefix="ico-") as tmp:
        render_icons(ROOT / "resources" / "icon.svg", Path(tmp))
        write_ico({size: (Path(tmp) / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()
                   for size in ICO_SIZES}, out)


def make_stand_in(folder: Path) -> Path:
    """A stand-in bundle with the real layout and small files; returns the bundle folder."""
    bundle = folder / APP_ID
    for name in STAND_IN_FILES:
        path = bundle / name
        path.parent.mkdir(parents=True, exist_ok=True)
        head = b"MZ" if name.endswith((".exe", ".dll")) else b""  # what a PE file starts with
        path.write_bytes(head + f"stand-in for {name}\n".encode())
    return bundle


def build_msi(bundle: Path, out: Path, toolset: str | None = None) -> Path:
    """Build the MSI of ``bundle`` into ``out``; returns its path. ``toolset``: wixl or wix (default: the one
    found, wixl first)."""
    bundle = bundle.resolve()
    if not (bundle / f"{APP_ID}.exe").is_file():
        raise SystemExit(f"build_msi: {bundle / (APP_ID + '.exe')} is missing: build the bundle on Windows first "
                         "(python packaging/build.py bundle)")
    toolset = toolset or next((tool for tool in ("wixl", "wix") if shutil.which(tool)), None)
    if toolset is None:
        raise SystemExit("build_msi: neither wixl (Linux: apt-get install wixl) nor wix (Windows: dotnet tool "
                         "install --global wix --version 5.0.2) is on PATH")
    product_version = msi_version(version(ROOT))
    out.mkdir(parents=True, exist_ok=True)
    msi = out.resolve() / f"{APP_ID}-{product_version}-x64.msi"
    with tempfile.TemporaryDirectory(prefix="msi-") as tmp:
        work = Path(tmp)
        shutil.copyfile(WXS, work / "main.wxs")
        (work / "files.wxs").write_text(payload_fragment(bundle), encoding="utf-8")
        icon = work / f"{APP_ID}.ico"
        if (bundle / icon.name).is_file():
            shutil.copyfile(bundle / icon.name, icon)
        else:
            render_ico(icon)
        defines = {"Version": product_version, "SourceDir": bundle.as_posix(), "IconFile": icon.as_posix(),
                   "Manufacturer": MAINTAINER.split(" <")[0], "Summary": SUMMARY, "Homepage": HOMEPAGE}
        sources = ["main.wxs", "files.wxs"]
        if toolset == "wixl":
            # wixl looks files up relative to its sources' folder and cannot take absolute paths.
            defines.update(SourceDir=os.path.relpath(bundle, work), IconFile=icon.name)
            args = [word for name, value in defines.items() for word in ("-D", f"{name}={value}")]
            _run(["wixl", "-a", "x64", *args, "-o", str(msi), *sources], work)
        else:
            # `wix convert` rewrites WiX 3 sources in place and exits with the number of changes it made, so
            # its exit code is not an error; `wix build` then fails on anything it could not convert.
            subprocess.run(["wix", "convert", *sources], cwd=work, check=False)
            args = [word for name, value in defines.items() for word in ("-d", f"{name}={value}")]
            _run(["wix", "build", "-arch", "x64", *args, "-o", str(msi), *sources], work)
    return msi


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, check=False, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build_msi: {command[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_msi.py", description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / APP_ID,
                        help="the PyInstaller bundle folder (default: dist/embeddable-desktop/)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--stand-in", action="store_true", help="build from a stand-in payload instead")
    parser.add_argument("--toolset", choices=["wixl", "wix"], help="default: wixl if found, else wix")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stand-in-") as tmp:
        bundle = make_stand_in(Path(tmp)) if args.stand_in else args.bundle
        msi = build_msi(bundle, args.out, args.toolset)
    print(f"msi: {msi} ({msi.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
