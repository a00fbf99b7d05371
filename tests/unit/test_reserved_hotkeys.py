"""Reserved key combinations: each one on the list is refused with its reason, in any spelling, by the reader,
by ``config set`` (exit 2, nothing written) and in IT policy (JSON, registry and the policy's JSON Schema)."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import jsonschema
import pytest

from desktop.cli.config import main as config_main
from desktop.core.hotkeys import KEYSYMS, MODIFIERS, convert, parse_hotkey
from desktop.core.reserved_hotkeys import ONLY_RESERVED_KEYS, RESERVED
from desktop.core.settings import resolve
from desktop.fleet import json_schema
from desktop.services import policy_sources
from desktop.services.policy_sources import REG_SZ, policy_from_data, policy_from_registry

EVERY_RESERVED = [(combination, entry.reason) for entry in RESERVED for combination in entry.combinations]


def refusal(text: str) -> str:
    with pytest.raises(ValueError) as info:
        parse_hotkey(text)
    return str(info.value)


@pytest.mark.parametrize(("text", "reason"), [
    ("Ctrl+Shift+C", "copies in terminals (GNOME Terminal, Konsole, Windows Terminal)"),
    ("Ctrl+Shift+V", "pastes in terminals, and pastes as plain text in browsers"),
    ("Ctrl+Shift+T", "opens a tab in terminals and reopens a closed tab in browsers"),
    ("Ctrl+Alt+Delete", "is the secure attention sequence on Windows (sign-in, lock, Task Manager) and logs out "
                        "on GNOME and Xfce"),
    ("Print", "takes screenshots on every desktop (Print alone, and with Shift, Alt or Super on GNOME, KDE Plasma, "
              "Xfce and Windows); Alt+Print is also Linux's magic SysRq key"),
    ("F1", "opens help in almost every program"),
    ("Alt+Tab", "switches between windows on every desktop"),
    ("Alt+F4", "closes the active window (Windows, GNOME, KDE Plasma, Xfce)"),
    ("Super+L", "locks the screen (GNOME, KDE Plasma, Windows)"),
    ("Ctrl+Alt+T", "opens a terminal (Ubuntu, Xfce, KDE Plasma, Linux Mint)"),
    ("Ctrl+Alt+F7", "switches to another virtual terminal or session (Linux)"),
])
def test_the_combinations_of_the_issue_are_refused_with_their_reason(text: str, reason: str) -> None:
    assert refusal(text) == f"{text!r} is reserved: it {reason}; choose another combination"


@pytest.mark.parametrize(("combination", "reason"), EVERY_RESERVED, ids=[c for c, _ in EVERY_RESERVED])
def test_every_reserved_combination_is_refused_with_its_reason(combination: str, reason: str) -> None:
    assert refusal(combination) == f"{combination!r} is reserved: it {reason}; choose another combination"
    # Written another way (other case, modifiers reversed, aliases): the same combination, the same refusal.
    *modifiers, key = combination.split("+")
    other = "+".join([*reversed([{"Ctrl": "control", "Super": "win"}.get(m, m.lower()) for m in modifiers]),
                      key.lower()])
    assert refusal(other).endswith(f" is reserved: it {reason}; choose another combination"), other


def test_each_combination_is_listed_once_with_known_names() -> None:
    """One reason each (a second entry would never be shown); every key is a hotkey key or one known only here."""
    assert len(EVERY_RESERVED) == len({c for c, _ in EVERY_RESERVED})
    for combination, _ in EVERY_RESERVED:
        *modifiers, key = combination.split("+")
        assert set(modifiers) <= set(MODIFIERS) and list(modifiers) == sorted(modifiers, key=MODIFIERS.index)
        assert key in KEYSYMS or key in ONLY_RESERVED_KEYS.values(), combination


@pytest.mark.parametrize("text", ["Ctrl+Alt+M", "Ctrl+Alt+A", "Ctrl+Alt+P", "Ctrl+Alt+C", "Super+F9", "F13", "F24",
                                  "Pause", "MediaPlay", "Shift+F1", "Ctrl+Shift+F2", "Alt+Super+PageUp",
                                  "Ctrl+Alt+Space", "Ctrl+Shift+M"])
def test_free_combinations_stay_free(text: str) -> None:
    """The examples in the README and the settings' descriptions, and what the tests' hotkeys use."""
    assert str(parse_hotkey(text)) == text


def test_config_set_refuses_a_reserved_hotkey_and_writes_nothing(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(policy_sources, "LINUX_POLICY_FILE", tmp_path / "no-policy.json")
    out, err = io.StringIO(), io.StringIO()
    code = config_main(["--data-dir", str(tmp_path), "set", "hotkey_mute", "ctrl+shift+c"], out=out, err=err)
    assert code == 2 and out.getvalue() == ""
    assert err.getvalue() == ("embeddable-desktop: error: hotkey_mute = 'ctrl+shift+c': 'ctrl+shift+c' is reserved: "
                              "it copies in terminals (GNOME Terminal, Konsole, Windows Terminal); choose another "
                              "combination\n")
    assert not (tmp_path / "settings.json").exists()


def test_it_policy_cannot_set_a_reserved_hotkey() -> None:
    """From a policy file or the registry alike: named with its source, setting and value; the hotkey stays off."""
    reason = "'Ctrl+Alt+Delete' is reserved: it is the secure attention sequence on Windows"
    from_json = resolve(policy_from_data({"settings": {"hotkey_answer": "Ctrl+Alt+Delete"}}, "policy.json"), [])
    assert len(from_json.problems) == 1
    assert from_json.problems[0].startswith(f"policy policy.json: hotkey_answer = 'Ctrl+Alt+Delete': {reason}")
    assert from_json.get("hotkey_answer") == "off"
    registry = policy_from_registry([("hotkey_answer", "Ctrl+Alt+Delete", REG_SZ)], "HKLM\\Software\\Policies")
    from_registry = resolve(registry, [])
    assert from_registry.problems == [p.replace("policy.json", "HKLM\\Software\\Policies") for p in from_json.problems]
    assert from_registry.get("hotkey_answer") == "off"


def test_the_policy_schema_refuses_exactly_what_the_reader_refuses() -> None:
    """Every combination of modifiers and keys, in its one spelling: the JSON Schema's pattern and the reader agree
    (so an IT author's validator flags a reserved combination before any computer does)."""
    validator = jsonschema.Draft202012Validator(json_schema.policy_schema())
    subsets = [c for n in range(len(MODIFIERS) + 1) for c in itertools.combinations(MODIFIERS, n)]
    refused = 0
    for modifiers, key in itertools.product(subsets, KEYSYMS):
        text = "+".join([*modifiers, key])
        try:
            accepted = convert(text) == text
        except ValueError as exc:
            accepted, refused = False, refused + bool(re.search(" is reserved: ", str(exc)))
        assert validator.is_valid({"settings": {"hotkey_mute": text}}) == accepted, text
    assert refused == sum(1 for c, _ in EVERY_RESERVED if c.split("+")[-1] in KEYSYMS)
