"""The .deb and the .rpm as built, read back: files, dependencies, lintian, AppStream, desktop entry, policy."""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from desktop.core.settings_schema import GLOBAL_SETTINGS, lookup
from desktop.services.policy_sources import policy_from_data
from desktop.services.qt_platform import read_elf_file
from desktop.services.sandbox_preflight import PACKAGED_PROFILE
from tests.packaging.conftest import ROOT, Built
from tests.support.dpkg import dpkg_owner, loader_cache

pytestmark = pytest.mark.timeout(1500)  # the first test builds everything (about four minutes here)

OPT = "opt/embeddable-desktop"
#: Lintian warnings that stay, each explained in packaging/README.md.
ACCEPTED_WARNINGS = {"shared-library-lacks-prerequisites", "hardening-no-pie"}


@pytest.fixture(scope="module")
def deb_tree(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("deb-tree")
    subprocess.run(["dpkg-deb", "-R", str(built.deb), str(tree)], check=True)
    return tree


def deb_field(deb: Path, name: str) -> list[str]:
    value = subprocess.run(["dpkg-deb", "-f", str(deb), name], check=True, capture_output=True, text=True).stdout
    return [item.split()[0] for item in value.replace("\n", " ").split(",") if item.strip()]


def test_the_bundle_carries_the_web_engine_and_not_the_unused_qt_modules(deb_tree: Path) -> None:
    bundle = deb_tree / OPT
    qt = bundle / "_internal" / "PySide6" / "Qt"
    for needed in ("libexec/QtWebEngineProcess", "resources/qtwebengine_resources.pak", "resources/icudtl.dat",
                   "translations/qtwebengine_locales/en-US.pak", "plugins/platforms/libqxcb.so",
                   "plugins/platforms/libqwayland.so", "plugins/imageformats/libqsvg.so"):
        assert (qt / needed).is_file(), needed
    assert (bundle / "_internal" / "desktop" / "resources" / "bridge.js").is_file()
    assert (bundle / "embeddable-desktop").stat().st_mode & 0o111
    libraries = {path.name for path in (qt / "lib").iterdir()}
    assert "libQt6WebEngineCore.so.6" in libraries and "libQt6Quick.so.6" in libraries  # WebEngine links Quick
    assert not [name for name in libraries if re.match(r"libQt6(Quick3D|Pdf|Multimedia|3D|Charts|VirtualKeyboard)",
                                                       name)]
    assert not (qt / "qml").exists()
    assert not list((qt / "translations").glob("qt_*.qm"))
    # No RUNPATH may point at the build machine (pyenv's Python sets one on every module).
    for path in bundle.rglob("*.so*"):
        if path.is_file() and not path.is_symlink():
            runpath = read_elf_file(path).runpath
            assert all(entry.startswith("$ORIGIN") for entry in runpath), (path, runpath)


def test_depends_names_the_package_of_every_system_library_the_bundle_links(built: Built, deb_tree: Path) -> None:
    declared = set(deb_field(built.deb, "Depends")) | set(deb_field(built.deb, "Recommends"))
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0", "libnss3"} <= set(
        deb_field(built.deb, "Depends"))
    assert "libgtk-3-0" in deb_field(built.deb, "Recommends")  # the optional GTK theme plugin only
    assert not [name for name in declared if "qt6" in name.lower() or "pyside" in name.lower()]
    # Independently of dpkg-shlibdeps: every soname the bundle's ELF files need and do not carry must come
    # from a package the .deb names (looked up with the system's loader cache and dpkg -S).
    bundle = deb_tree / OPT
    carried = {path.name for path in bundle.rglob("*.so*")}
    needed: set[str] = set()
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(ValueError):  # NotElf, or an empty file that cannot be mapped
                needed |= {name for name in read_elf_file(path).needed if name not in carried}
    located = loader_cache()
    unexplained = {}
    for soname in sorted(needed):
        assert soname in located, f"{soname} is needed by the bundle but not installed on the build machine"
        owner = dpkg_owner(located[soname])
        if owner not in declared:
            unexplained[soname] = owner
    assert not unexplained


def test_lintian_finds_no_errors_and_only_explained_warnings(built: Built) -> None:
    result = subprocess.run(["lintian", "--no-tag-display-limit", str(built.deb)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr  # lintian fails on errors, and when it breaks
    tags = re.findall(r"^([EW]): embeddable-desktop: (\S+)", result.stdout, re.MULTILINE)
    assert not [tag for level, tag in tags if level == "E"], result.stdout
    assert {tag for _, tag in tags} <= ACCEPTED_WARNINGS, result.stdout
    explained = (ROOT / "packaging" / "README.md").read_text()
    assert all(f"`{tag}`" in explained for tag in ACCEPTED_WARNINGS)


def test_desktop_entry_icons_and_metainfo(deb_tree: Path) -> None:
    desktop = deb_tree / "usr/share/applications/embeddable-desktop.desktop"
    subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    schemes = re.search(r"^MimeType=(.*)$", desktop.read_text(), re.MULTILINE)
    assert schemes and set(schemes.group(1).strip(";").split(";")) == {
        "x-scheme-handler/tel", "x-scheme-handler/callto", "x-scheme-handler/sms"}
    metainfo = deb_tree / "usr/share/metainfo/com.embeddabledesktop.app.metainfo.xml"
    check = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain", str(metainfo)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    hicolor = deb_tree / "usr/share/icons/hicolor"
    assert (hicolor / "scalable/apps/embeddable-desktop.svg").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = (hicolor / f"{size}x{size}/apps/embeddable-desktop.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (size, size)
    page = gzip.decompress((deb_tree / "usr/share/man/man1/embeddable-desktop.1.gz").read_bytes()).decode()
    assert page.startswith(".TH EMBEDDABLE\\-DESKTOP 1") and "\\-\\-redirect\\-port" in page
    if shutil.which("man"):  # man-db is not on minimal systems; where it is, the page must render
        man = subprocess.run(["man", "-l", "-P", "cat", str(deb_tree / "usr/share/man/man1/embeddable-desktop.1.gz")],
                             capture_output=True, text=True, env={"MANWIDTH": "100", "PATH": "/usr/bin:/bin"})
        assert man.returncode == 0 and "--redirect-port" in man.stdout and "--version" in man.stdout


def test_maintainer_scripts_refresh_caches_and_never_touch_home(deb_tree: Path) -> None:
    for name in ("postinst", "postrm"):
        script = (deb_tree / "DEBIAN" / name).read_text()
        assert "update-desktop-database" in script and "gtk-update-icon-cache" in script
        commands = [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]
        # What they remove or move is the AppArmor profile the postinst wrote (below /etc/apparmor.d), nothing else.
        removing = [c for c in commands if re.search(r"(^|&& )(rm|rmdir|find|mv)\b", c)]
        profile_only = re.compile(r'(&& )?(rm -f|mv -f) ("\$aa_profile(\.dpkg-new)?" ?)+(; then)?')
        assert all(profile_only.fullmatch(c) for c in removing), removing
        assert 'aa_profile="$DPKG_ROOT/etc/apparmor.d/embeddable-desktop"' in script
        assert not [c for c in commands if re.search(r"HOME|/home|~", c)]
    assert not (deb_tree / "etc").exists()  # an example policy only, never an active one


def test_the_policy_example_is_accepted_by_the_policy_reader(deb_tree: Path) -> None:
    example = deb_tree / "usr/share/doc/embeddable-desktop/policy.example.json"
    data = json.loads(example.read_text())
    policy = policy_from_data(data, str(example))
    for key, value in policy.values.items():
        lookup(key).convert(value)  # raises on a value the app would refuse
    documented = {key for key, setting in GLOBAL_SETTINGS.items() if setting.default is not None}
    assert documented <= set(policy.values)
    assert policy.required == ("environments.production.client_id",)


def test_the_rpm_has_the_same_files_and_requires_system_libraries_only(built: Built, deb_tree: Path) -> None:
    listed = subprocess.run(["rpm", "-qlp", str(built.rpm)], check=True, capture_output=True, text=True).stdout
    rpm_files = {line for line in listed.splitlines() if line.startswith(("/opt/", "/usr/"))}
    deb_files = {"/" + str(p.relative_to(deb_tree)) for p in deb_tree.rglob("*")
                 if not p.is_dir() and "DEBIAN" not in p.parts and "lintian" not in p.parts}
    deb_files.discard("/usr/share/doc/embeddable-desktop/changelog.gz")  # Debian's own changelog
    deb_files.discard(PACKAGED_PROFILE)  # for Ubuntu's AppArmor; no rpm-based system restricts user namespaces
    assert deb_files <= rpm_files, sorted(deb_files - rpm_files)[:10]
    requires = subprocess.run(["rpm", "-qRp", str(built.rpm)], check=True, capture_output=True, text=True).stdout
    for soname in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libnss3.so", "libasound.so.2"):
        assert f"{soname}()(64bit)" in requires
    assert "libQt6" not in requires and "libpython" not in requires and "libgtk-3" not in requires
    provides = subprocess.run(["rpm", "-qp", "--provides", str(built.rpm)], check=True, capture_output=True,
                              text=True).stdout
    assert ".so" not in provides  # a private Qt never satisfies another package's dependency
    assert "mimehandler(x-scheme-handler/tel)" in provides
