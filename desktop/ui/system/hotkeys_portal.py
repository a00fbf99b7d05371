"""Global hotkeys on Wayland: the XDG GlobalShortcuts portal (``org.freedesktop.portal.GlobalShortcuts``).

Wayland gives no program the keys of another, so the desktop itself must bind them: the app opens a session
(``CreateSession``), offers its actions with the configured hotkeys as preferred triggers (``BindShortcuts``;
the desktop may ask the person, and has the last word on the keys) and gets ``Activated`` signals. Each portal
call answers with a Request object whose ``Response`` signal carries the result; the match for it is in place
before the call, so a fast answer is not lost. D-Bus goes through jeepney on the asyncio loop (qasync), as the
notifications do (:mod:`desktop.services.freedesktop_notifications`).

Not verified here (no Wayland compositor with the portal in CI); written from the portal's documentation
(version 1 and 2 of the interface; KDE Plasma 5.27+, GNOME 48+, Hyprland's portal implement it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from desktop.core.hotkeys import ACTION_TITLES, Hotkey

log = logging.getLogger("desktop.hotkeys")
PORTAL = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
#: Seconds a D-Bus step may take; the person's answer to the portal's dialog has no time limit.
TIMEOUT = 10.0
NO_PORTAL = ("global hotkeys: no GlobalShortcuts portal on this desktop (%s); bind the desktop's own keyboard "
             "shortcuts to `embeddable-desktop call mute` and the like instead (see README, Global hotkeys)")


class PortalError(Exception):
    """The portal refused or failed a call."""


class PortalHotkeys:
    """Binds ``hotkeys`` (action -> hotkey) through the portal in the background; ``on_trigger(action)`` runs for
    each activation, ``on_problem(message)`` when the portal refuses.

    Raises:
        RuntimeError: no asyncio event loop (the app runs qasync's).
    """

    def __init__(self, hotkeys: Mapping[str, Hotkey], on_trigger: Callable[[str], None],
                 on_problem: Callable[[str], None], *, bus: str = "SESSION") -> None:
        self._hotkeys = dict(hotkeys)
        self._on_trigger = on_trigger
        self._on_problem = on_problem
        self._bus = bus
        self._sender = ""
        run = self._run()
        try:
            self._task: asyncio.Task[None] = asyncio.ensure_future(run)
        except RuntimeError:
            run.close()  # never started: no "coroutine was never awaited" warning
            raise

    async def _run(self) -> None:
        from jeepney import MatchRule, message_bus
        from jeepney.io.asyncio import DBusRouter, open_dbus_connection

        try:
            connection = await asyncio.wait_for(open_dbus_connection(self._bus), TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - no bus address, refused, timed out: same advice
            log.info(NO_PORTAL, f"no session bus: {type(exc).__name__}: {exc}")
            return
        try:
            async with DBusRouter(connection) as router:
                # Request paths embed our unique name (":1.42" -> "1_42"): the portal spec fixes that form.
                self._sender = str(connection.unique_name).removeprefix(":").replace(".", "_")
                version = await self._version(router)
                if version is None:
                    return
                # Listening before binding: a press right after the desktop binds a hotkey is not lost.
                rule = MatchRule(type="signal", interface=SHORTCUTS, member="Activated", path=PATH)
                with router.filter(rule, bufsize=16) as activations:
                    await asyncio.wait_for(router.send_and_get_reply(message_bus.AddMatch(rule)), TIMEOUT)
                    session = await self._create_session(router)
                    bound = await self._bind(router, session)
                    log.info("global hotkeys through the portal (version %s): %s", version, bound or "none bound")
                    await self._listen(activations, session)
        except PortalError as exc:
            self._on_problem(f"global hotkeys: the desktop's portal refused them ({exc})")
        except Exception as exc:  # noqa: BLE001 - the bus went away, a malformed answer: never crash the phone
            log.warning("global hotkeys through the portal stopped: %s: %s", type(exc).__name__, exc)
        finally:
            with contextlib.suppress(Exception):
                await connection.close()  # ends the portal session and its shortcuts with it

    async def _call(self, router: Any, method: str, signature: str, body: tuple[Any, ...],
                    interface: str = SHORTCUTS) -> Any:
        from jeepney import DBusAddress, MessageType, new_method_call

        address = DBusAddress(PATH, bus_name=PORTAL, interface=interface)
        reply = await asyncio.wait_for(
            router.send_and_get_reply(new_method_call(address, method, signature, body)), TIMEOUT)
        if reply.header.message_type == MessageType.error:
            raise PortalError(f"{method}: {reply.header.fields.get(4, 'error')}: {reply.body}")  # 4: error name
        return reply

    async def _version(self, router: Any) -> int | None:
        try:
            reply = await self._call(router, "Get", "ss", (SHORTCUTS, "version"),
                                     interface="org.freedesktop.DBus.Properties")
        except (TimeoutError, PortalError) as exc:
            log.info(NO_PORTAL, exc)
            return None
        return int(reply.body[0][1])  # a variant: (signature, value)

    async def _request(self, router: Any, method: str, signature: str, body: tuple[Any, ...],
                       token: str) -> dict[str, Any]:
        """A portal call that answers through a Request's ``Response`` signal: its results, when it succeeded."""
        from jeepney import MatchRule, message_bus

        rule = MatchRule(type="signal", interface=REQUEST, member="Response",
                         path=f"{PATH}/request/{self._sender}/{token}")
        with router.filter(rule, bufsize=4) as responses:
            await asyncio.wait_for(router.send_and_get_reply(message_bus.AddMatch(rule)), TIMEOUT)
            await self._call(router, method, signature, body)
            response = await responses.get()  # BindShortcuts may wait for the person: no time limit
        code, results = response.body
        if code != 0:
            raise PortalError(f"{method}: {'cancelled' if code == 1 else 'refused'} (response {code})")
        return dict(results)

    async def _create_session(self, router: Any) -> str:
        token = f"embeddable_desktop_{secrets.token_hex(6)}"
        results = await self._request(router, "CreateSession", "a{sv}",
                                      ({"handle_token": ("s", token), "session_handle_token": ("s", token)},),
                                      token)
        return str(results["session_handle"][1])

    async def _bind(self, router: Any, session: str) -> str:
        shortcuts = [(action, {"description": ("s", ACTION_TITLES.get(action, action)),
                               "preferred_trigger": ("s", hotkey.xdg_trigger())})
                     for action, hotkey in self._hotkeys.items()]
        token = f"embeddable_desktop_{secrets.token_hex(6)}"
        results = await self._request(router, "BindShortcuts", "oa(sa{sv})sa{sv}",
                                      (session, shortcuts, "", {"handle_token": ("s", token)}), token)
        bound = {str(sid): info for sid, info in results.get("shortcuts", ("", []))[1]}
        for action in sorted(self._hotkeys.keys() - bound.keys()):
            self._on_problem(f"hotkey for {action}: the desktop did not bind it (its keyboard settings can)")
        return ", ".join(f"{action} = {dict(info).get('trigger_description', ('s', '?'))[1]}"
                         for action, info in bound.items())

    async def _listen(self, activations: asyncio.Queue[Any], session: str) -> None:
        while True:
            message = await activations.get()
            session_handle, shortcut_id = message.body[0], str(message.body[1])
            if session_handle == session and shortcut_id in self._hotkeys:
                self._on_trigger(shortcut_id)

    def close(self) -> None:
        """Stop: the connection closes, and the portal ends the session and its shortcuts with it."""
        self._task.cancel()
