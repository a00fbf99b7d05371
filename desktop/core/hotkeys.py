"""Global hotkeys as settings: ``Ctrl+Alt+M``, ``Super+F9`` parsed into a :class:`Hotkey`, and the text a hotkey
dials (the selection or the clipboard) parsed into a call.

A hotkey is grabbed from the whole desktop, so it takes that key combination away from every other program:
letters, digits and editing keys therefore need two modifiers (``Ctrl+C`` alone would break copying everywhere;
with Super alone they are the system's own: Windows reserves every Win+key combination, and Super is Command on
macOS). Function keys, Pause and media keys may stand alone (call-centre keyboards and headsets often send
F13-F24). The combinations the desktop or every terminal keeps (``Ctrl+Shift+C``, ``Ctrl+Alt+Delete``, ``F1``,
``Print``...) are refused with the reason (:mod:`desktop.core.reserved_hotkeys`). ``off`` turns one off; that is
the default, so IT policy can also lock a hotkey off.

The names are the app's own (one spelling on every system); each backend maps them to its codes: the X keysym
names here are what X11 (``XGrabKey``) and the XDG GlobalShortcuts portal (the freedesktop shortcuts spec uses
xkb keysym names) both take.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

from desktop.core.dial_links import DialRequest, normalise_number, parse_dial_link
from desktop.core.records import record
from desktop.core.reserved_hotkeys import ONLY_RESERVED_KEYS, reserved_reason, reserved_spellings

OFF = "off"
#: In the order a hotkey is written back (``Ctrl+Alt+Shift+Super+Key``).
MODIFIERS = ("Ctrl", "Alt", "Shift", "Super")
_MODIFIER_NAMES = {"ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "shift": "Shift", "super": "Super",
                   "win": "Super", "cmd": "Super"}
#: Settings key -> the action its hotkey triggers.
SETTING_ACTIONS = {"hotkey_answer": "answer_or_hang_up", "hotkey_mute": "mute", "hotkey_show": "show_hide",
                   "hotkey_dial": "dial_selection"}
#: What each action does, in words (the portal shows these to the person, the log names them).
ACTION_TITLES = {"answer_or_hang_up": "Answer or hang up", "mute": "Mute or unmute the call",
                 "show_hide": "Show or hide the phone", "dial_selection": "Call the selected number"}

# Key name -> X keysym name (xkb's names too). Typing keys (letters, digits, editing keys) need two modifiers;
# the others may stand alone.
_TYPING: dict[str, str] = {
    **{chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)},
    **{str(d): str(d) for d in range(10)},
    "Space": "space", "Insert": "Insert", "Delete": "Delete", "Home": "Home", "End": "End",
    "PageUp": "Prior", "PageDown": "Next",
}
_STANDALONE: dict[str, str] = {
    **{f"F{n}": f"F{n}" for n in range(1, 25)},
    "Pause": "Pause", "Print": "Print",
    "MediaPlay": "XF86AudioPlay", "MediaStop": "XF86AudioStop", "MediaNext": "XF86AudioNext",
    "MediaPrevious": "XF86AudioPrev",
}
KEYSYMS: dict[str, str] = {**_TYPING, **_STANDALONE}
_KEY_NAMES = {name.lower(): name for name in KEYSYMS} | {"pgup": "PageUp", "pgdn": "PageDown", "del": "Delete",
                                                         "ins": "Insert"}
# Print is known (a combination with it is refused with its reason) but never offered: every one is reserved.
_KEYS_HELP = ("A-Z, 0-9, F1-F24, Space, Insert, Delete, Home, End, PageUp, PageDown, Pause, MediaPlay, "
              "MediaStop, MediaNext, MediaPrevious")
#: Why Super with one typing key is refused: stated apart from the generic reason, since Super looks free.
_SUPER_ALONE = ("with Super alone it is the system's (Windows reserves every Win+key combination, GNOME binds "
                "Super+A, H, L, N, S and V, and Super is Command on macOS, which every program uses)")
#: Longer than any hotkey: a pasted paragraph is refused before it is split.
_MAX_TEXT = 64
#: The most characters of a selection or clipboard worth reading as a phone number (a document is not one).
_MAX_DIAL_TEXT = 200


@record
class Hotkey:
    """Modifiers (of :data:`MODIFIERS`) and one key (a key name of :data:`KEYSYMS`)."""

    modifiers: frozenset[str]
    key: str

    def __str__(self) -> str:
        return "+".join([*(m for m in MODIFIERS if m in self.modifiers), self.key])

    @property
    def keysym(self) -> str:
        """The X keysym name of the key (``m``, ``F9``, ``Prior``, ``XF86AudioPlay``)."""
        return KEYSYMS[self.key]

    def xdg_trigger(self) -> str:
        """The freedesktop shortcuts spec's form (``CTRL+ALT+m``), the portal's ``preferred_trigger``."""
        names = {"Ctrl": "CTRL", "Alt": "ALT", "Shift": "SHIFT", "Super": "LOGO"}
        return "+".join([*(names[m] for m in MODIFIERS if m in self.modifiers), self.keysym])


def parse_hotkey(text: str) -> Hotkey:
    """Parse ``Ctrl+Alt+M`` (any case, spaces around ``+`` allowed).

    Raises:
        ValueError: naming the text and what is wrong with it.
    """
    shown = text.strip()
    if not shown:
        raise ValueError("the hotkey is empty (use off to turn it off)")
    if len(shown) > _MAX_TEXT:
        raise ValueError(f"the hotkey is too long ({len(shown)} characters; a hotkey is modifiers and one key)")
    parts = [part.strip() for part in shown.split("+")]
    if "" in parts:
        raise ValueError(f"{shown!r}: a '+' without a name beside it")
    *first, last = parts
    modifiers: list[str] = []
    for part in first:
        modifier = _MODIFIER_NAMES.get(part.lower())
        if modifier is None:
            if part.lower() in _KEY_NAMES:
                raise ValueError(f"{shown!r}: {part!r} is a key, not a modifier (one key, last, after "
                                 f"{', '.join(MODIFIERS)})")
            raise ValueError(f"{shown!r}: unknown modifier {part!r} (use {', '.join(MODIFIERS)})")
        if modifier in modifiers:
            raise ValueError(f"{shown!r}: {modifier} twice")
        modifiers.append(modifier)
    if last.lower() in _MODIFIER_NAMES:
        raise ValueError(f"{shown!r}: no key after the modifiers")
    key = _KEY_NAMES.get(last.lower())
    reason = reserved_reason(frozenset(modifiers), key or ONLY_RESERVED_KEYS.get(last.lower(), last))
    if reason is not None:
        raise ValueError(f"{shown!r} is reserved: it {reason}; choose another combination")
    if key is None:
        raise ValueError(f"{shown!r}: unknown key {last!r} (use {_KEYS_HELP})")
    hotkey = Hotkey(frozenset(modifiers), key)
    if key in _TYPING and not _enough_for_typing_key(hotkey.modifiers):
        why = _SUPER_ALONE if hotkey.modifiers == {"Super"} else "otherwise it takes a key other programs use"
        raise ValueError(f"{shown!r}: {key} needs two modifiers (e.g. {_free_example(key)}); {why}")
    return hotkey


def _enough_for_typing_key(modifiers: frozenset[str]) -> bool:
    return len(modifiers) >= 2


def _free_example(key: str) -> str:
    """A combination with ``key`` to suggest: the first of the usual prefixes that is not reserved."""
    for prefix in (("Ctrl", "Alt"), ("Ctrl", "Super"), ("Alt", "Super"), ("Ctrl", "Alt", "Shift")):
        if reserved_reason(frozenset(prefix), key) is None:
            return "+".join([*prefix, key])
    return f"Ctrl+Alt+Shift+Super+{key}"  # no key is reserved with all four


def convert(value: Any) -> str:
    """The settings schema's converter: ``off`` or the hotkey in its canonical spelling (``Ctrl+Alt+M``), so
    the settings file, ``config show`` and the logs all show one form.

    Raises:
        ValueError: the value is not text, or not a hotkey.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a hotkey such as Ctrl+Alt+M, or off; got {type(value).__name__}")
    if value.strip().lower() == OFF:
        return OFF
    return str(parse_hotkey(value))


def _schema_pattern() -> str:
    """A regular expression that matches exactly the canonical forms :func:`convert` returns (for the policy's
    JSON Schema, which holds a JSON author to the one spelling, as it holds them to JSON's own types)."""
    subsets = [c for n in range(len(MODIFIERS) + 1) for c in combinations(MODIFIERS, n)]

    def prefixes(allowed: list[tuple[str, ...]]) -> str:
        return "|".join("".join(f"{m}\\+" for m in subset) for subset in allowed)

    def keys(names: dict[str, str]) -> str:
        return "|".join(names)

    typing_prefixes = [s for s in subsets if _enough_for_typing_key(frozenset(s))]
    # The reserved combinations are left out by a look-ahead (ECMA-262 and Python both have it).
    reserved = "|".join(text.replace("+", "\\+") for text in reserved_spellings() if text.split("+")[-1] in KEYSYMS)
    return (f"^(?!(?:{reserved})$)({OFF}|(?:{prefixes(subsets)})(?:{keys(_STANDALONE)})"
            f"|(?:{prefixes(typing_prefixes)})(?:{keys(_TYPING)}))$")


SCHEMA_PATTERN = _schema_pattern()


def configured_hotkeys(values: Mapping[str, Any]) -> tuple[dict[str, Hotkey], list[str]]:
    """The hotkeys the settings turn on (``values``: settings key -> value, e.g. from ``Resolution.get``), by
    action, and a message for each one left out because an earlier action has the same combination."""
    hotkeys: dict[str, Hotkey] = {}
    problems: list[str] = []
    owners: dict[Hotkey, str] = {}
    for key, action in SETTING_ACTIONS.items():
        value = values.get(key)
        if value is None or str(value).strip().lower() == OFF:
            continue
        hotkey = parse_hotkey(str(value))
        if hotkey in owners:
            problems.append(f"{key}: {hotkey} is already {owners[hotkey]}; not used for {action}")
            continue
        owners[hotkey] = key
        hotkeys[action] = hotkey
    return hotkeys, problems


def dial_text(text: str) -> DialRequest | None:
    """A call for a selected or copied text that is a ``tel:``/``callto:`` link or a phone number; None for
    anything else (a word, a sentence, two numbers on two lines, an ``sms:`` link), so a stray selection never
    dials. The number rules are the link parser's own (:mod:`desktop.core.dial_links`)."""
    stripped = text.strip()
    # A line break inside means several things were selected; the link parser would join them into one number.
    if not stripped or len(stripped) > _MAX_DIAL_TEXT or "\n" in stripped or "\r" in stripped:
        return None
    scheme, sep, _ = stripped.partition(":")
    try:
        if sep and scheme.lower() in ("tel", "callto"):
            request = parse_dial_link(stripped)
        else:
            request = DialRequest("call", normalise_number(stripped, "the selected text"))
    except ValueError:
        return None
    # "*" or "#" alone passes the number rules (they are star codes' first characters) but dials nothing useful.
    if not any(c.isdigit() for c in request.number):
        return None
    return request
