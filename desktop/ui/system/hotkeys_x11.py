"""Global hotkeys on X11: passive key grabs on the root window, over the app's own X connection (python-xlib).

``XGrabKey`` on the root window makes the X server send that key combination to us whichever window has the
focus. A grab matches the modifier state exactly, so each hotkey is grabbed four times: as is, with CapsLock,
with NumLock and with both (a lit NumLock must not silently turn the hotkeys off). A combination another
program already grabbed fails with BadAccess: that hotkey is reported and left out, the others still work.

The connection is our own (Qt's is not reachable from Python) and its socket is watched with a
``QSocketNotifier``: no thread, the events are read on the GUI thread when they arrive.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier
from Xlib import XK, X, display, error  # type: ignore[import-untyped]  # python-xlib has no type hints

from desktop.core.hotkeys import Hotkey

log = logging.getLogger("desktop.hotkeys")


class X11Hotkeys(QObject):
    """Grabs ``hotkeys`` (action -> hotkey) on ``display_name`` (None: ``$DISPLAY``); ``on_trigger(action)`` runs
    for each press and ``on_problem(message)`` for each hotkey that cannot be grabbed.

    Raises:
        Xlib.error.DisplayError: no X display to connect to.
    """

    def __init__(self, hotkeys: Mapping[str, Hotkey], on_trigger: Callable[[str], None],
                 on_problem: Callable[[str], None], display_name: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hotkeys = dict(hotkeys)
        self._on_trigger = on_trigger
        self._on_problem = on_problem
        self._display: Any = display.Display(display_name)
        self._root: Any = self._display.screen().root
        self._grabs: dict[tuple[int, int], str] = {}  # (keycode, modifier mask) -> action, as grabbed
        self._released: dict[int, int] = {}  # keycode -> time of its last KeyRelease (to spot auto-repeat)
        self._plan = self._make_plan()
        self._grab_all()
        self._notifier: QSocketNotifier | None = QSocketNotifier(self._display.fileno(),
                                                                 QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        self._read()  # anything that arrived while grabbing is already buffered: the socket will not say so

    def _make_plan(self) -> tuple[dict[str, tuple[int, int]], tuple[int, ...]]:
        """Where the hotkeys are on the keyboard now: action -> (keycode or 0, modifier mask), and the lock
        variants (none, CapsLock, NumLock, both) each is grabbed in."""
        masks = self._modifier_masks()
        bits = {"Ctrl": X.ControlMask, "Alt": masks.get("Alt_L", X.Mod1Mask), "Shift": X.ShiftMask,
                "Super": masks.get("Super_L", X.Mod4Mask)}
        num_lock = masks.get("Num_Lock", X.Mod2Mask)
        keys = {action: (self._keycode(hotkey), sum(bits[m] for m in hotkey.modifiers))
                for action, hotkey in self._hotkeys.items()}
        return keys, (0, X.LockMask, num_lock, X.LockMask | num_lock)

    def _modifier_masks(self) -> dict[str, int]:
        """Which modifier bit Alt, Super and NumLock are on this server (conventionally Mod1, Mod4, Mod2)."""
        mapping = self._display.get_modifier_mapping()
        masks: dict[str, int] = {}
        for name in ("Alt_L", "Super_L", "Num_Lock"):
            keycode = self._display.keysym_to_keycode(XK.string_to_keysym(name))
            for index, keycodes in enumerate(mapping):
                if keycode and index >= 3 and keycode in keycodes:  # Mod1..Mod5 (not Shift, Lock, Control)
                    masks[name] = 1 << index
        return masks

    def _keycode(self, hotkey: Hotkey) -> int:
        name = hotkey.keysym
        if name.startswith("XF86"):
            XK.load_keysym_group("xf86")  # python-xlib spells them XF86_AudioPlay
            name = "XF86_" + name.removeprefix("XF86")
        return int(self._display.keysym_to_keycode(XK.string_to_keysym(name)))

    def _grab_all(self) -> None:
        keys, variants = self._plan
        for action, (keycode, mods) in keys.items():
            problem = self._grab(action, keycode, mods, variants)
            if problem:
                self._on_problem(problem)

    def _grab(self, action: str, keycode: int, mods: int, variants: tuple[int, ...]) -> str | None:
        """Grab one hotkey in every lock variant; the problem, in words, when it cannot be grabbed."""
        hotkey = self._hotkeys[action]
        if not keycode:
            return f"hotkey {hotkey} ({action}): this keyboard has no {hotkey.key} key"
        caught = error.CatchError(error.BadAccess)
        for variant in variants:
            self._root.grab_key(keycode, mods | variant, False, X.GrabModeAsync, X.GrabModeAsync, onerror=caught)
        self._display.sync()  # errors come back asynchronously: wait for the server's answer to the grabs
        if caught.get_error() is not None:
            for variant in variants:  # the variants that did succeed (ours only; others keep theirs)
                self._root.ungrab_key(keycode, mods | variant)
            self._display.sync()
            return (f"hotkey {hotkey} ({action}) is not available: another program already uses it; choose "
                    "another combination")
        self._grabs[(keycode, mods)] = action
        return None

    def _ungrab_all(self) -> None:
        for keycode, mods in self._grabs:
            for variant in self._plan[1]:
                self._root.ungrab_key(keycode, mods | variant)
        self._grabs.clear()

    def _read(self) -> None:
        try:
            remapped = False
            while self._display.pending_events():
                event = self._display.next_event()
                if event.type == X.KeyRelease:
                    self._released[event.detail] = event.time
                elif event.type == X.KeyPress:
                    self._pressed(event)
                elif event.type == X.MappingNotify and event.request in (X.MappingKeyboard, X.MappingModifier):
                    self._display.refresh_keyboard_mapping(event)
                    remapped = True
            plan = self._make_plan() if remapped else self._plan
            if plan != self._plan:  # another layout (or a tool) moved the keys: grab them where they are now
                self._ungrab_all()
                self._plan = plan
                self._grab_all()
                self._read()  # the grabs' round trips may have buffered events the socket will not announce
        except (error.ConnectionClosedError, OSError) as exc:
            log.warning("the X connection for the hotkeys closed (%s); the hotkeys are off", exc)
            self._stop_watching()

    def _pressed(self, event: Any) -> None:
        # Holding a key makes the server repeat it as a release and a press with the same time: one action
        # per press, or holding the answer key would answer and hang up in turn.
        if self._released.get(event.detail) == event.time:
            return
        locks = self._plan[1][3]  # CapsLock | NumLock: pressed with or without them is the same hotkey
        action = self._grabs.get((event.detail, event.state & 0xFF & ~locks))
        if action is not None:
            self._on_trigger(action)

    def _stop_watching(self) -> None:
        if self._notifier is not None:
            self._notifier.activated.disconnect(self._read)
            self._notifier.deleteLater()
            self._notifier = None

    def close(self) -> None:
        """Ungrab every hotkey and close the connection (the server would drop the grabs with it anyway)."""
        self._stop_watching()
        with contextlib.suppress(Exception):  # the server may be gone already
            self._ungrab_all()
            self._display.close()
        self._grabs.clear()
