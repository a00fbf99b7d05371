"""A stand-in D-Bus service on a private bus: owns a well-known name and answers method calls in a thread of
its own, until stopped. The notification server and the shortcuts portal stand-ins build on it."""

from __future__ import annotations

import threading
from typing import Any

from jeepney import MessageType, message_bus
from jeepney.io.blocking import open_dbus_connection


class StandInService:
    def __init__(self, address: str, bus_name: str) -> None:
        self.connection = open_dbus_connection(address)
        reply = self.connection.send_and_get_reply(message_bus.RequestName(bus_name))
        assert reply.body[0] == 1, f"could not own {bus_name}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"stand-in {bus_name}", daemon=True)

    def start(self) -> None:
        """Called by the subclass once its own state is set up (the thread reads it at once)."""
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                message = self.connection.receive(timeout=0.1)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type is MessageType.method_call:
                self.handle(message)

    def handle(self, message: Any) -> None:
        """Answer one method call (``message.header.fields.get(3)`` is its member name)."""
        raise NotImplementedError

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.connection.close()
