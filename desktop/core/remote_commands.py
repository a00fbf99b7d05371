"""``embeddable-desktop call ACTION`` and ``presence STATE``: the words a script or a hotkey sends to the running
phone, and the widget command each one means."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.widget_commands import CallAction, ControlCall, Presence, SetPresence

CALL_ACTIONS = {
    "answer": CallAction.ANSWER,
    "decline": CallAction.REJECT,
    "hangup": CallAction.HANGUP,
    "mute": CallAction.MUTE,
    "unmute": CallAction.UNMUTE,
    "hold": CallAction.HOLD,
    "resume": CallAction.UNHOLD,
}
PRESENCES = {"available": Presence.AVAILABLE, "busy": Presence.BUSY, "dnd": Presence.DO_NOT_DISTURB,
             "offline": Presence.OFFLINE}
VERBS: dict[str, tuple[str, ...]] = {"call": tuple(CALL_ACTIONS), "presence": tuple(PRESENCES)}


def parse_remote(words: Sequence[str]) -> ControlCall | SetPresence:
    """``["call", "mute"]`` → the command; a message naming what is wrong otherwise.

    Raises:
        ValueError: not a known verb and word.
    """
    if len(words) != 2 or words[0] not in VERBS:
        raise ValueError(f"expected 'call ACTION' or 'presence STATE', got {' '.join(words)!r}")
    verb, word = words
    choices = VERBS[verb]
    if word not in choices:
        raise ValueError(f"{verb} {word!r}: choose one of {', '.join(choices)}")
    if verb == "call":
        return ControlCall(CALL_ACTIONS[word])
    return SetPresence(PRESENCES[word])
