"""The .deb: the staged tree, ``Depends`` derived from the bundle's ELF files, maintainer scripts, dpkg-deb.

``dpkg-shlibdeps`` maps every library the bundle's programs and libraries link to (and that the bundle does
not carry itself) to the installed package that provides it, with the version the symbols need. So the
build machine must have those libraries installed (``packaging/linux/build-deps.txt``); a missing one stops
the build with dpkg-shlibdeps' message instead of producing a package that cannot start.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import subprocess
from datetime import UTC
from pathlib import Path

from build_common import APP_ID, DESCRIPTION, INSTALL_DIR, MAINTAINER, SUMMARY, is_elf
from linux_tree import release_date

HERE = Path(__file__).resolve().parent
#: Optional Qt plugins: what they link goes to Recommends (the app starts without them; Qt skips a plugin
#: whose libraries are missing). The GTK theme only makes the window's own widgets look like GTK apps.
OPTIONAL_PLUGINS = ("platformthemes/libqgtk3.so",)
LINTIAN_OVERRIDES = """\
# A self-contained third-party application: the FHS reserves /opt for add-on packages like this one.
{app}: dir-or-file-in-opt [opt/{app}/*]
# CPython's own _statistics module only needs libm; CPython builds it without linking libc.
{app}: library-not-linked-against-libc [opt/{app}/_internal/python3.*/lib-dynload/_statistics.*.so]
# Chromium, inside Qt WebEngine, is built with its own copies of these libraries (as every Chromium is); they
# are updated with each Qt WebEngine release, which updates Chromium's security patches.
{app}: embedded-library lcms2 [opt/{app}/_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6]
{app}: embedded-library libjpeg [opt/{app}/_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6]
{app}: embedded-library libjsoncpp [opt/{app}/_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6]
{app}: embedded-library openjpeg [opt/{app}/_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6]
{app}: embedded-library srtp [opt/{app}/_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6]
{app}: embedded-library tiff [opt/{app}/_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6]
# The bundled Python's XML module carries CPython's own copy of expat (how python.org and pyenv build it);
# it is updated with the bundled Python. The app reads XML only in macOS property lists.
{app}: embedded-library expat [opt/{app}/_internal/python3.*/lib-dynload/pyexpat.*.so]
"""


def build_deb(stage: Path, dist: Path, work: Path, version: str) -> Path:
    root = work / "deb" / APP_ID
    if root.parent.exists():
        shutil.rmtree(root.parent)
    shutil.copytree(stage, root, symlinks=True, copy_function=os.link)
    _add_debian_docs(root, version)
    _add_apparmor_profile(root)
    control = root / "DEBIAN"
    control.mkdir(mode=0o755)  # before dpkg-shlibdeps: it marks the root of the package's tree
    depends, recommends = shlib_dependencies(root, work / "deb")
    installed_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    arch = subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout
    fields = {
        "Package": APP_ID, "Version": version, "Architecture": arch.strip(), "Maintainer": MAINTAINER,
        "Installed-Size": str(installed_kib), "Depends": depends, "Recommends": recommends,
        "Section": "comm", "Priority": "optional", "Description": f"{SUMMARY}\n{_folded(DESCRIPTION)}",
    }
    text = "".join(f"{key}: {value}\n" for key, value in fields.items() if value)
    (control / "control").write_text(text, encoding="utf-8")
    _write_maintainer_scripts(control)
    _write_md5sums(root, control / "md5sums")
    for path in control.iterdir():
        path.chmod(0o755 if path.name in ("postinst", "postrm") else 0o644)
    dist.mkdir(parents=True, exist_ok=True)
    deb = dist / f"{APP_ID}_{version}_{arch.strip()}.deb"
    # xz at level 6 on every core: a third smaller than gzip (128 MB against 189 MB), 100 s on two cores.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", f"--threads-max={os.cpu_count() or 1}",
                    "--build", str(root),
                    str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb


def shlib_dependencies(root: Path, work: Path) -> tuple[str, str]:
    """(Depends, Recommends) from dpkg-shlibdeps over every ELF file of the bundle."""
    bundle = root / INSTALL_DIR.relative_to("/")
    elves = [path for path in sorted(bundle.rglob("*")) if path.is_file() and not path.is_symlink() and is_elf(path)]
    optional = [p for p in elves if any(str(p).endswith(name) for name in OPTIONAL_PLUGINS)]
    required = [p for p in elves if p not in optional]
    private_dirs = sorted({str(p.parent) for p in elves if ".so" in p.name})
    (work / "debian").mkdir(parents=True, exist_ok=True)
    (work / "debian" / "control").write_text(
        f"Source: {APP_ID}\nMaintainer: {MAINTAINER}\n\nPackage: {APP_ID}\nArchitecture: any\n", encoding="utf-8")
    command = ["dpkg-shlibdeps", "-O", *(f"-l{d}" for d in private_dirs), "-dDepends", *map(str, required)]
    if optional:
        command += ["-dRecommends", *map(str, optional)]
    result = subprocess.run(command, check=False, cwd=work, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build_deb: dpkg-shlibdeps failed (install the packages in "
                         f"packaging/linux/build-deps.txt):\n{result.stderr}")
    found = dict(re.findall(r"^shlibs:(\w+)=(.*)$", result.stdout, re.MULTILINE))
    return found.get("Depends", ""), found.get("Recommends", "")


def _folded(text: str) -> str:
    """A control-file extended description: lines of at most 80 characters, each indented by one space."""
    import textwrap

    return "\n".join(" " + line for line in textwrap.wrap(text, 79))


def _add_debian_docs(root: Path, version: str) -> None:
    doc = root / "usr/share/doc" / APP_ID
    entry = (f"{APP_ID} ({version}) stable; urgency=medium\n\n  * Release {version}.\n\n"
             f" -- {MAINTAINER}  {_rfc2822(release_date())}\n")
    (doc / "changelog.gz").write_bytes(gzip.compress(entry.encode("utf-8"), compresslevel=9, mtime=0))
    overrides = root / "usr/share/lintian/overrides" / APP_ID
    overrides.parent.mkdir(parents=True)
    overrides.write_text(LINTIAN_OVERRIDES.format(app=APP_ID), encoding="utf-8")
    for path in (doc / "changelog.gz", overrides):
        path.chmod(0o644)
    for folder in (overrides.parent, overrides.parent.parent):
        folder.chmod(0o755)


def _rfc2822(day: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC))


def _add_apparmor_profile(root: Path) -> None:
    """The AppArmor profile, where the postinst finds it (it is not a conffile in /etc/apparmor.d: Debian 12's
    parser cannot read it, and apparmor.service would fail at every boot there; see linux/apparmor/install.sh)."""
    from desktop.services.sandbox_preflight import PACKAGED_PROFILE

    target = root / PACKAGED_PROFILE.lstrip("/")
    target.parent.mkdir(parents=True)
    shutil.copyfile(HERE / "linux" / "apparmor" / APP_ID, target)
    target.chmod(0o644)
    for folder in (target.parent, target.parent.parent):
        folder.chmod(0o755)


def _write_maintainer_scripts(control: Path) -> None:
    refresh = (HERE / "linux" / "refresh-caches.sh").read_text(encoding="utf-8")
    # Users' data (settings, web profiles, logs in their home folders) is never touched, not even on purge:
    # it is theirs, and a reinstall must find them still signed in.
    for name, when, apparmor in (("postinst", "configure", "install.sh"), ("postrm", "remove|purge", "remove.sh")):
        snippet = (HERE / "linux" / "apparmor" / apparmor).read_text(encoding="utf-8")
        body = "\n".join("    " + line if line else line for line in (refresh + snippet).splitlines())
        (control / name).write_text(f"#!/bin/sh\nset -e\ncase \"$1\" in\n  {when})\n{body}\n    ;;\nesac\n"
                                    "exit 0\n", encoding="utf-8")


def _write_md5sums(root: Path, target: Path) -> None:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.relative_to(root).parts:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root)}\n")
    target.write_text("".join(lines), encoding="utf-8")
