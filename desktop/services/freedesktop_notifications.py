"""Desktop notifications on Linux: ``org.freedesktop.Notifications`` on the session bus, over asyncio.

Every freedesktop desktop (GNOME, KDE, XFCE, ...) runs this service, with or without a tray, so it is the
native way to notify there; clicking a notification comes back as ``ActionInvoked`` with the ``default``
action, which shows the window. jeepney (pure Python, already under keyring on Linux) speaks D-Bus here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("desktop.notify")
BUS_NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
URGENCY_NORMAL, URGENCY_CRITICAL = 1, 2


class FreedesktopNotifications:
    """One connection for the app's lifetime; ``on_click(id)`` runs for each clicked notification."""

    def __init__(self, app_name: str, icon: str, on_click: Callable[[int], None], *, bus: str = "SESSION") -> None:
        self._app_name = app_name
        self._icon = icon
        self._on_click = on_click
        self._bus = bus
        self._router: Any = None
        self._connection: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._started: asyncio.Future[bool] | None = None

    async def available(self) -> bool:
        """Connect once (later calls wait for the first): False without a session bus or notification server."""
        if self._started is None:
            self._started = asyncio.ensure_future(self._start())
        return await asyncio.shield(self._started)

    async def _start(self) -> bool:
        try:
            from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
            from jeepney.io.asyncio import DBusRouter, open_dbus_connection
        except ImportError:
            return False
        try:
            self._connection = await open_dbus_connection(self._bus)
            self._router = DBusRouter(self._connection)
            owner = await self._router.send_and_get_reply(message_bus.NameHasOwner(BUS_NAME))
            if not owner.body[0]:
                log.info("no notification server on the session bus")
                await self.aclose()
                return False
            rule = MatchRule(type="signal", interface=BUS_NAME, member="ActionInvoked", path=PATH)
            await self._router.send_and_get_reply(message_bus.AddMatch(rule))
            self._listener = asyncio.ensure_future(self._listen(rule))
            self._address = DBusAddress(PATH, bus_name=BUS_NAME, interface=BUS_NAME)
            self._new_call = new_method_call
        except (OSError, KeyError, ValueError, RuntimeError) as exc:  # no bus address, refused, auth failed
            log.info("no session bus for notifications (%s)", exc)
            await self.aclose()
            return False
        return True

    async def _listen(self, rule: Any) -> None:
        with self._router.filter(rule, bufsize=32) as queue:
            while True:
                message = await queue.get()
                notification_id, action = message.body
                if action == "default":
                    self._on_click(int(notification_id))

    async def notify(self, title: str, body: str, *, urgency: int = URGENCY_NORMAL, timeout_ms: int = -1) -> int:
        """Show one notification; returns its id. Raises OSError/RuntimeError when the bus went away."""
        hints = {"urgency": ("y", urgency), "desktop-entry": ("s", self._icon)}
        call = self._new_call(self._address, "Notify", "susssasa{sv}i",
                              (self._app_name, 0, self._icon, title, body, ["default", "Show"], hints, timeout_ms))
        reply = await self._router.send_and_get_reply(call)
        if reply.header.message_type.name == "error":
            raise RuntimeError(f"Notify failed: {reply.body}")
        return int(reply.body[0])

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._router is not None:
            with contextlib.suppress(Exception):
                await self._router.__aexit__(None, None, None)
            self._router = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
