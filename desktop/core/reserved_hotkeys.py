"""Key combinations a global hotkey may not take, each with the reason: the desktop's own (the secure attention
sequence, locking, switching and closing windows, screenshots, virtual terminals) and the few every program or
terminal uses (copy and paste in a terminal, help, the context menu).

A global hotkey is taken from every program on the desktop, so one of these would stop working everywhere, or
(where the desktop keeps it) the hotkey would never fire. The list names what GNOME, KDE Plasma, Xfce, Windows
and macOS bind by default (their shortcut settings and documentation), not every program's shortcuts; it is
checked on every system, since one settings file or IT policy serves them all. A rule of
:mod:`desktop.core.hotkeys` covers a whole family beside it: letters, digits and editing keys need two modifiers
(with Super alone they are the system's: Windows reserves every Win+key combination).

Tab, Escape and Backspace are not keys a hotkey can use at all; their combinations here only give the refusal
of, say, ``Alt+Tab`` its reason.
"""

from __future__ import annotations

from itertools import combinations

from desktop.core.records import record

#: The modifiers in the order a combination is written (as :data:`desktop.core.hotkeys.MODIFIERS`).
_ORDER = ("Ctrl", "Alt", "Shift", "Super")
_F1_F12 = tuple(f"F{n}" for n in range(1, 13))
#: Key names known only to give a reserved combination its reason (a hotkey cannot use them).
ONLY_RESERVED_KEYS = {"tab": "Tab", "escape": "Escape", "esc": "Escape", "backspace": "Backspace"}


@record
class Reserved:
    """Combinations (canonical spellings, ``Ctrl+Shift+C``) reserved for one reason, as documented (``shown``)."""

    shown: str
    reason: str
    combinations: tuple[str, ...]


def _with(prefix: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}+{key}" if prefix else key for key in keys)


def _every_modifier_set(key: str) -> tuple[str, ...]:
    sets = [c for n in range(len(_ORDER) + 1) for c in combinations(_ORDER, n)]
    return tuple("+".join([*subset, key]) for subset in sets)


def _one(combination: str, reason: str) -> Reserved:
    return Reserved(combination, reason, (combination,))


#: In the order they are checked: a combination listed twice gets the first reason.
RESERVED: tuple[Reserved, ...] = (
    # The session and the screen.
    _one("Ctrl+Alt+Delete", "is the secure attention sequence on Windows (sign-in, lock, Task Manager) and logs "
         "out on GNOME and Xfce"),
    _one("Ctrl+Alt+Backspace", "ends the X server and every program in it, where enabled"),
    _one("Super+L", "locks the screen (GNOME, KDE Plasma, Windows)"),
    _one("Ctrl+Alt+L", "locks the screen (Xfce, KDE Plasma, Cinnamon)"),
    _one("Ctrl+Super+Q", "locks the screen on macOS (Control+Command+Q)"),
    _one("Shift+Super+Q", "logs out on macOS (Shift+Command+Q)"),
    Reserved("Ctrl+Alt+F1-F12", "switches to another virtual terminal or session (Linux)",
             _with("Ctrl+Alt", _F1_F12)),
    _one("Ctrl+Shift+Escape", "opens the task manager (Windows, Xfce)"),
    _one("Ctrl+Alt+Escape", "kills the window clicked next on Xfce and moves between system controls on GNOME"),
    _one("Alt+Super+Escape", "opens Force Quit on macOS (Option+Command+Escape)"),
    # Screenshots and recording.
    Reserved("Print, alone or with any modifiers", "takes screenshots on every desktop (Print alone, and with "
             "Shift, Alt or Super on GNOME, KDE Plasma, Xfce and Windows); Alt+Print is also Linux's magic SysRq key",
             _every_modifier_set("Print")),
    _one("Shift+Super+S", "takes a screenshot of an area on Windows (Snipping Tool)"),
    Reserved("Shift+Super+3, 4 or 5", "takes screenshots on macOS (Shift+Command+3, 4, 5)",
             _with("Shift+Super", ("3", "4", "5"))),
    _one("Ctrl+Alt+Shift+R", "records the screen on GNOME"),
    # Windows: switching, closing, moving.
    Reserved("Alt+Tab, Alt+Shift+Tab", "switches between windows on every desktop", ("Alt+Tab", "Alt+Shift+Tab")),
    Reserved("Super+Tab, Shift+Super+Tab", "switches applications (GNOME, macOS Command+Tab) or opens Task View "
             "(Windows)", ("Super+Tab", "Shift+Super+Tab")),
    Reserved("Ctrl+Alt+Tab", "switches between system controls on GNOME and windows on Windows",
             ("Ctrl+Alt+Tab", "Ctrl+Alt+Shift+Tab")),
    _one("Alt+Escape", "switches windows directly (GNOME, Windows)"),
    _one("Alt+F4", "closes the active window (Windows, GNOME, KDE Plasma, Xfce)"),
    Reserved("Alt+F1-F3, Alt+F5-F12", "manages windows on GNOME, KDE Plasma and Xfce (Alt+F1 the applications, "
             "Alt+F2 run a command, Alt+F7 move, Alt+F8 resize, Alt+F10 maximize)",
             _with("Alt", tuple(k for k in _F1_F12 if k != "F4"))),
    Reserved("Ctrl+F1-F12", "switches workspace on Xfce (Ctrl+F1-F4 on KDE Plasma); Ctrl+F4 closes the tab in "
             "browsers", _with("Ctrl", _F1_F12)),
    Reserved("Ctrl+Alt+Home, Ctrl+Alt+End", "moves the window to the previous or next workspace on Xfce",
             ("Ctrl+Alt+Home", "Ctrl+Alt+End")),
    Reserved("Alt+Shift+PageUp, Alt+Shift+PageDown", "raises or lowers the window on Xfce",
             ("Alt+Shift+PageUp", "Alt+Shift+PageDown")),
    Reserved("Shift+Super+Home, End, PageUp, PageDown", "moves the window to another workspace on GNOME",
             _with("Shift+Super", ("Home", "End", "PageUp", "PageDown"))),
    _one("Ctrl+Alt+D", "shows the desktop on Xfce"),
    _one("Ctrl+Super+D", "adds a virtual desktop on Windows"),
    # Programs the desktop starts.
    _one("Ctrl+Alt+T", "opens a terminal (Ubuntu, Xfce, KDE Plasma, Linux Mint)"),
    _one("Ctrl+Alt+F", "opens the file manager on Xfce"),
    _one("Super+Pause", "opens the system's About page on Windows"),
    _one("Super+F1", "opens help on GNOME"),
    # Input, and access for people who need it.
    Reserved("Super+Space, Shift+Super+Space", "switches the keyboard layout (GNOME, Windows) or opens Spotlight "
             "(macOS)", ("Super+Space", "Shift+Super+Space")),
    _one("Ctrl+Shift+U", "types a character by its Unicode number (GTK programs, IBus)"),
    _one("Alt+Super+S", "turns the screen reader on or off (GNOME, Xfce)"),
    _one("Alt+Super+8", "turns the magnifier on or off on GNOME"),
    _one("Alt+Super+K", "mutes the microphone in calls on Windows 11"),
    # Terminals (their Ctrl+Shift is every other program's Ctrl) and what every program has.
    _one("Ctrl+Shift+C", "copies in terminals (GNOME Terminal, Konsole, Windows Terminal)"),
    _one("Ctrl+Shift+V", "pastes in terminals, and pastes as plain text in browsers"),
    _one("Ctrl+Shift+T", "opens a tab in terminals and reopens a closed tab in browsers"),
    _one("Ctrl+Shift+N", "opens a window in terminals and a private window in Chrome and Edge"),
    _one("Ctrl+Shift+W", "closes the tab in terminals"),
    _one("Ctrl+Shift+Q", "closes the window in terminals"),
    _one("Ctrl+Shift+F", "finds text in terminals"),
    _one("Ctrl+Shift+Z", "redoes in most programs"),
    Reserved("Ctrl+Shift+Home, End, PageUp, PageDown", "selects to the start or end in text fields, and moves tabs "
             "in browsers and terminals", _with("Ctrl+Shift", ("Home", "End", "PageUp", "PageDown"))),
    _one("F1", "opens help in almost every program"),
    Reserved("F2-F12 alone", "is a key programs use (F2 rename, F3 find next, F5 reload, F6 the address bar, F10 "
             "the menu bar, F11 full screen, F12 developer tools)", _F1_F12[1:]),
    _one("Shift+F10", "opens the context menu (Windows, GTK, Qt)"),
)


def _canonical(modifiers: frozenset[str], key: str) -> str:
    return "+".join([*(m for m in _ORDER if m in modifiers), key])


def _index() -> dict[str, str]:
    reasons: dict[str, str] = {}
    for entry in RESERVED:
        for combination in entry.combinations:
            *modifiers, key = combination.split("+")
            reasons.setdefault(_canonical(frozenset(modifiers), key), entry.reason)
    return reasons


_REASONS = _index()


def reserved_reason(modifiers: frozenset[str], key: str) -> str | None:
    """Why ``modifiers`` + ``key`` (canonical names: ``{"Ctrl", "Shift"}``, ``"C"``) is reserved; None if it is
    not on the list."""
    return _REASONS.get(_canonical(modifiers, key))


def reserved_spellings() -> list[str]:
    """Every reserved combination in its canonical spelling (``Ctrl+Shift+C``), for the policy's JSON Schema."""
    return list(_REASONS)
