"""The packaged app's start-up cache: made when the bundle is built, carried read-only, used, and never written.

desktop/services/trusted_cache.py: the packaged app writes no code at run time. The bundle carries what importing
PySide6 compiles (packaging/pyinstaller/startup_cache.py, run by the spec), and the bundle's runtime hook imports
PySide6 from it before PyInstaller's own hook would import it uncached.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from desktop.services.compile_cache import MARK
from desktop.services.trusted_cache import BUNDLED_NAME
from tests.e2e.test_app_process import Running
from tests.packaging.conftest import Built

pytestmark = pytest.mark.timeout(1500)  # the first test builds everything (about four minutes here)

SERVED = re.compile(r"PySide6's support code served from the start-up cache \((\d+) pieces\): (\S+)")


def test_the_bundle_and_the_deb_carry_the_start_up_cache_read_only(built: Built) -> None:
    carried = built.bundle / "_internal" / BUNDLED_NAME
    assert carried.read_bytes().startswith(MARK) and carried.stat().st_size > 100_000
    assert carried.stat().st_mode & 0o777 == 0o644
    listing = subprocess.run(["dpkg-deb", "-c", str(built.deb)], check=True, capture_output=True, text=True).stdout
    line = next(line for line in listing.splitlines() if line.endswith(f"/opt/embeddable-desktop/_internal/"
                                                                        f"{BUNDLED_NAME}"))
    assert line.split()[:2] == ["-rw-r--r--", "root/root"], line


def test_the_bundled_app_serves_it_and_writes_nothing_to_the_persons_cache(built: Built, tmp_path: Path) -> None:
    home, cache_home, data = tmp_path / "home", tmp_path / "cache", tmp_path / "data"
    home.mkdir()
    cache_home.mkdir(mode=0o700)
    # Nothing answers on port 9: the phone shows its offline screen; PySide6 is imported long before.
    argv = ["--env", "custom", "--app-server", "http://127.0.0.1:9", "--client-id", "bundle-test",
            "--widget-url", "http://127.0.0.1:9/app.html", "--data-dir", str(data)]
    env = dict(os.environ, HOME=str(home), XDG_CACHE_HOME=str(cache_home))
    app = Running(built.bundle / "embeddable-desktop", argv, env, data / "logs" / "embeddable-desktop.log")
    try:
        app.wait_for("served from the start-up cache", timeout=60)
        assert app.terminate() == 0
    finally:
        if app.proc.poll() is None:
            app.proc.kill()
    log = app.log()
    served = SERVED.search(log)
    assert served and int(served.group(1)) >= 14, log  # PySide6's embedded modules at least
    assert served.group(2).endswith(f"/embeddable-desktop/_internal/{BUNDLED_NAME}")  # the log masks long numbers
    assert "support code compiled" not in log
    assert not list(cache_home.iterdir()), list(cache_home.rglob("*"))
