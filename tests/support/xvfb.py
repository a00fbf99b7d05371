"""A virtual X screen for tests that look at what a person sees, and a screenshot of it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def virtual_screen(size: str = "1280x800x24") -> Iterator[str]:
    """Xvfb on a free display (it picks the number and reports it when ready); yields ``":N"``."""
    with virtual_screen_server(size) as (display, _):
        yield display


@contextmanager
def virtual_screen_server(size: str = "1280x800x24") -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Like :func:`virtual_screen`, also yielding the X server's process (for a test that kills it)."""
    read, write = os.pipe()
    screen = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    os.close(write)
    with os.fdopen(read) as ready:
        number = ready.readline().strip()  # written once the server accepts connections
    try:
        if not number:
            raise AssertionError(f"Xvfb did not start: {screen.stderr.read() if screen.stderr else ''}")
        yield f":{number}", screen
    finally:
        screen.terminate()
        screen.wait(10)


def screenshot(display: str, target: Path) -> int:
    """Saves the whole screen as PNG; returns how many colours it has (a blank screen has one or two).

    When EMBEDDABLE_DESKTOP_SCREENSHOTS names a folder, a copy goes there for a person to look at."""
    subprocess.run(["import", "-display", display, "-window", "root", str(target)], check=True, timeout=60)
    return colours(target)


def colours(image: Path) -> int:
    """How many colours a screenshot has; a copy goes to EMBEDDABLE_DESKTOP_SCREENSHOTS when that names a folder."""
    count = subprocess.run(["convert", str(image), "-format", "%k", "info:"], check=True, capture_output=True,
                           text=True, timeout=60).stdout
    if os.environ.get("EMBEDDABLE_DESKTOP_SCREENSHOTS"):
        shutil.copy(image, os.environ["EMBEDDABLE_DESKTOP_SCREENSHOTS"])
    return int(count)
