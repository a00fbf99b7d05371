"""The macOS hotkey backend without a Mac: the key codes and modifier bits each hotkey becomes, the problems for
keys Carbon hot keys cannot take or combinations already taken, and the wiring through GlobalHotkeys with a
stand-in for Carbon that records the calls and replays hot key events through the real ctypes callback."""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Any

import pytest

from desktop.core.hotkeys import KEYSYMS, Hotkey, parse_hotkey
from desktop.ui.system import hotkeys_macos
from desktop.ui.system.global_hotkeys import GlobalHotkeys
from desktop.ui.system.hotkeys_macos import (
    EVENT_HOT_KEY_EXISTS_ERR,
    EVENT_NOT_HANDLED_ERR,
    K_EVENT_CLASS_KEYBOARD,
    K_EVENT_HOT_KEY_PRESSED,
    K_EVENT_PARAM_DIRECT_OBJECT,
    SIGNATURE,
    TYPE_EVENT_HOT_KEY_ID,
    VIRTUAL_KEYS,
    MacHotkeys,
    carbon_combination,
)

CMD, SHIFT, OPTION, CONTROL = 0x0100, 0x0200, 0x0800, 0x1000
TARGET = 0x7A7A0000
HANDLER_REF = 0x4A4A0000
UNREACHABLE = {"F21", "F22", "F23", "F24", "Pause", "Print", "MediaPlay", "MediaStop", "MediaNext",
               "MediaPrevious"}


@pytest.mark.parametrize(("text", "code", "modifiers"), [
    ("Ctrl+Alt+M", 0x2E, CONTROL | OPTION),
    ("Super+F9", 0x65, CMD),
    ("Ctrl+Shift+A", 0x00, CONTROL | SHIFT),
    ("Cmd+Alt+1", 0x12, CMD | OPTION),
    ("Ctrl+Alt+0", 0x1D, CONTROL | OPTION),
    ("Shift+F1", 0x7A, SHIFT),
    ("F20", 0x5A, 0),
    ("Ctrl+Win+Space", 0x31, CONTROL | CMD),
    ("Alt+Shift+Delete", 0x75, OPTION | SHIFT),
    ("Ctrl+Alt+Shift+Super+PageDown", 0x79, CONTROL | OPTION | SHIFT | CMD),
    ("Alt+Super+Insert", 0x72, OPTION | CMD),
    ("Ctrl+Super+Home", 0x73, CONTROL | CMD),
])
def test_key_codes_and_modifier_bits(text: str, code: int, modifiers: int) -> None:
    assert carbon_combination(parse_hotkey(text)) == (code, modifiers)


def test_every_key_name_has_a_distinct_code_or_is_known_unreachable() -> None:
    assert set(VIRTUAL_KEYS) | UNREACHABLE == set(KEYSYMS)
    assert not set(VIRTUAL_KEYS) & UNREACHABLE
    assert len(set(VIRTUAL_KEYS.values())) == len(VIRTUAL_KEYS)
    for key in UNREACHABLE:
        assert carbon_combination(Hotkey(frozenset(), key)) is None


class FakeCarbon:
    """Records what the backend asks of Carbon; ``refuse`` maps a key code to the OSStatus registering it gets;
    ``events`` maps an EventRef to the EventHotKeyID (signature, id) its parameter holds."""

    def __init__(self, refuse: dict[int, int] | None = None) -> None:
        self.refuse = refuse or {}
        self.registered: list[tuple[int, int, int, int, int, int]] = []
        self.unregistered: list[int | None] = []
        self.removed: list[int | None] = []
        self.handler: Any = None
        self.spec: tuple[int, int] | None = None
        self.events: dict[int, tuple[int, int]] = {}

    def GetApplicationEventTarget(self) -> int:
        return TARGET

    def InstallEventHandler(self, target: int, handler: Any, count: int, spec: Any, user_data: Any,
                            out: Any) -> int:
        assert (target, count) == (TARGET, 1)
        self.handler, self.spec = handler, (spec._obj.eventClass, spec._obj.eventKind)
        out._obj.value = HANDLER_REF
        return 0

    def RegisterEventHotKey(self, code: int, modifiers: int, hkid: Any, target: int, options: int,
                            out: Any) -> int:
        self.registered.append((code, modifiers, hkid.signature, hkid.id, target, options))
        if code in self.refuse:
            return self.refuse[code]
        out._obj.value = 0x1000 + hkid.id
        return 0

    def UnregisterEventHotKey(self, ref: ctypes.c_void_p) -> int:
        self.unregistered.append(ref.value)
        return 0

    def RemoveEventHandler(self, ref: ctypes.c_void_p) -> int:
        self.removed.append(ref.value)
        return 0

    def GetEventParameter(self, event: int, name: int, wanted: int, actual: Any, size: int, actual_size: Any,
                          out: Any) -> int:
        assert (name, wanted, actual, size, actual_size) == (K_EVENT_PARAM_DIRECT_OBJECT, TYPE_EVENT_HOT_KEY_ID,
                                                             None, 8, None)
        if event not in self.events:
            return -9870  # eventParameterNotFoundErr
        out._obj.signature, out._obj.id = self.events[event]
        return 0

    def press(self, event: int, hotkey_id: int, signature: int = SIGNATURE) -> int:
        """A hot key event through the real ctypes callback, as Carbon would call it; its OSStatus."""
        self.events[event] = (signature, hotkey_id)
        return int(self.handler(None, event, None))


@pytest.fixture
def carbon(monkeypatch: pytest.MonkeyPatch) -> FakeCarbon:
    fake = FakeCarbon()
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(hotkeys_macos, "_load_carbon", lambda: fake)
    return fake


def test_off_macos_the_backend_refuses_to_start() -> None:
    assert sys.platform != "darwin"
    with pytest.raises(OSError, match="Carbon hot keys exist on macOS only"):
        MacHotkeys({"mute": parse_hotkey("Ctrl+Alt+M")}, print, print)


def test_global_hotkeys_on_macos_registers_reports_presses_and_gives_them_back(qapp: Any,
                                                                               carbon: FakeCarbon) -> None:
    hotkeys = GlobalHotkeys({"answer_or_hang_up": parse_hotkey("Super+F9"), "mute": parse_hotkey("Ctrl+Alt+M"),
                             "show_hide": parse_hotkey("Ctrl+Shift+Space")})
    fired: list[str] = []
    hotkeys.triggered.connect(fired.append)
    assert carbon.spec == (K_EVENT_CLASS_KEYBOARD, K_EVENT_HOT_KEY_PRESSED)
    assert carbon.registered == [(0x65, CMD, SIGNATURE, 1, TARGET, 0),
                                 (0x2E, CONTROL | OPTION, SIGNATURE, 2, TARGET, 0),
                                 (0x31, CONTROL | SHIFT, SIGNATURE, 3, TARGET, 0)]
    assert hotkeys.problems == []

    assert carbon.press(101, 2) == 0
    assert carbon.press(102, 1) == 0
    assert carbon.press(103, 3) == 0
    assert fired == ["mute", "answer_or_hang_up", "show_hide"]
    # Not ours: another signature, an id never registered, an event without a hot key ID.
    assert carbon.press(104, 2, signature=int.from_bytes(b"Othr", "big")) == EVENT_NOT_HANDLED_ERR
    assert carbon.press(105, 9) == EVENT_NOT_HANDLED_ERR
    assert int(carbon.handler(None, 999, None)) == EVENT_NOT_HANDLED_ERR
    assert fired == ["mute", "answer_or_hang_up", "show_hide"]

    hotkeys.close()
    assert carbon.unregistered == [0x1001, 0x1002, 0x1003]
    assert carbon.removed == [HANDLER_REF]


def test_unreachable_keys_and_taken_combinations_are_problems_and_the_others_work(
        qapp: Any, carbon: FakeCarbon) -> None:
    carbon.refuse = {0x2E: EVENT_HOT_KEY_EXISTS_ERR, 0x65: -50}
    hotkeys = GlobalHotkeys({"answer_or_hang_up": parse_hotkey("MediaPlay"), "mute": parse_hotkey("Ctrl+Alt+M"),
                             "show_hide": parse_hotkey("Super+F9"), "dial_selection": parse_hotkey("Super+F21")})
    fired: list[str] = []
    hotkeys.triggered.connect(fired.append)
    assert hotkeys.problems == [
        "hotkey MediaPlay (answer_or_hang_up) is not available: macOS hot keys cannot use the MediaPlay key; "
        "choose another combination",
        "hotkey Ctrl+Alt+M (mute) is not available: another program already uses it; choose another combination",
        "hotkey Super+F9 (show_hide) is not available: macOS error -50; choose another combination",
        "hotkey Super+F21 (dial_selection) is not available: macOS hot keys cannot use the F21 key; "
        "choose another combination",
    ]
    assert [(code, number) for code, _, _, number, _, _ in carbon.registered] == [(0x2E, 2), (0x65, 3)]
    assert carbon.press(1, 2) == EVENT_NOT_HANDLED_ERR  # refused, so never reported
    assert fired == []
    hotkeys.close()
    assert carbon.unregistered == []
    assert carbon.removed == [HANDLER_REF]


def test_an_action_that_raises_stays_out_of_carbon(carbon: FakeCarbon, caplog: pytest.LogCaptureFixture) -> None:
    def boom(action: str) -> None:
        raise RuntimeError(f"no {action}")

    backend = MacHotkeys({"mute": parse_hotkey("Ctrl+Alt+M")}, boom, print)
    with caplog.at_level(logging.ERROR, logger="desktop.hotkeys"):
        assert carbon.press(7, 1) == EVENT_NOT_HANDLED_ERR
    assert "the hot key event handler failed" in caplog.text
    backend.close()


def test_without_carbon_the_log_says_what_to_do(qapp: Any, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    def missing() -> None:
        raise OSError("dlopen(Carbon) failed")

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(hotkeys_macos, "_load_carbon", missing)
    with caplog.at_level(logging.INFO, logger="desktop.hotkeys"):
        hotkeys = GlobalHotkeys({"mute": parse_hotkey("Ctrl+Alt+M")})
    assert "global hotkeys: dlopen(Carbon) failed; bind the system's own keyboard shortcut" in caplog.text
    assert "global hotkeys: mute" not in caplog.text
    hotkeys.close()
