"""A stand-in for the XDG GlobalShortcuts portal (``org.freedesktop.portal.GlobalShortcuts``) on a private bus.

It answers as the portal's documentation says a portal does: each call returns a Request object path built
from the caller's unique name and its ``handle_token``, and the result comes as that Request's ``Response``
signal; ``activate`` sends ``Activated`` as a key press would. :func:`run_portal_hotkeys` runs the app's side
against it. Used by tests/integration/test_global_hotkeys.py
(with :class:`tests.support.notification_server.PrivateBus`); it speaks D-Bus with jeepney in a thread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, new_method_return, new_signal

from desktop.core.hotkeys import parse_hotkey
from desktop.ui.system.hotkeys_portal import PortalHotkeys
from tests.support.dbus_stand_in import StandInService

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"


class FakePortal(StandInService):
    """Owns org.freedesktop.portal.Desktop with GlobalShortcuts (version 1); ``bound`` holds the shortcuts the
    app offered; ``answer`` is the Response code BindShortcuts gives (0 bound, 1 cancelled by the person)."""

    def __init__(self, address: str, answer: int = 0) -> None:
        super().__init__(address, PORTAL_NAME)
        self.answer = answer
        self.bound: list[tuple[str, dict[str, Any]]] = []
        self.session = ""
        self.start()

    def handle(self, message: Any) -> None:
        member, sender = message.header.fields.get(3), str(message.header.fields.get(7))
        caller = sender.removeprefix(":").replace(".", "_")
        if member == "Get":
            self.connection.send(new_method_return(message, "v", (("u", 1),)))
        elif member == "CreateSession":
            options = message.body[0]
            self.session = f"{PORTAL_PATH}/session/{caller}/{options['session_handle_token'][1]}"
            self._respond(message, caller, options["handle_token"][1], 0,
                          {"session_handle": ("s", self.session)})
        elif member == "BindShortcuts":
            session, shortcuts, _parent, options = message.body
            assert session == self.session
            self.bound = [(sid, {k: v[1] for k, v in info.items()}) for sid, info in shortcuts]
            results = [(sid, {"description": info["description"],
                              "trigger_description": ("s", info["preferred_trigger"][1])})
                       for sid, info in shortcuts]
            self._respond(message, caller, options["handle_token"][1], self.answer,
                          {"shortcuts": ("a(sa{sv})", results)})

    def _respond(self, message: Any, caller: str, token: str, code: int, results: dict[str, Any]) -> None:
        request = f"{PORTAL_PATH}/request/{caller}/{token}"
        self.connection.send(new_method_return(message, "o", (request,)))
        self.connection.send(new_signal(DBusAddress(request, interface="org.freedesktop.portal.Request"),
                                        "Response", "ua{sv}", (code, results)))

    def activate(self, shortcut_id: str) -> None:
        """What the desktop sends when the person presses the shortcut."""
        self.connection.send(new_signal(DBusAddress(PORTAL_PATH, interface="org.freedesktop.portal.GlobalShortcuts"),
                                        "Activated", "osta{sv}", (self.session, shortcut_id, 1, {})))



def run_portal_hotkeys(address: str, until: Callable[[list[str], list[str]], bool], portal: FakePortal | None = None,
                       activate: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """PortalHotkeys for mute (Ctrl+Alt+M) and show_hide (Super+F9) on the bus at ``address``, on an asyncio loop of
    its own, until ``until(triggered, problems)`` (10 s at most); ``portal`` activates the shortcuts ``activate``
    once the app has bound them. Returns the actions triggered and the problems reported."""
    triggered: list[str] = []
    problems: list[str] = []

    async def scenario() -> None:
        hotkeys = PortalHotkeys({"mute": parse_hotkey("Ctrl+Alt+M"), "show_hide": parse_hotkey("Super+F9")},
                                triggered.append, problems.append, bus=address)
        deadline = time.monotonic() + 10
        while activate and portal is not None and not portal.bound and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for shortcut_id in activate:
            assert portal is not None
            portal.activate(shortcut_id)
        while not until(triggered, problems) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        hotkeys.close()
        await asyncio.sleep(0.1)  # the cancelled task closes its connection

    asyncio.run(scenario())
    return triggered, problems
