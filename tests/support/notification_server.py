"""A private D-Bus session bus with a stand-in ``org.freedesktop.Notifications`` server, for tests.

Starts the system's ``dbus-daemon`` on a socket in a temporary folder (never the person's session bus) and
answers ``Notify`` like a notification daemon: it records each call (its ``actions`` too) and returns
increasing ids. A test may send ``ActionInvoked`` as a click (``default``) or a button press would;
``CloseNotification`` is answered with ``NotificationClosed``. ``GetCapabilities`` lists "actions" unless the
server is made without them (a daemon that shows no buttons). The server speaks D-Bus with jeepney in a
thread of its own.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, new_method_return, new_signal

from tests.support.dbus_stand_in import StandInService

BUS_NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


class PrivateBus:
    def __init__(self, folder: Path) -> None:
        config = folder / "session.conf"
        config.write_text(
            "<!DOCTYPE busconfig PUBLIC '-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN' "
            "'http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd'>\n"
            f"<busconfig><type>session</type><listen>unix:dir={folder}</listen>"
            "<auth>EXTERNAL</auth><policy context='default'><allow send_destination='*' eavesdrop='true'/>"
            "<allow eavesdrop='true'/><allow own='*'/></policy></busconfig>\n")
        self.process = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        self.address = self.process.stdout.readline().strip()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=5)


class FakeNotificationServer(StandInService):
    """Owns the notifications name on ``address``; ``calls`` holds each Notify's arguments."""

    def __init__(self, address: str, *, actions: bool = True) -> None:
        self.capabilities = ["actions", "body"] if actions else ["body"]
        super().__init__(address, BUS_NAME)
        self.calls: list[dict[str, Any]] = []
        #: Ids taken down with CloseNotification, in order.
        self.closed: list[int] = []
        self._next_id = 0
        self.start()

    def handle(self, message: Any) -> None:
        member = message.header.fields.get(3)  # HeaderFields.member
        if member == "Notify":
            app, _replaces, icon, summary, body, actions, hints, timeout = message.body
            self._next_id += 1
            self.calls.append({"id": self._next_id, "app": app, "icon": icon, "summary": summary, "body": body,
                               "actions": list(actions), "hints": {k: v[1] for k, v in hints.items()},
                               "timeout": timeout})
            self.connection.send(new_method_return(message, "u", (self._next_id,)))
        elif member == "CloseNotification":
            (notification_id,) = message.body
            self.closed.append(notification_id)
            self.connection.send(new_method_return(message))
            # As a real server does: reason 3, "closed by a call to CloseNotification".
            address = DBusAddress(PATH, interface=BUS_NAME)
            self.connection.send(new_signal(address, "NotificationClosed", "uu", (notification_id, 3)))
        elif member == "GetCapabilities":
            self.connection.send(new_method_return(message, "as", (self.capabilities,)))

    def click(self, notification_id: int) -> None:
        """What the desktop sends when the person clicks the notification."""
        self.invoke(notification_id, "default")

    def invoke(self, notification_id: int, key: str) -> None:
        """What the desktop sends when the person presses the notification's button ``key``."""
        address = DBusAddress(PATH, interface=BUS_NAME)
        self.connection.send(new_signal(address, "ActionInvoked", "us", (notification_id, key)))

    def buttons(self, notification_id: int) -> dict[str, str]:
        """The buttons that notification was sent with, by key (besides the click, ``default``)."""
        call = next(call for call in self.calls if call["id"] == notification_id)
        pairs = dict(zip(call["actions"][::2], call["actions"][1::2], strict=True))
        pairs.pop("default", None)
        return pairs


