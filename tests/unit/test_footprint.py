"""The performance tuning is decided per machine, logged in one line, and off with one setting."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from desktop.core.chromium_flags import chromium_flags
from desktop.core.footprint import (
    ALWAYS_FLAGS,
    LINUX_FLAGS,
    NO_GPU_ENVIRON,
    NO_GPU_FLAGS,
    Machine,
    apply_tuning,
    decide,
    no_gpu_reason,
    overridden,
)
from desktop.core.options import parse_settings
from desktop.core.page_memory import EXPOSE_FLAG
from desktop.core.settings import Layer, Policy
from desktop.services.gpu_probe import has_render_node

GPU_LINUX = Machine("linux", {"QT_QPA_PLATFORM": "xcb"}, render_node=True)


@pytest.mark.parametrize(("machine", "reason"), [
    (Machine("linux", {"QT_QPA_PLATFORM": "offscreen"}, render_node=True), "the Qt platform is offscreen"),
    (Machine("linux", {"QT_QPA_PLATFORM": "minimal:foo=1"}, render_node=True), "the Qt platform is minimal"),
    (Machine("linux", {"LIBGL_ALWAYS_SOFTWARE": "1"}, render_node=True), "LIBGL_ALWAYS_SOFTWARE=1"),
    (Machine("win32", {"QT_OPENGL": "software"}), "QT_OPENGL=software"),
    (Machine("linux", {"WAYLAND_DISPLAY": "wayland-0"}, render_node=False), "no GPU render node in /dev/dri"),
    (Machine("win32", {}, remote_session=True), "a remote desktop session"),
])
def test_machines_without_a_gpu_get_no_gpu_service(machine: Machine, reason: str) -> None:
    assert reason in (no_gpu_reason(machine) or "")
    tuning = decide(True, machine)
    linux = LINUX_FLAGS if machine.system == "linux" else ()
    assert tuning.flags == ALWAYS_FLAGS + linux + NO_GPU_FLAGS
    assert "no GPU to use" in tuning.decision and reason in tuning.decision
    assert ("one zygote" in tuning.decision) == bool(linux)


@pytest.mark.parametrize("machine", [
    GPU_LINUX,
    Machine("linux", {"WAYLAND_DISPLAY": "wayland-0", "LIBGL_ALWAYS_SOFTWARE": "0"}, render_node=True),
    Machine("win32", {}),
    Machine("darwin", {}),
])
def test_machines_that_may_have_a_gpu_keep_it(machine: Machine) -> None:
    tuning = decide(True, machine)
    assert tuning.flags == ALWAYS_FLAGS + (LINUX_FLAGS if machine.system == "linux" else ())
    assert "keeps its GPU service" in tuning.decision


def test_the_setting_turns_the_tuning_off_everywhere() -> None:
    tuning = decide(False, Machine("linux", {"QT_QPA_PLATFORM": "offscreen"}, render_node=False))
    assert tuning.flags == ()
    assert "performance_tuning" in tuning.decision and "off" in tuning.decision


def test_the_tuning_comes_after_the_persons_own_flags_and_never_twice() -> None:
    flags = shlex.split(chromium_flags("--lang=de --disable-gpu", running_as_root=False, tuning=NO_GPU_FLAGS))
    assert flags[:2] == ["--lang=de", "--disable-gpu"] and flags.count("--disable-gpu") == 1
    assert "--disable-gpu" in shlex.split(chromium_flags(None, running_as_root=False, tuning=NO_GPU_FLAGS))
    assert "--disable-gpu" not in shlex.split(chromium_flags(None, running_as_root=False))


def test_the_setting_is_on_by_default_and_it_can_lock_it_off(tmp_path: Path) -> None:
    argv = ["--data-dir", str(tmp_path)]
    options, _, _ = parse_settings(argv, tmp_path)
    assert options.performance_tuning is True
    options, resolution, _ = parse_settings(argv, tmp_path, policy=Policy("GPO", {"performance_tuning": False}),
                                            layers=[Layer("user file", "settings.json", {"performance_tuning": True})])
    assert options.performance_tuning is False and resolution.is_locked("performance_tuning")


def test_render_nodes_are_found_by_name(tmp_path: Path) -> None:
    assert has_render_node(tmp_path / "missing") is False
    (tmp_path / "card0").touch()
    assert has_render_node(tmp_path) is False
    (tmp_path / "renderD128").touch()
    assert has_render_node(tmp_path) is True


def test_what_the_persons_own_settings_override_is_named() -> None:
    tuning = decide(True, Machine("linux", {"QT_QPA_PLATFORM": "xcb"}, render_node=False))
    mine = chromium_flags("--js-flags=--max-lazy", running_as_root=False, tuning=tuning.flags)
    environ = dict(NO_GPU_ENVIRON, QT_QUICK_BACKEND="rhi")
    assert overridden(tuning, mine, environ) == [EXPOSE_FLAG, "QT_QUICK_BACKEND=software"]
    applied = chromium_flags(None, running_as_root=False, tuning=tuning.flags)
    assert overridden(tuning, applied, NO_GPU_ENVIRON) == []
    assert overridden(tuning, applied, dict(NO_GPU_ENVIRON, QT_XCB_GL_INTEGRATION="xcb_glx")) == [
        "QT_XCB_GL_INTEGRATION=none"]


def test_applying_puts_the_tuning_where_qt_reads_it_and_keeps_the_persons_own() -> None:
    tuning = decide(True, Machine("linux", {"QT_QPA_PLATFORM": "xcb"}, render_node=False))
    environ = {"QTWEBENGINE_CHROMIUM_FLAGS": "--lang=de"}
    assert apply_tuning(tuning, environ, running_as_root=False) == []
    assert {name: environ[name] for name in NO_GPU_ENVIRON} == NO_GPU_ENVIRON
    assert NO_GPU_ENVIRON["QT_XCB_GL_INTEGRATION"] == "none" and NO_GPU_ENVIRON["QT_QUICK_BACKEND"] == "software"
    flags = shlex.split(environ["QTWEBENGINE_CHROMIUM_FLAGS"])
    assert flags[0] == "--lang=de" and all(flag in flags for flag in tuning.flags)
    assert "--disable-background-timer-throttling" in flags and "--no-sandbox" not in flags
    mine = {"QTWEBENGINE_CHROMIUM_FLAGS": "--js-flags=--max-lazy", "QT_QUICK_BACKEND": "rhi"}
    assert apply_tuning(tuning, mine, running_as_root=True) == [EXPOSE_FLAG,
                                                                "QT_QUICK_BACKEND=software"]
    assert mine["QT_QUICK_BACKEND"] == "rhi" and "--no-sandbox" in shlex.split(mine["QTWEBENGINE_CHROMIUM_FLAGS"])
