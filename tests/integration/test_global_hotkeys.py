"""Global hotkeys on a real X server (Xvfb): keys pressed with xdotool (XTEST, as a keyboard would) reach the
grab whichever window has the focus, with NumLock lit too, and a combination another program holds is a
warning, not a crash.

Each probe (tests/support/hotkey_probe.py) is a process of its own: it needs Qt's xcb platform, and this test
process already has its QApplication on the offscreen one. The Wayland backend talks to a stand-in portal on a
private bus (tests/support/shortcuts_portal.py): a real one needs a Wayland desktop.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.requirements import require
from tests.support.shortcuts_portal import FakePortal, run_portal_hotkeys
from tests.support.xvfb import virtual_screen

PROBE = Path(__file__).resolve().parents[1] / "support" / "hotkey_probe.py"
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    require(shutil.which("Xvfb") is not None and shutil.which("xdotool") is not None,
            "Xvfb and xdotool are needed to press global hotkeys on a virtual screen")
    require(importlib.util.find_spec("Xlib") is not None, "python-xlib (a dependency on Linux) is not installed")
    with virtual_screen() as name:
        yield name


class Probe:
    """A running hotkey_probe.py; its stdout lines arrive in a queue (a thread reads them)."""

    def __init__(self, display: str, *hotkeys: str) -> None:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        self.process = subprocess.Popen([sys.executable, str(PROBE), "--seconds", "60", *hotkeys], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.log: list[str] = []  # stderr: the app's log lines
        self._readers = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=lambda: self.log.extend(self.process.stderr or ()), daemon=True)]
        for reader in self._readers:
            reader.start()
        self.expect("ready")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, wanted: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while wanted not in self.seen:
            try:
                self.seen.append(self.lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"no {wanted!r} from the probe; it said {self.seen}") from None

    def triggered(self, settle: float = 1.0) -> list[str]:
        """The actions triggered so far (after ``settle`` seconds for late ones)."""
        time.sleep(settle)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return [line.removeprefix("triggered ") for line in self.seen if line.startswith("triggered ")]

    def finish(self) -> str:
        """Close stdin (the probe's signal to stop); returns its stderr (the log) once it exited with 0."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        for reader in self._readers:  # both pipes to their end
            reader.join(timeout=10)
        self.expect("closed", timeout=5)
        err = "".join(self.log)
        assert self.process.returncode == 0, err[-3000:]
        return err


def press(display: str, *keys: str) -> None:
    for key in keys:
        subprocess.run(["xdotool", "key", key], env=dict(os.environ, DISPLAY=display), check=True, timeout=30)


def num_lock_is_on(display: str) -> bool:
    from Xlib import X  # type: ignore[import-untyped]
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        return bool(connection.screen().root.query_pointer().mask & X.Mod2Mask)  # NumLock is Mod2 on Xvfb
    finally:
        connection.close()


def test_each_hotkey_triggers_its_action_and_other_keys_do_not(display: str) -> None:
    probe = Probe(display, "mute=Ctrl+Alt+M", "answer_or_hang_up=Super+F9")
    press(display, "ctrl+alt+m", "super+F9", "ctrl+alt+n", "ctrl+m", "F9", "ctrl+alt+m")
    assert probe.triggered() == ["mute", "answer_or_hang_up", "mute"]
    err = probe.finish()
    assert "hotkey pressed: mute" in err and "WARNING" not in err


def test_named_and_media_keys(display: str) -> None:
    probe = Probe(display, "mute=MediaPlay", "show_hide=Alt+Super+PageUp", "dial_selection=Ctrl+Alt+Space")
    press(display, "XF86AudioPlay", "alt+super+Prior", "ctrl+alt+space")
    assert probe.triggered() == ["mute", "show_hide", "dial_selection"]
    probe.finish()


def test_a_lit_num_lock_or_caps_lock_does_not_turn_them_off(display: str) -> None:
    probe = Probe(display, "mute=Ctrl+Alt+M", "show_hide=Ctrl+Shift+F2")
    press(display, "Num_Lock")
    try:
        assert num_lock_is_on(display)
        press(display, "ctrl+alt+m", "ctrl+shift+F2")
        press(display, "Caps_Lock")
        press(display, "ctrl+alt+m")
        press(display, "Caps_Lock")
    finally:
        press(display, "Num_Lock")  # off again for the other tests
    assert not num_lock_is_on(display)
    assert probe.triggered() == ["mute", "show_hide", "mute"]
    probe.finish()


def test_holding_a_hotkey_is_one_press(display: str) -> None:
    probe = Probe(display, "answer_or_hang_up=Ctrl+Alt+A")
    env = dict(os.environ, DISPLAY=display)
    # Long enough for the server's auto-repeat (it starts after 660 ms): a held answer key must not answer,
    # hang up and answer again.
    subprocess.run(["xdotool", "keydown", "ctrl+alt+a", "sleep", "1.5", "keyup", "ctrl+alt+a"], env=env,
                   check=True, timeout=30)
    assert probe.triggered() == ["answer_or_hang_up"]
    probe.finish()


def test_a_hotkey_another_program_holds_is_a_warning_and_the_others_work(display: str) -> None:
    first = Probe(display, "mute=Ctrl+Alt+M")
    second = Probe(display, "mute=Ctrl+Alt+M", "show_hide=Super+F10")
    problem = "problem hotkey Ctrl+Alt+M (mute) is not available: another program already uses it"
    assert any(line.startswith(problem) for line in second.seen), second.seen
    press(display, "ctrl+alt+m", "super+F10")
    assert first.triggered() == ["mute"]
    assert second.triggered(settle=0) == ["show_hide"]
    err = second.finish()
    assert "WARNING desktop.hotkeys: hotkey Ctrl+Alt+M (mute) is not available" in err
    first.finish()



def test_a_new_keyboard_layout_moves_the_grab_with_the_key(display: str) -> None:
    """Another layout puts M on another key (as setxkbmap would): the hotkey follows it."""
    from Xlib import XK
    from Xlib import display as xdisplay

    probe = Probe(display, "mute=Ctrl+Alt+M")
    connection = xdisplay.Display(display)
    try:
        first, last = connection.display.info.min_keycode, connection.display.info.max_keycode
        mapping = connection.get_keyboard_mapping(first, last - first + 1)
        old = connection.keysym_to_keycode(XK.string_to_keysym("m"))
        spare = next(first + i for i, syms in reversed(list(enumerate(mapping))) if not any(syms))
        connection.change_keyboard_mapping(spare, [mapping[old - first]])
        connection.change_keyboard_mapping(old, [[0] * len(mapping[0])])
        connection.sync()
        try:
            time.sleep(0.5)  # the probe hears of it (MappingNotify) and grabs again
            press(display, "ctrl+alt+m")
            assert probe.triggered() == ["mute"]
        finally:
            connection.change_keyboard_mapping(old, [mapping[old - first]])
            connection.change_keyboard_mapping(spare, [mapping[spare - first]])
            connection.sync()
    finally:
        connection.close()
    probe.finish()


# --- Wayland: the GlobalShortcuts portal, played by a stand-in on a private bus --------------------------------
# The real portal needs a Wayland desktop that implements it; this checks our side of the conversation (the
# calls, their signatures, the Request paths the spec prescribes, the signals) against the spec as written.

@pytest.fixture
def bus(tmp_path: Path) -> Iterator[str]:
    require(shutil.which("dbus-daemon") is not None, "dbus-daemon is needed for a private session bus")
    from tests.support.notification_server import PrivateBus

    private = PrivateBus(tmp_path)
    yield private.address
    private.stop()


def test_the_portal_binds_the_hotkeys_and_reports_activations(bus: str) -> None:
    portal = FakePortal(bus)
    try:
        triggered, problems = run_portal_hotkeys(bus, lambda t, _: len(t) == 2, portal, ("show_hide", "mute"))
    finally:
        portal.stop()
    assert triggered == ["show_hide", "mute"] and problems == []
    assert portal.bound == [("mute", {"description": "Mute or unmute the call", "preferred_trigger": "CTRL+ALT+m"}),
                            ("show_hide", {"description": "Show or hide the phone", "preferred_trigger": "LOGO+F9"})]


def test_a_person_who_cancels_the_portal_dialog_is_a_problem_not_a_crash(bus: str) -> None:
    portal = FakePortal(bus, answer=1)
    try:
        triggered, problems = run_portal_hotkeys(bus, lambda _, p: bool(p), portal)
    finally:
        portal.stop()
    assert triggered == []
    assert problems == ["global hotkeys: the desktop's portal refused them (BindShortcuts: cancelled (response 1))"]


def test_without_the_portal_the_log_says_to_bind_the_desktops_shortcut(bus: str,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="desktop.hotkeys")
    triggered, problems = run_portal_hotkeys(bus, lambda _, __: "no GlobalShortcuts portal" in caplog.text)
    assert (triggered, problems) == ([], [])
    assert "bind the desktop's own keyboard shortcuts to `embeddable-desktop call mute`" in caplog.text


def test_where_there_is_no_way_to_grab_keys_the_log_says_what_to_do(qapp: Any,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """This test process runs Qt's offscreen platform: no keys to grab, one line saying what to do instead."""
    from desktop.core.hotkeys import parse_hotkey
    from desktop.ui.system.global_hotkeys import GlobalHotkeys

    caplog.set_level(logging.INFO, logger="desktop.hotkeys")
    hotkeys = GlobalHotkeys({"mute": parse_hotkey("Ctrl+Alt+M")})
    hotkeys.close()
    assert hotkeys.problems == []
    assert ("global hotkeys need X11 or Wayland, not the 'offscreen' platform; bind the system's own keyboard "
            "shortcut to `embeddable-desktop call mute`") in caplog.text
    GlobalHotkeys({}).close()  # none configured: nothing to do, nothing said
