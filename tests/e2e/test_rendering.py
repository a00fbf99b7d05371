"""The signed-in phone draws on X11 and on Wayland, with the performance tuning on and off (issue 12).

The tuning decides per machine whether anything loads GL (desktop.core.footprint); here, where there is no GPU,
"on" means nothing does (software compositing, windows in shared memory), "off" means Chromium's GPU service and
Qt's window on a software GL driver (Mesa's llvmpipe, with LLVM) loaded into the app's process. Each run signs in
through the scripted browser, checks the one log line naming the decision and the GL driver that follows from it
(in the process maps), and on X11 and Wayland takes a screenshot (kept when EMBEDDABLE_DESKTOP_SCREENSHOTS names
a folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from desktop.core.footprint import NO_GPU_ENVIRON, NO_GPU_FLAGS, decide
from desktop.core.page_memory import EXPOSE_FLAG
from desktop.services.gpu_probe import this_machine
from tests.e2e.test_app_process import Running, setup, signing_in
from tests.support.processes import tree_pids, unsandboxed_zygotes
from tests.support.requirements import require
from tests.support.xvfb import colours, screenshot, virtual_screen

pytestmark = pytest.mark.e2e
__all__ = ["setup"]


def untuned(env: dict[str, str]) -> dict[str, str]:
    """``env`` without the test suite's own tuning (tests/conftest.py): the app adds its own (and, as root,
    ``--no-sandbox``), or none when off."""
    env = dict(env, QTWEBENGINE_CHROMIUM_FLAGS="--use-fake-device-for-media-stream")
    for name in NO_GPU_ENVIRON:
        env.pop(name, None)
    return env


def gl_drivers(root: int) -> set[str]:
    """The GL drivers (Mesa's *_dri.so, libgallium, LLVM) mapped by any process of the tree."""
    found = set()
    for pid in tree_pids(root):
        try:
            maps = Path(f"/proc/{pid}/maps").read_text()
        except OSError:
            continue
        for line in maps.splitlines():
            name = line.rsplit("/", 1)[-1]
            if "/" in line and (name.endswith("_dri.so") or name.startswith(("libgallium", "libLLVM"))):
                found.add(name)
    return found


def window_geometry(display: str, title: str) -> tuple[int, int, int, int]:
    """x, y, width and height of the window named ``title``, as the X server has them."""
    info = subprocess.run(["xwininfo", "-display", display, "-name", title], capture_output=True, text=True,
                          check=True, timeout=30).stdout
    fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in info.splitlines()) if v}
    return (int(fields["Absolute upper-left X"]), int(fields["Absolute upper-left Y"]), int(fields["Width"]),
            int(fields["Height"]))


def check_signed_in_and_tuned(app: Running, env: dict[str, str], tuning: str) -> None:
    """Signed in, the decision logged, a GL driver and the unsandboxed zygote exactly when the tuning is off."""
    app.wait_for("widget login status: signed in")
    expected = decide(tuning == "true", this_machine(env))
    assert expected.decision.count("performance tuning") == 1
    assert f"INFO desktop: {expected.decision}" in app.log()
    if tuning == "true":  # V8's collector is exposed, and the app collects the page's garbage once it is ready
        app.wait_for("collected the page's garbage once the phone was ready")
    time.sleep(1.5)  # let the signed-in phone paint
    drivers = gl_drivers(app.proc.pid)
    assert ("page's garbage" in app.log()) == (tuning == "true")
    if tuning == "true":
        assert all(flag in expected.flags for flag in NO_GPU_FLAGS)
        assert not drivers, f"the tuned app loaded {drivers}"
        assert unsandboxed_zygotes(app.proc.pid) == 0, "the tuned app started Chromium's unsandboxed zygote"
    else:
        assert drivers, "the untuned app ran without a software GL driver: this test no longer shows the lever"
        assert unsandboxed_zygotes(app.proc.pid) == 1, "the untuned app has no unsandboxed zygote: this test no " \
                                                       "longer shows the lever"


@pytest.mark.parametrize("tuning", ["true", "false"])
def test_offscreen(app_program: Path, setup, tmp_path: Path, tuning: str) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    env = untuned(dict(env, QT_QPA_PLATFORM="offscreen", EMBEDDABLE_DESKTOP_PERFORMANCE_TUNING=tuning))
    app = Running(app_program, argv, env, log_file)
    try:
        check_signed_in_and_tuned(app, env, tuning)
    finally:
        assert app.terminate() == 0


def test_own_v8_flags_replace_the_collector_and_the_log_says_so(app_program: Path, setup, tmp_path: Path) -> None:
    argv, env, log_file = signing_in(setup, tmp_path)
    env = untuned(dict(env, QT_QPA_PLATFORM="offscreen"))
    env["QTWEBENGINE_CHROMIUM_FLAGS"] += " --js-flags=--max-lazy"  # a developer's own V8 flags
    app = Running(app_program, argv, env, log_file)
    try:
        app.wait_for("widget login status: signed in")
        app.wait_for("the page's garbage is not collected: V8's collector is not exposed")
        assert f"{EXPOSE_FLAG} not applied; the environment sets its own" in app.log()
        assert "collected the page's garbage" not in app.log()
    finally:
        assert app.terminate() == 0


@pytest.mark.parametrize("tuning", ["true", "false"])
def test_x11(app_program: Path, setup, tmp_path: Path, tuning: str) -> None:
    require(all(shutil.which(t) for t in ("Xvfb", "import", "convert", "xwininfo")),
            "Xvfb, ImageMagick and x11-utils are needed")
    argv, env, log_file = signing_in(setup, tmp_path)
    with virtual_screen() as display:
        env = untuned(dict(env, QT_QPA_PLATFORM="xcb", DISPLAY=display,
                           EMBEDDABLE_DESKTOP_PERFORMANCE_TUNING=tuning))
        app = Running(app_program, argv, env, log_file)
        try:
            check_signed_in_and_tuned(app, env, tuning)
            shot = tmp_path / f"x11-tuning-{tuning}.png"
            assert screenshot(display, shot) > 20, "the screen is blank"
            # The page itself, below the menus and the environment strip: the fake widget's text, antialiased.
            x, y, width, height = window_geometry(display, "custom — Embeddable Desktop")
            page = tmp_path / f"x11-page-{tuning}.png"
            subprocess.run(["convert", str(shot), "-crop", f"{width}x{height - 80}+{x}+{y + 80}", str(page)],
                           check=True, timeout=60)
            assert colours(page) > 10, "the window is there, but the page in it is blank"
        finally:
            assert app.terminate() == 0


@contextmanager
def wayland_compositor(runtime: Path) -> Iterator[str]:
    """Weston, headless, drawing with pixman (its default draws nothing) and with screenshots allowed (--debug);
    yields the socket's name."""
    runtime.mkdir(mode=0o700)
    name = "wayland-embeddable-test"
    compositor = subprocess.Popen(["weston", "--backend=headless-backend.so", "--use-pixman", "--debug",
                                   f"--socket={name}",
                                   "--idle-time=0", "--width=1024", "--height=768"],
                                  env=dict(os.environ, XDG_RUNTIME_DIR=str(runtime)), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not (runtime / name).exists():
            assert compositor.poll() is None and time.monotonic() < deadline, "weston did not start"
            time.sleep(0.1)
        yield name
    finally:
        compositor.terminate()
        compositor.wait(10)


@pytest.mark.parametrize("tuning", ["true", "false"])
def test_wayland(app_program: Path, setup, tmp_path: Path, tuning: str) -> None:
    require(all(shutil.which(t) for t in ("weston", "weston-screenshooter", "convert")),
            "weston (a headless Wayland compositor) and ImageMagick are needed")
    argv, env, log_file = signing_in(setup, tmp_path)
    runtime = tmp_path / "runtime"
    with wayland_compositor(runtime) as socket:
        env = untuned(dict(env, QT_QPA_PLATFORM="wayland", WAYLAND_DISPLAY=socket, XDG_RUNTIME_DIR=str(runtime),
                           EMBEDDABLE_DESKTOP_PERFORMANCE_TUNING=tuning))
        env.pop("DISPLAY", None)
        app = Running(app_program, argv, env, log_file)
        try:
            check_signed_in_and_tuned(app, env, tuning)
            shots = tmp_path / "shots"
            shots.mkdir()
            subprocess.run(["weston-screenshooter"], env=env, cwd=shots, check=True, timeout=30)
            shot = next(shots.glob("*.png"))
            assert colours(shot) > 20, "the screen is blank"
        finally:
            assert app.terminate() == 0
