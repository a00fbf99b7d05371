"""The .deb on a fresh, minimal Debian 12: apt brings everything, and the phone comes up on an X11 screen.

A minimal Debian 12 (``debootstrap --variant=minbase``, no X libraries, no Qt dependencies) is made in a
temporary folder; the .deb is installed there with apt, without Recommends, so Depends alone must be
enough; then the installed app runs in it under Qt's xcb plugin on a virtual screen and loads a page. Mounts
live in a private mount namespace, so nothing is left mounted. Needs root, debootstrap and Debian's mirror.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.packaging.conftest import Built
from tests.support.local_page import local_page
from tests.support.requirements import require
from tests.support.xvfb import screenshot, virtual_screen

pytestmark = pytest.mark.timeout(1500)
PAGE = b"<!doctype html><title>minimal</title><body style='background:#0a7'><h1>Phone stand-in</h1></body>"


def in_system(root: Path, command: str) -> list[str]:
    """``command`` (a shell line) run inside ``root`` with /proc, /dev, /sys and the X socket mounted."""
    mounts = " && ".join(f"mount --bind /{name} {shlex.quote(str(root / name))}" for name in ("proc", "dev", "sys"))
    mounts += f" && mount --bind /tmp/.X11-unix {shlex.quote(str(root / 'tmp/.X11-unix'))}"
    return ["unshare", "--mount", "sh", "-c", f"{mounts} && exec chroot {shlex.quote(str(root))} {command}"]


def test_the_deb_installs_and_runs_on_a_minimal_debian(built: Built, tmp_path: Path) -> None:
    require(hasattr(os, "geteuid") and os.geteuid() == 0, "a minimal system is made and entered as root")
    missing = [tool for tool in ("debootstrap", "unshare", "Xvfb", "import") if shutil.which(tool) is None]
    require(not missing, f"missing: {', '.join(missing)}")
    root = tmp_path / "debian12"
    made = subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(root), "http://deb.debian.org/debian"],
                          capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert not list((root / "usr/lib/x86_64-linux-gnu").glob("libxcb-cursor.so*"))  # really minimal
    shutil.copy(built.deb, root / "tmp" / built.deb.name)
    (root / "tmp/.X11-unix").mkdir(exist_ok=True)
    install = subprocess.run(in_system(root, "env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
                                       f"--no-install-recommends /tmp/{built.deb.name}"),
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    page, stop_page = local_page(PAGE)  # the chroot shares this machine's network
    url = page.rsplit("/", 1)[0]
    with virtual_screen("1024x768x24") as display:
        app = subprocess.Popen(in_system(root, f"env DISPLAY={display} QT_QPA_PLATFORM=xcb HOME=/root "
                                         f"/usr/bin/embeddable-desktop --env custom --app-server {url} --widget-url "
                                         f"{url}/app.html --data-dir /tmp/data"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        log = root / "tmp/data/logs/embeddable-desktop.log"
        try:
            deadline = time.monotonic() + 60
            while "widget page loaded" not in (log.read_text() if log.exists() else ""):
                assert app.poll() is None, app.stderr.read() if app.stderr else ""
                assert time.monotonic() < deadline, log.read_text() if log.exists() else "no log"
                time.sleep(0.2)
            time.sleep(1)
            assert screenshot(display, tmp_path / "minimal-debian.png") > 20, "the screen is blank"
            app.terminate()  # SIGTERM through unshare's exec chain reaches the app itself
            assert app.wait(30) == 0
            assert "Embeddable Desktop stopped" in log.read_text()
        finally:
            if app.poll() is None:
                app.kill()
            stop_page()
