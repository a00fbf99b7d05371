"""Builds the bundle, the .deb and the .rpm once per test run (about four minutes), in a temporary folder.

The package tests need Debian's packaging tools (packaging/linux/build-deps.txt) and, to install, root. Where
they are missing the tests are skipped with the reason, except in CI (CI=true), where a missing tool is a
failure: .ci/run installs them, and a package test that silently skipped would let the packages rot.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.requirements import require

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("dpkg-deb", "dpkg-shlibdeps", "rpmbuild", "lintian", "appstreamcli", "desktop-file-validate")


@dataclass(frozen=True)
class Built:
    bundle: Path
    deb: Path
    rpm: Path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    require(sys.platform.startswith("linux"), "Linux packages are built on Linux")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    require(not missing, f"packaging tools missing: {', '.join(missing)} (see packaging/linux/build-deps.txt)")
    out = tmp_path_factory.mktemp("packages")
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "linux", "--dist",
                             str(out / "dist"), "--work", str(out / "work")], capture_output=True, text=True)
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    print(result.stdout)
    shutil.rmtree(out / "work")  # about a gigabyte of PyInstaller and staging scratch
    deb, = (out / "dist").glob("*.deb")
    rpm, = (out / "dist").glob("*.rpm")
    return Built(out / "dist" / "embeddable-desktop", deb, rpm)
