"""Linux desktop notifications over a real (private) D-Bus session bus, against a stand-in notification server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.freedesktop_notifications import (
    URGENCY_CRITICAL,
    FreedesktopNotifications,
    NotificationsUnavailable,
)
from tests.support.notification_server import FakeNotificationServer, PrivateBus


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[PrivateBus]:
    private = PrivateBus(tmp_path)
    yield private
    private.stop()


@pytest.fixture
def server(bus: PrivateBus) -> Iterator[FakeNotificationServer]:
    fake = FakeNotificationServer(bus.address)
    yield fake
    fake.stop()


async def eventually(items: list[int]) -> None:
    """Wait (up to 2 s) for a signal from the bus to have added to ``items``."""
    for _ in range(100):
        if items:
            return
        await asyncio.sleep(0.02)


def test_notify_and_click(bus: PrivateBus, server: FakeNotificationServer) -> None:
    clicked: list[int] = []

    async def scenario() -> None:
        notifications = FreedesktopNotifications("Embeddable Desktop", "embeddable-desktop", clicked.append,
                                                 bus=bus.address)
        assert await notifications.available()
        first = await notifications.notify("Incoming call", "Bob (+1650)", urgency=URGENCY_CRITICAL)
        second = await notifications.notify("New message", "Running late")
        assert (first, second) == (1, 2)
        server.click(first)
        await eventually(clicked)
        await notifications.aclose()

    asyncio.run(scenario())
    assert clicked == [1]
    call = server.calls[0]
    assert (call["app"], call["summary"], call["body"], call["actions"]) == \
        ("Embeddable Desktop", "Incoming call", "Bob (+1650)", ["default", "Show"])
    assert call["hints"] == {"urgency": 2, "desktop-entry": "embeddable-desktop"}
    assert server.calls[1]["hints"]["urgency"] == 1


def test_no_server_or_no_bus_means_unavailable(bus: PrivateBus, tmp_path: Path) -> None:
    async def scenario(address: str) -> bool:
        notifications = FreedesktopNotifications("App", "app", lambda _: None, bus=address)
        try:
            return await notifications.available()
        finally:
            await notifications.aclose()

    assert asyncio.run(scenario(bus.address)) is False  # a bus, but nobody serves notifications on it
    assert asyncio.run(scenario(f"unix:path={tmp_path}/no-such-bus")) is False


def test_close_and_the_closed_signal(bus: PrivateBus, server: FakeNotificationServer) -> None:
    closed: list[int] = []

    async def scenario() -> None:
        notifications = FreedesktopNotifications("App", "app", lambda _: None, bus=bus.address,
                                                 on_closed=closed.append)
        assert await notifications.available()
        notification_id = await notifications.notify("Incoming call", "Bob")
        await notifications.close(notification_id)
        await eventually(closed)
        await notifications.aclose()

    asyncio.run(scenario())
    assert server.closed == [1] and closed == [1]


def test_a_bus_that_goes_away_is_reported_not_raised_raw(bus: PrivateBus, server: FakeNotificationServer) -> None:

    async def scenario() -> str:
        notifications = FreedesktopNotifications("App", "app", lambda _: None, bus=bus.address)
        assert await notifications.available()
        await notifications.notify("first", "ok")
        server.stop()
        bus.stop()  # the desktop session's bus dies (or gnome-shell restarts)
        await asyncio.sleep(0.2)
        try:
            await notifications.notify("second", "lost?")
        except NotificationsUnavailable as exc:
            return str(exc)
        finally:
            await notifications.aclose()
        return "no error"

    message = asyncio.run(scenario())
    assert message.startswith("Notify: ")  # one kind of error, naming the call, whatever jeepney raised


def test_buttons_go_to_a_server_that_shows_them_and_come_back_by_key(bus: PrivateBus,
                                                                    server: FakeNotificationServer) -> None:
    clicked: list[int] = []
    pressed: list[tuple[int, str]] = []

    async def scenario() -> None:
        notifications = FreedesktopNotifications("App", "app", clicked.append, bus=bus.address,
                                                 on_action=lambda *args: pressed.append(args))
        assert await notifications.available() and notifications.supports_actions
        ring = await notifications.notify("Incoming call", "Bob", actions=[("answer", "Answer"),
                                                                             ("decline", "Decline")])
        server.invoke(ring, "decline")
        server.click(ring)
        await eventually(clicked)
        await notifications.aclose()

    asyncio.run(scenario())
    assert server.calls[0]["actions"] == ["default", "Show", "answer", "Answer", "decline", "Decline"]
    assert server.buttons(1) == {"answer": "Answer", "decline": "Decline"}
    # A button is not a click (which shows the window): each goes its own way, in the order pressed.
    assert pressed == [(1, "decline")] and clicked == [1]


def test_no_buttons_for_a_server_without_actions(bus: PrivateBus) -> None:
    """GetCapabilities without "actions" (a minimal daemon): buttons would be dropped, so none are sent and
    the app offers them in the tray menu instead; the click still shows the window."""
    server = FakeNotificationServer(bus.address, actions=False)
    clicked: list[int] = []

    async def scenario() -> None:
        notifications = FreedesktopNotifications("App", "app", clicked.append, bus=bus.address)
        assert await notifications.available() and not notifications.supports_actions
        first = await notifications.notify("Missed call", "Bob", actions=[("call-back", "Call Back")])
        server.click(first)
        await eventually(clicked)
        await notifications.aclose()

    try:
        asyncio.run(scenario())
    finally:
        server.stop()
    assert server.calls[0]["actions"] == ["default", "Show"] and server.buttons(1) == {} and clicked == [1]
