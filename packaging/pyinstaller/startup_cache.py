"""Make the start-up cache the packaged app carries: ``python startup_cache.py OUTPUT`` (run by the spec).

The packaged app never writes code at run time (desktop/services/trusted_cache.py): what importing PySide6
compiles is compiled here, once, when the package is built, and the bundle carries the file, read-only and
owned by root once installed. Run it with the Python the bundle is built from (the one running PyInstaller):
the file is only used by the same Python build and ``-O`` level, which the running app checks as for any cache
file. The spec starts it in a fresh process with ``-I`` (no PYTHON* variables, which could change what compiles)
and the builder's ``-O`` level, so that ``import PySide6`` here compiles exactly what the bundle's first import
compiles.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the app's package, installed or not (-I leaves out the current folder)

from desktop.services.compile_cache import compiled_once  # noqa: E402
from desktop.services.trusted_cache import StartupCache  # noqa: E402


def main(output: Path) -> int:
    if "PySide6" in sys.modules:  # nothing would be compiled (and so nothing kept)
        print("startup_cache.py: PySide6 was imported before the cache could record it", file=sys.stderr)
        return 1
    # A folder of this run's own (0700): the writer keeps a file only in a folder nobody else may write.
    with tempfile.TemporaryDirectory() as folder:
        cache = StartupCache(file=Path(folder) / output.name, root=Path(folder))
        with compiled_once(cache) as recorder:
            import PySide6  # noqa: F401, PLC0415 - what the bundle's start-up imports first
        if recorder.compiled == 0 or recorder.not_kept is not None:
            print(f"startup_cache.py: nothing kept ({recorder.compiled} pieces compiled; {recorder.not_kept})",
                  file=sys.stderr)
            return 1
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(cache.file.read_bytes())
    os.chmod(output, 0o644)  # everyone's to read, nobody's to write: the installed package makes it root's
    print(f"start-up cache: {recorder.compiled} pieces of PySide6's support code, {output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: startup_cache.py OUTPUT")
    sys.exit(main(Path(sys.argv[1])))
