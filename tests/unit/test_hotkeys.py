"""Global hotkeys as settings: good spellings normalised, bad ones refused with what is wrong; the text a hotkey
dials accepted only when it is a tel:/callto: link or a phone number; the policy schema agrees with the reader."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

from desktop.core.dial_links import MAX_DIGITS, DialRequest
from desktop.core.hotkeys import (
    KEYSYMS,
    SETTING_ACTIONS,
    Hotkey,
    configured_hotkeys,
    convert,
    dial_text,
    parse_hotkey,
)
from desktop.core.settings import resolve
from desktop.core.settings_schema import GLOBAL_SETTINGS
from desktop.fleet import json_schema
from desktop.services.policy_sources import policy_from_data


@pytest.mark.parametrize(("text", "modifiers", "key"), [
    ("Ctrl+Alt+A", {"Ctrl", "Alt"}, "A"),
    ("Super+F9", {"Super"}, "F9"),
    ("Ctrl+Shift+M", {"Ctrl", "Shift"}, "M"),
    ("ctrl + alt + m", {"Ctrl", "Alt"}, "M"),
    ("Control+Alt+pgup", {"Ctrl", "Alt"}, "PageUp"),
    ("Win+Ctrl+P", {"Super", "Ctrl"}, "P"),
    ("Cmd+Alt+1", {"Super", "Alt"}, "1"),
    ("F24", set(), "F24"),
    ("Pause", set(), "Pause"),
    ("mediaplay", set(), "MediaPlay"),
    ("Shift+F1", {"Shift"}, "F1"),
    ("Alt+Shift+Delete", {"Alt", "Shift"}, "Delete"),
])
def test_good_hotkeys(text: str, modifiers: set[str], key: str) -> None:
    assert parse_hotkey(text) == Hotkey(frozenset(modifiers), key)


@pytest.mark.parametrize(("text", "message"), [
    ("Ctrl+Alt", "'Ctrl+Alt': no key after the modifiers"),
    ("Ctrl", "'Ctrl': no key after the modifiers"),
    ("Hyper+A", "'Hyper+A': unknown modifier 'Hyper' (use Ctrl, Alt, Shift, Super)"),
    ("Ctrl+Alt+Foo", "'Ctrl+Alt+Foo': unknown key 'Foo' (use A-Z, 0-9, F1-F24, Space, Insert, Delete, Home, End, "
                     "PageUp, PageDown, Pause, MediaPlay, MediaStop, MediaNext, MediaPrevious)"),
    ("Ctrl+Tab", "'Ctrl+Tab': unknown key 'Tab'"),  # known only to give Alt+Tab's refusal its reason
    ("Ctrl+Alt+F25", "'Ctrl+Alt+F25': unknown key 'F25'"),
    ("A+Ctrl", "'A+Ctrl': 'A' is a key, not a modifier (one key, last, after Ctrl, Alt, Shift, Super)"),
    ("Ctrl+A+B", "'Ctrl+A+B': 'A' is a key, not a modifier"),
    ("Ctrl+Ctrl+A", "'Ctrl+Ctrl+A': Ctrl twice"),
    ("Ctrl+Control+A", "'Ctrl+Control+A': Ctrl twice"),
    ("Ctrl++A", "'Ctrl++A': a '+' without a name beside it"),
    ("Ctrl+Alt+", "'Ctrl+Alt+': a '+' without a name beside it"),
    ("", "the hotkey is empty (use off to turn it off)"),
    ("   ", "the hotkey is empty"),
    # Keys people type: taking them from every program needs two modifiers.
    ("M", "'M': M needs two modifiers (e.g. Ctrl+Alt+M); otherwise it takes a key other programs use"),
    ("Ctrl+C", "'Ctrl+C': C needs two modifiers (e.g. Ctrl+Alt+C)"),
    ("Shift+Space", "'Shift+Space': Space needs two modifiers"),
    ("Alt+Home", "'Alt+Home': Home needs two modifiers (e.g. Ctrl+Super+Home)"),  # Ctrl+Alt+Home is Xfce's
    ("Ctrl+Delete", "'Ctrl+Delete': Delete needs two modifiers (e.g. Ctrl+Super+Delete)"),
    # Super alone looks free, but is the system's.
    ("Super+Q", "'Super+Q': Q needs two modifiers (e.g. Ctrl+Alt+Q); with Super alone it is the system's (Windows "
                "reserves every Win+key combination, GNOME binds Super+A, H, L, N, S and V, and Super is Command on "
                "macOS, which every program uses)"),
    ("Win+PageUp", "'Win+PageUp': PageUp needs two modifiers (e.g. Ctrl+Alt+PageUp); with Super alone it is the "
                   "system's"),
    ("Ctrl+" * 40 + "A", "the hotkey is too long (201 characters; a hotkey is modifiers and one key)"),
])
def test_bad_hotkeys_are_refused_with_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_hotkey(text)


def test_convert_writes_one_spelling_and_takes_off() -> None:
    assert convert("super + shift + ctrl + alt + pagedown") == "Ctrl+Alt+Shift+Super+PageDown"
    assert convert(" OFF ") == "off"
    assert convert(str(parse_hotkey("Win+F9"))) == "Super+F9"
    with pytest.raises(ValueError, match="expected a hotkey such as Ctrl\\+Alt\\+M, or off; got int"):
        convert(5)


def test_the_keys_have_x_and_portal_names() -> None:
    assert parse_hotkey("Ctrl+Alt+M").keysym == "m"
    assert parse_hotkey("Alt+Super+PageUp").xdg_trigger() == "ALT+LOGO+Prior"
    assert parse_hotkey("Ctrl+Shift+Alt+MediaPlay").xdg_trigger() == "CTRL+ALT+SHIFT+XF86AudioPlay"
    assert len(KEYSYMS) == 26 + 10 + 24 + 7 + 6


def test_the_settings_are_off_by_default_and_checked() -> None:
    for key in SETTING_ACTIONS:
        setting = GLOBAL_SETTINGS[key]
        assert (setting.kind, setting.default, setting.convert("ctrl+alt+c")) == ("hotkey", "off", "Ctrl+Alt+C")
    resolution = resolve(policy_from_data({"settings": {"hotkey_mute": "Hyper+M"}}, "policy.json"), [])
    assert resolution.problems == ["policy policy.json: hotkey_mute = 'Hyper+M': 'Hyper+M': unknown modifier "
                                   "'Hyper' (use Ctrl, Alt, Shift, Super)"]


def test_configured_hotkeys_by_action_and_a_combination_used_twice() -> None:
    hotkeys, problems = configured_hotkeys({"hotkey_answer": "Ctrl+Alt+A", "hotkey_mute": "off",
                                            "hotkey_show": None, "hotkey_dial": "Ctrl+Alt+A"})
    assert hotkeys == {"answer_or_hang_up": Hotkey(frozenset({"Ctrl", "Alt"}), "A")}
    assert problems == ["hotkey_dial: Ctrl+Alt+A is already hotkey_answer; not used for dial_selection"]
    assert configured_hotkeys({}) == ({}, [])


@pytest.mark.parametrize(("text", "number"), [
    ("+1 (650) 555-0100", "+16505550100"),
    ("  6505550100\n", "6505550100"),
    ("tel:+16505550100", "+16505550100"),
    ("TEL:+1-650-555-0100", "+16505550100"),
    ("callto://+16505550100", "+16505550100"),
    ("650.555.0100 x101", "6505550100*101"),
    ("*67#", "*67#"),
])
def test_dial_text_calls_a_number_or_a_tel_link(text: str, number: str) -> None:
    assert dial_text(text) == DialRequest("call", number)


@pytest.mark.parametrize("text", [
    "call me at 650 555 0100",
    "Phone: 6505550100",
    "hello",
    "",
    "   ",
    "6505550100\n6505550101",  # two numbers selected: never one long one
    "1" * (MAX_DIGITS + 1),  # the link parser's limit
    "tel:" + "1" * (MAX_DIGITS + 1),
    "sms:+16505550100",  # a message, not a call
    "https://example.com/6505550100",
    "*#",
    "1" * 150 + " " * 100,  # past the length worth reading
])
def test_dial_text_refuses_anything_else(text: str) -> None:
    assert dial_text(text) is None


VALIDATOR = jsonschema.Draft202012Validator(json_schema.policy_schema())


@pytest.mark.parametrize("value", [
    "Ctrl+Alt+M", "Super+F9", "F13", "off", "Ctrl+Alt+Shift+Super+PageDown", "Super+MediaPlay", "Alt+Shift+0",
    "Ctrl+C", "M", "Alt+Ctrl+M", "Ctrl+Ctrl+M", "Hyper+M", "Ctrl+Alt", "", "ctrl+alt+m", "OFF", 5, None,
    "Super+M", "Ctrl+Shift+C", "Print", "Ctrl+Alt+Print", "F1", "F5", "Ctrl+Alt+F3", "Ctrl+Alt+Delete", "Super+L",
])
def test_the_policy_schema_takes_exactly_the_spellings_the_reader_writes(value: Any) -> None:
    """The reader also takes other spellings (ctrl+alt+m) and writes them back in one; the schema holds a JSON
    author to that one, as it holds them to JSON's own types."""
    policy = {"settings": {"hotkey_dial": value}}
    try:
        canonical = convert(value) == value
    except ValueError:
        canonical = False
    assert VALIDATOR.is_valid(policy) == canonical, value
