"""Global hotkeys on macOS: Carbon's ``RegisterEventHotKey`` (through ctypes) and ``kEventHotKeyPressed``.

Each hotkey is registered on the application event target with our signature and a number of our own; one
Carbon event handler, installed for ``kEventClassKeyboard``/``kEventHotKeyPressed``, reads the pressed hotkey's
``EventHotKeyID`` with ``GetEventParameter`` and reports its action. No pump of our own is needed: Qt's event
loop on macOS is the Cocoa one (``NSApplication``), which dispatches Carbon events to the application target.
The ``kVK_ANSI_*`` codes name key positions on a US keyboard, so on another layout a letter hotkey is the key in
that letter's US position. F21-F24, Pause, Print and the media keys have no hot key code: each is a problem.

Not verified here: checked only by code review and type checks (``mypy --platform darwin``); the Linux CI
cannot run it, though its unit test drives it with a stand-in for Carbon.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable, Mapping
from typing import Any

from desktop.core.hotkeys import Hotkey

log = logging.getLogger("desktop.hotkeys")
CARBON = "/System/Library/Frameworks/Carbon.framework/Carbon"
NO_ERR = 0
EVENT_NOT_HANDLED_ERR = -9874
EVENT_HOT_KEY_EXISTS_ERR = -9878
EVENT_HOT_KEY_INVALID_ERR = -9879


def four_char_code(text: str) -> int:
    """An OSType such as ``'keyb'`` as the number Carbon takes."""
    return int.from_bytes(text.encode("ascii"), "big")


K_EVENT_CLASS_KEYBOARD = four_char_code("keyb")
K_EVENT_HOT_KEY_PRESSED = 5
K_EVENT_PARAM_DIRECT_OBJECT = four_char_code("----")
TYPE_EVENT_HOT_KEY_ID = four_char_code("hkid")
#: Ours, in every EventHotKeyID: a hotkey of another signature is not ours to handle.
SIGNATURE = four_char_code("EmbD")
#: Carbon's modifier bits (cmdKey, shiftKey, optionKey, controlKey); Super is Command, Alt is Option.
MODIFIERS = {"Super": 0x0100, "Shift": 0x0200, "Alt": 0x0800, "Ctrl": 0x1000}
#: Virtual key codes (HIToolbox Events.h, kVK_*) of the key names of :mod:`desktop.core.hotkeys`.
VIRTUAL_KEYS = {
    "A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06, "X": 0x07, "C": 0x08, "V": 0x09,
    "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E, "R": 0x0F, "Y": 0x10, "T": 0x11, "1": 0x12, "2": 0x13, "3": 0x14,
    "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19, "7": 0x1A, "8": 0x1C, "0": 0x1D, "O": 0x1F, "U": 0x20, "I": 0x22,
    "P": 0x23, "L": 0x25, "J": 0x26, "K": 0x28, "N": 0x2D, "M": 0x2E,
    "F1": 0x7A, "F2": 0x78, "F3": 0x63, "F4": 0x76, "F5": 0x60, "F6": 0x61, "F7": 0x62, "F8": 0x64, "F9": 0x65,
    "F10": 0x6D, "F11": 0x67, "F12": 0x6F, "F13": 0x69, "F14": 0x6B, "F15": 0x71, "F16": 0x6A, "F17": 0x40,
    "F18": 0x4F, "F19": 0x50, "F20": 0x5A,
    # Insert is Help on a Mac keyboard (same position); Delete is forward delete (Backspace is "Delete" there).
    "Space": 0x31, "Insert": 0x72, "Home": 0x73, "PageUp": 0x74, "Delete": 0x75, "End": 0x77, "PageDown": 0x79,
}


class EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


class EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


#: EventHandlerProcPtr: OSStatus (EventHandlerCallRef, EventRef, void *userData). On 64-bit macOS an
#: EventHandlerUPP is the function pointer itself, so the ctypes callback goes in as it is.
EventHandlerProc = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


def carbon_combination(hotkey: Hotkey) -> tuple[int, int] | None:
    """(virtual key code, Carbon modifier mask) of ``hotkey``; None for a key Carbon hot keys cannot take."""
    code = VIRTUAL_KEYS.get(hotkey.key)
    if code is None:
        return None
    return code, sum(MODIFIERS[m] for m in hotkey.modifiers)


def _load_carbon() -> Any:
    """The Carbon framework with the prototypes of the functions used here (every handle is a pointer)."""
    carbon: Any = ctypes.CDLL(CARBON)
    ptr, u32, status = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int32
    prototypes: dict[str, tuple[Any, list[Any]]] = {
        "GetApplicationEventTarget": (ptr, []),
        "RegisterEventHotKey": (status, [u32, u32, EventHotKeyID, ptr, u32, ctypes.POINTER(ptr)]),
        "UnregisterEventHotKey": (status, [ptr]),
        "InstallEventHandler": (status, [ptr, EventHandlerProc, ctypes.c_ulong, ctypes.POINTER(EventTypeSpec), ptr,
                                         ctypes.POINTER(ptr)]),
        "RemoveEventHandler": (status, [ptr]),
        "GetEventParameter": (status, [ptr, u32, u32, ctypes.POINTER(u32), ctypes.c_ulong,
                                       ctypes.POINTER(ctypes.c_ulong), ptr]),
    }
    for name, (restype, argtypes) in prototypes.items():
        function = getattr(carbon, name)
        function.restype, function.argtypes = restype, argtypes
    return carbon


class MacHotkeys:
    """Registers ``hotkeys`` (action -> hotkey); ``on_trigger(action)`` runs for each press and
    ``on_problem(message)`` for each hotkey that cannot be registered.

    Raises:
        OSError: not on macOS, Carbon cannot be loaded, or its event handler cannot be installed.
    """

    def __init__(self, hotkeys: Mapping[str, Hotkey], on_trigger: Callable[[str], None],
                 on_problem: Callable[[str], None]) -> None:
        self._on_trigger = on_trigger
        self._ids: dict[int, str] = {}  # hotkey id (our own numbering) -> action
        self._refs: list[ctypes.c_void_p] = []  # EventHotKeyRef of each registered hotkey
        self._handler_ref = ctypes.c_void_p()
        # Carbon keeps only the function pointer: this object must live as long as the handler is installed.
        self._handler = EventHandlerProc(self._handle)
        self._carbon: Any = None
        if sys.platform != "darwin":
            raise OSError("Carbon hot keys exist on macOS only")
        self._carbon = _load_carbon()
        target = self._carbon.GetApplicationEventTarget()
        spec = EventTypeSpec(K_EVENT_CLASS_KEYBOARD, K_EVENT_HOT_KEY_PRESSED)
        status = self._carbon.InstallEventHandler(target, self._handler, 1, ctypes.byref(spec), None,
                                                  ctypes.byref(self._handler_ref))
        if status != NO_ERR:
            raise OSError(f"Carbon's InstallEventHandler failed (OSStatus {status})")
        for number, (action, hotkey) in enumerate(hotkeys.items(), start=1):
            combination = carbon_combination(hotkey)
            if combination is None:
                on_problem(f"hotkey {hotkey} ({action}) is not available: macOS hot keys cannot use the "
                           f"{hotkey.key} key; choose another combination")
                continue
            ref = ctypes.c_void_p()
            status = self._carbon.RegisterEventHotKey(*combination, EventHotKeyID(SIGNATURE, number), target, 0,
                                                      ctypes.byref(ref))
            if status == NO_ERR:
                self._ids[number] = action
                self._refs.append(ref)
                log.info("hotkey %s registered for %s", hotkey, action)
                continue
            why = {EVENT_HOT_KEY_EXISTS_ERR: "another program already uses it",
                   EVENT_HOT_KEY_INVALID_ERR: "macOS refuses it"}.get(status, f"macOS error {status}")
            on_problem(f"hotkey {hotkey} ({action}) is not available: {why}; choose another combination")

    def _handle(self, call_ref: int | None, event: int | None, user_data: int | None) -> int:
        """The Carbon event handler: report the action of our hotkey that was pressed."""
        try:
            pressed = EventHotKeyID()
            status = self._carbon.GetEventParameter(event, K_EVENT_PARAM_DIRECT_OBJECT, TYPE_EVENT_HOT_KEY_ID,
                                                    None, ctypes.sizeof(EventHotKeyID), None,
                                                    ctypes.byref(pressed))
            action = self._ids.get(pressed.id) if status == NO_ERR and pressed.signature == SIGNATURE else None
            if action is None:
                return EVENT_NOT_HANDLED_ERR  # not ours: the next handler may want it
            self._on_trigger(action)
            return NO_ERR
        except Exception:  # an exception must not unwind into Carbon's C frames
            log.exception("global hotkeys: the hot key event handler failed")
            return EVENT_NOT_HANDLED_ERR

    def close(self) -> None:
        for ref in self._refs:
            self._carbon.UnregisterEventHotKey(ref)
        self._refs.clear()
        self._ids.clear()
        if self._handler_ref.value:
            self._carbon.RemoveEventHandler(self._handler_ref)
            self._handler_ref = ctypes.c_void_p()
