"""Desktop notifications on Linux: ``org.freedesktop.Notifications`` on the session bus, over asyncio.

Every freedesktop desktop (GNOME, KDE, XFCE, ...) runs this service, with or without a tray, so it is the
native way to notify there; clicking a notification comes back as ``ActionInvoked`` with the ``default``
action, which shows the window. Buttons (Answer, Decline, Call Back) are sent only to a server whose
``GetCapabilities`` lists ``actions``: elsewhere they would be silently dropped and the tray menu offers
them instead. jeepney (pure Python, already under keyring on Linux) speaks D-Bus here. Every call has a
time limit: a bus that hangs must never hold a ring back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("desktop.notify")
BUS_NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
URGENCY_NORMAL, URGENCY_CRITICAL = 1, 2
#: Seconds any one D-Bus step may take (connect, authenticate, a call).
TIMEOUT = 5.0


class NotificationsUnavailable(Exception):
    """The session bus or the notification service cannot be used (now)."""


class FreedesktopNotifications:
    """One connection for the app's lifetime; ``on_click(id)`` runs for each clicked notification,
    ``on_action(id, key)`` for each of its buttons pressed, and ``on_closed(id)`` for each one the desktop
    closed (expired, dismissed or clicked)."""

    def __init__(self, app_name: str, icon: str, on_click: Callable[[int], None], *, bus: str = "SESSION",
                 on_closed: Callable[[int], None] = lambda _: None,
                 on_action: Callable[[int, str], None] = lambda _id, _key: None) -> None:
        self._app_name = app_name
        self._icon = icon
        self._on_click = on_click
        self._on_closed = on_closed
        self._on_action = on_action
        #: Whether the server shows buttons (``GetCapabilities`` has "actions"); known once connected.
        self.supports_actions = False
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
            return await asyncio.wait_for(self._connect(), TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - no bus address, refused, closed mid-handshake, timed out...
            log.info("no session bus for notifications (%s: %s)", type(exc).__name__, exc)
            await self.aclose()
            return False

    async def _connect(self) -> bool:
        from jeepney import DBusAddress, MatchRule, message_bus
        from jeepney.io.asyncio import DBusRouter, open_dbus_connection

        self._connection = await open_dbus_connection(self._bus)
        self._router = DBusRouter(self._connection)
        owner = await self._router.send_and_get_reply(message_bus.NameHasOwner(BUS_NAME))
        if not owner.body[0]:
            log.info("no notification server on the session bus")
            await self.aclose()
            return False
        rule = MatchRule(type="signal", interface=BUS_NAME, path=PATH)
        ready = asyncio.get_running_loop().create_future()
        self._listener = asyncio.ensure_future(self._listen(rule, ready))
        await ready  # the filter is in place before the bus starts sending: no click is lost
        await self._router.send_and_get_reply(message_bus.AddMatch(rule))
        self._address = DBusAddress(PATH, bus_name=BUS_NAME, interface=BUS_NAME)
        self.supports_actions = "actions" in await self._capabilities()
        return True

    async def _capabilities(self) -> list[str]:
        """What the server can show; none when it cannot say (it may still show plain notifications)."""
        try:
            reply = await self._call("GetCapabilities", "", ())
        except NotificationsUnavailable as exc:
            log.info("the notification server did not list its capabilities (%s)", exc)
            return []
        return [str(item) for item in reply.body[0]]

    async def _listen(self, rule: Any, ready: asyncio.Future[None]) -> None:
        with self._router.filter(rule, bufsize=64) as queue:
            ready.set_result(None)
            while True:
                message = await queue.get()
                member = message.header.fields.get(3)  # HeaderFields.member
                if member == "ActionInvoked" and message.body[1] == "default":
                    self._on_click(int(message.body[0]))
                elif member == "ActionInvoked":
                    self._on_action(int(message.body[0]), str(message.body[1]))
                elif member == "NotificationClosed":
                    self._on_closed(int(message.body[0]))

    async def _call(self, method: str, signature: str, body: tuple[Any, ...]) -> Any:
        from jeepney import new_method_call

        if self._router is None:
            raise NotificationsUnavailable("not connected")
        try:
            reply = await asyncio.wait_for(
                self._router.send_and_get_reply(new_method_call(self._address, method, signature, body)), TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - RouterClosed, EOFError, OSError, timeout: the bus is gone
            raise NotificationsUnavailable(f"{method}: {type(exc).__name__}: {exc}") from exc
        if reply.header.message_type.name == "error":
            raise NotificationsUnavailable(f"{method} failed: {reply.body}")
        return reply

    async def notify(self, title: str, body: str, *, urgency: int = URGENCY_NORMAL, timeout_ms: int = -1,
                     actions: Sequence[tuple[str, str]] = ()) -> int:
        """Show one notification, with ``actions`` as (key, label) buttons if the server shows buttons;
        returns its id.

        Raises:
            NotificationsUnavailable: the bus or the service went away (reconnect later).
        """
        hints = {"urgency": ("y", urgency), "desktop-entry": ("s", self._icon)}
        # The spec's flat list of key, label pairs; "default" is the click on the notification itself.
        keys = ["default", "Show"]
        if self.supports_actions:
            keys += [word for action in actions for word in action]
        reply = await self._call("Notify", "susssasa{sv}i",
                                 (self._app_name, 0, self._icon, title, body, keys, hints, timeout_ms))
        return int(reply.body[0])

    async def close(self, notification_id: int) -> None:
        """Take a notification down (the call it announced was answered or ended)."""
        await self._call("CloseNotification", "u", (notification_id,))

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
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
