"""The .rpm: the same staged tree as the .deb, packed by ``rpmbuild`` (Debian's ``rpm`` package has it).

rpm derives ``Requires`` from the ELF files itself (sonames such as ``libnss3.so()(64bit)``). Libraries the
bundle carries are neither required from the system nor announced as ``Provides`` to it, so installing the
app never satisfies another package's dependency with a private copy of Qt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from build_common import APP_ID, DESCRIPTION, HOMEPAGE, INSTALL_DIR, SUMMARY

HERE = Path(__file__).resolve().parent

SPEC = """\
%global debug_package %{{nil}}
%global _build_id_links none
# The bundle is already stripped and byte-compiled: no post-processing of /opt.
%global __os_install_post %{{nil}}
%global __provides_exclude_from ^{install_dir}/.*$
%global __requires_exclude ^({private})$
# The GTK theme plugin is optional (Qt skips it when GTK is missing): a weak dependency, as in the .deb.
%global __requires_exclude_from ^{install_dir}/.*/platformthemes/libqgtk3[.]so$
%define _binary_payload w6T{threads}.xzdio

Name: {app}
Version: {version}
Release: 1
Summary: {summary}
License: LicenseRef-proprietary
URL: {homepage}
AutoReqProv: yes
Recommends: libgtk-3.so.0()(64bit)

%description
{description}

%install
cp -a "{stage}/." "%{{buildroot}}/"

%post
{refresh}

%postun
{refresh}

%files
{install_dir}
/usr/bin/{app}
/usr/share/applications/{app}.desktop
/usr/share/icons/hicolor/*/apps/{app}.*
/usr/share/metainfo/*.metainfo.xml
/usr/share/man/man1/{app}.1.gz
%doc /usr/share/doc/{app}
"""


def build_rpm(stage: Path, dist: Path, work: Path, version: str) -> Path:
    top = work / "rpm"
    if top.exists():
        shutil.rmtree(top)
    for folder in ("SPECS", "RPMS", "BUILD", "BUILDROOT", "SOURCES", "SRPMS"):
        (top / folder).mkdir(parents=True)
    bundle = stage / INSTALL_DIR.relative_to("/")
    private = sorted({path.name for path in bundle.rglob("lib*.so*") if path.is_file() or path.is_symlink()})
    spec = top / "SPECS" / f"{APP_ID}.spec"
    spec.write_text(SPEC.format(
        app=APP_ID, version=version, summary=SUMMARY, install_dir=INSTALL_DIR, stage=stage,
        private="|".join(_literal(name) + "[(].*" for name in private), threads=os.cpu_count() or 1,
        homepage=HOMEPAGE, description=DESCRIPTION,
        refresh=(HERE / "linux" / "refresh-caches.sh").read_text(encoding="utf-8").strip(),
    ), encoding="utf-8")
    subprocess.run(["rpmbuild", "-bb", "--define", f"_topdir {top}", "--nodeps", str(spec)], check=True,
                   stdout=subprocess.DEVNULL)
    built = next((top / "RPMS").rglob("*.rpm"))
    dist.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(built, dist / built.name))


def _literal(name: str) -> str:
    """``name`` as a regular expression that matches only itself. rpm's macro expansion eats backslashes,
    so special characters go into brackets ([.], [+], [(]) instead."""
    return "".join(f"[{char}]" if char in ".+*?()[]{}|^$" else char for char in name)
