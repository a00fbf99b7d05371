"""The .deb's AppArmor profile (Ubuntu 23.10 and later): what it attaches to, what this system's parser makes of
it, and the maintainer scripts that install it only where that parser accepts it, and remove it again.

Ubuntu 24.04's parser (AppArmor 4.0) is not on this Debian 12 machine: here the profile must be refused as a
whole (so the postinst leaves /etc/apparmor.d alone) and parse without its two AppArmor 4 lines. Where the
system's parser is 4.0 or later the whole profile must parse.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.services.sandbox_preflight import PACKAGED_PROFILE, PROFILE
from tests.packaging.conftest import ROOT, Built
from tests.support.requirements import require

pytestmark = pytest.mark.timeout(1500)  # the package is built first (about four minutes here)
SOURCE = ROOT / "packaging" / "linux" / "apparmor" / "embeddable-desktop"
#: What only AppArmor 4.0 and later understand.
FOUR_ONLY = re.compile(r"^(abi <abi/4\.0>,|\s*userns,)\n", re.MULTILINE)


@pytest.fixture(scope="module")
def deb_tree(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("deb-tree")
    subprocess.run(["dpkg-deb", "-R", str(built.deb), str(tree)], check=True)
    return tree


def parser() -> str:
    found = shutil.which("apparmor_parser") or ("/sbin/apparmor_parser" if Path("/sbin/apparmor_parser").exists()
                                                else None)
    require(found is not None, "apparmor_parser is missing (package apparmor)")
    assert found
    return found


def parses(profile: Path) -> subprocess.CompletedProcess[str]:
    """The parser in parse-only mode: no kernel, no cache (as the postinst's guard runs it)."""
    return subprocess.run([parser(), "--skip-kernel-load", "--skip-cache", "--quiet", str(profile)],
                          capture_output=True, text=True, timeout=60)


def parser_version() -> tuple[int, ...]:
    shown = subprocess.run([parser(), "--version"], capture_output=True, text=True, timeout=30).stdout
    found = re.search(r"version (\d+)\.(\d+)", shown)
    assert found, shown
    return tuple(map(int, found.groups()))


def test_the_profile_attaches_to_the_bundle_s_programs_and_only_allows_userns(deb_tree: Path) -> None:
    shipped = deb_tree / PACKAGED_PROFILE.lstrip("/")
    assert shipped.read_bytes() == SOURCE.read_bytes() and shipped.stat().st_mode & 0o777 == 0o644
    text = shipped.read_text()
    header = re.search(r"^profile embeddable-desktop (/\S+) flags=\(unconfined\) \{$", text, re.MULTILINE)
    assert header, text
    attached = re.fullmatch(r"([^{]*)\{([^}]*)\}(.*)", header.group(1))
    assert attached, header.group(1)
    prefix, alternatives, suffix = attached.groups()
    programs = [prefix + name + suffix for name in alternatives.split(",")]
    assert programs == ["/opt/embeddable-desktop/embeddable-desktop",
                        "/opt/embeddable-desktop/_internal/PySide6/Qt/libexec/QtWebEngineProcess"]
    for program in programs:
        assert (deb_tree / program.lstrip("/")).stat().st_mode & 0o111, program
    body = text[header.end():]
    rules = [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert rules == ["userns,", "include if exists <local/embeddable-desktop>", "}"]
    assert not (deb_tree / "etc").exists()  # not a conffile: the postinst decides (Debian 12 cannot parse it)


def test_this_system_s_apparmor_parser_reads_the_profile_as_its_version_can(tmp_path: Path) -> None:
    whole = parses(SOURCE)
    if parser_version() >= (4, 0):
        assert whole.returncode == 0, whole.stderr
        return
    # AppArmor 3 (Debian 12, Ubuntu 22.04): refused, so the postinst must leave it out; the rest is valid.
    assert whole.returncode != 0 and "abi/4.0" in whole.stderr, whole.stderr
    older = tmp_path / "embeddable-desktop"
    older.write_text(FOUR_ONLY.sub("", SOURCE.read_text()))
    assert SOURCE.read_text().count("\n") - older.read_text().count("\n") == 2
    result = parses(older)
    assert result.returncode == 0, result.stderr


def stand_in_parser(folder: Path, accepts: bool) -> Path:
    """A PATH with an apparmor_parser that notes its arguments and accepts or refuses every profile, and only
    the tools the AppArmor part of the scripts uses (not the cache tools: this machine's caches stay as they are)."""
    folder.mkdir()
    calls = folder / "calls"
    (folder / "apparmor_parser").write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexit {0 if accepts else 1}\n')
    (folder / "apparmor_parser").chmod(0o755)
    for tool in ("cp", "chmod", "mv", "rm"):
        (folder / tool).symlink_to(shutil.which(tool) or f"/bin/{tool}")
    return calls


@pytest.mark.parametrize("accepts", [True, False], ids=["AppArmor 4", "older AppArmor"])
def test_postinst_installs_the_profile_only_where_the_parser_accepts_it_and_postrm_removes_it(
        deb_tree: Path, tmp_path: Path, accepts: bool) -> None:
    root = tmp_path / "root"  # an installation below DPKG_ROOT: nothing is loaded into this machine's kernel
    (root / "etc/apparmor.d").mkdir(parents=True)
    shipped = root / PACKAGED_PROFILE.lstrip("/")
    shipped.parent.mkdir(parents=True)
    shutil.copyfile(deb_tree / PACKAGED_PROFILE.lstrip("/"), shipped)
    calls = stand_in_parser(tmp_path / "bin", accepts)
    env = {"PATH": str(tmp_path / "bin"), "DPKG_ROOT": str(root)}
    installed = root / PROFILE.lstrip("/")

    result = subprocess.run(["/bin/sh", str(deb_tree / "DEBIAN/postinst"), "configure"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == [f"--skip-kernel-load --skip-cache --quiet {shipped}"]
    assert sorted(p.name for p in (root / "etc/apparmor.d").iterdir()) == (["embeddable-desktop"] if accepts else [])
    if accepts:
        assert installed.read_bytes() == shipped.read_bytes() and installed.stat().st_mode & 0o777 == 0o644

    result = subprocess.run(["/bin/sh", str(deb_tree / "DEBIAN/postrm"), "remove"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not list((root / "etc/apparmor.d").iterdir()) and shipped.exists()
    assert len(calls.read_text().splitlines()) == 1  # below DPKG_ROOT nothing is loaded or unloaded


def test_a_profile_that_cannot_be_written_never_fails_the_installation(deb_tree: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc/apparmor.d").mkdir(parents=True)
    shipped = root / PACKAGED_PROFILE.lstrip("/")
    shipped.parent.mkdir(parents=True)
    shutil.copyfile(deb_tree / PACKAGED_PROFILE.lstrip("/"), shipped)
    stand_in_parser(tmp_path / "bin", accepts=True)
    (tmp_path / "bin" / "cp").unlink()
    (tmp_path / "bin" / "cp").symlink_to(shutil.which("false") or "/bin/false")  # a full disk, a read-only /etc
    result = subprocess.run(["/bin/sh", str(deb_tree / "DEBIAN/postinst"), "configure"],
                            env={"PATH": str(tmp_path / "bin"), "DPKG_ROOT": str(root)}, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "could not write" in result.stderr, result.stderr
    assert not list((root / "etc/apparmor.d").iterdir())
