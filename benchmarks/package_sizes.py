"""Package sizes: the bundle against a naive PyInstaller bundle of the same app (built in this run) and
against the floor, plus the .deb and .rpm.

The floor is what cannot be dropped: every file of the bundle that the running app and its web engine
processes map into memory (read from /proc/PID/maps while the app shows a local page), plus Qt WebEngine's
resources (.pak, ICU data, V8 snapshot), its locales and the app's executable with its Python archive.

    .venv/bin/python packaging/build.py linux          # first: dist/embeddable-desktop, dist/*.deb, dist/*.rpm
    .venv/bin/python benchmarks/package_sizes.py [--dist dist]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from tests.support.local_page import local_page  # noqa: E402
from tests.support.processes import tree_pids  # noqa: E402

MB, MIB = 1e6, 1 << 20


def sizes(n: int) -> str:
    """Both units: the issue's figures are du's (MiB), package managers show MB."""
    return f"{n / MB:6.1f} MB ({n / MIB:6.1f} MiB)"


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def naive_bundle(work: Path) -> Path:
    """The app bundled with PyInstaller's defaults (what the issue measured as 613 MB)."""
    entry = ROOT / "packaging" / "pyinstaller" / "entry.py"
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--onedir", "--log-level", "ERROR",
                    "--name", "naive", "--paths", str(ROOT), "--distpath", str(work / "dist"), "--workpath",
                    str(work / "build"), "--specpath", str(work), str(entry)], check=True, cwd=work,
                   capture_output=True)
    return work / "dist" / "naive"


def mapped_bundle_files(bundle: Path) -> set[Path]:
    """Files of the bundle mapped by the running app's process tree once it shows a page."""
    url, stop = local_page()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen([str(bundle / "embeddable-desktop"), "--env", "custom", "--app-server",
                                 url.rsplit("/", 1)[0], "--client-id", "bench", "--widget-url", url, "--data-dir",
                                 data], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                                start_new_session=True)
        assert proc.stderr is not None
        try:
            for line in proc.stderr:
                if "widget page loaded" in line:
                    break
            else:
                raise RuntimeError("the bundle exited before loading the page")
            time.sleep(1.0)
            mapped: set[Path] = set()
            root = str(bundle.resolve())
            for pid in tree_pids(proc.pid):
                try:
                    maps = Path(f"/proc/{pid}/maps").read_text()
                except OSError:
                    continue
                mapped |= {Path(line.split(None, 5)[5]) for line in maps.splitlines()
                           if len(line.split(None, 5)) == 6 and line.split(None, 5)[5].startswith(root)}
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
            stop()
    return mapped


def floor_size(bundle: Path) -> int:
    qt = bundle / "_internal" / "PySide6" / "Qt"
    must = mapped_bundle_files(bundle)
    must |= {p for p in (qt / "resources").iterdir()}
    must |= {p for p in (qt / "translations" / "qtwebengine_locales").iterdir()}
    must |= {bundle / "embeddable-desktop", qt / "libexec" / "QtWebEngineProcess",
             bundle / "_internal" / "base_library.zip"}
    return sum(p.stat().st_size for p in must if p.is_file())


def gzip_size(folder: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "bundle.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(folder, arcname=folder.name)
        return archive.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    bundle = args.dist / "embeddable-desktop"
    if not (bundle / "embeddable-desktop").exists():
        raise SystemExit(f"no bundle in {args.dist}: run python packaging/build.py linux first")
    with tempfile.TemporaryDirectory() as work:
        started = time.monotonic()
        naive = naive_bundle(Path(work))
        naive_seconds = time.monotonic() - started
        naive_size, naive_gz = tree_size(naive), gzip_size(naive)
    size, floor = tree_size(bundle), floor_size(bundle)
    print(f"{'naive PyInstaller bundle (baseline)':<40} {sizes(naive_size)} installed, {sizes(naive_gz)} tar.gz "
          f"(built in {naive_seconds:.0f} s)")
    print(f"{'the bundle':<40} {sizes(size)} installed, {sizes(gzip_size(bundle))} tar.gz")
    print(f"{'floor (mapped when running + resources)':<40} {sizes(floor)}")
    for package in sorted(args.dist.glob("*.deb")) + sorted(args.dist.glob("*.rpm")):
        print(f"{package.name:<40} {sizes(package.stat().st_size)}")
    print(f"ratio     bundle/naive {size / naive_size:.2f}x   bundle/floor {size / floor:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
