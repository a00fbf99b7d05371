"""The one narrow bridge between the widget page and Python.

Page → Python: a script in an isolated world forwards the widget's ``rc-*`` message events as JSON to
one slot. Python → page: :func:`post_to_widget` runs JSON-built JavaScript in that same isolated world,
which posts the command into the widget's window. The widget's scripts never get a handle on either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QResource, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript

from desktop import resource_file
from desktop.core.bridge_js import parse_bridge_message, post_message_js
from desktop.core.page_memory import collect_garbage_js
from desktop.core.widget_commands import WidgetCommand

log = logging.getLogger("desktop.bridge")
WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld
SCRIPT_NAME = "embeddable-desktop-bridge"


def _bridge_source() -> str:
    # QResource rather than QFile: making QFile's Qt type (with its five enums) costs start-up about 1 ms.
    channel = QResource(":/qtwebchannel/qwebchannel.js")
    if not channel.isValid():
        raise RuntimeError("Qt's qwebchannel.js resource is missing from this PySide6 installation")
    channel_js = bytes(channel.uncompressedData().data()).decode("utf-8")
    bridge_js = resource_file("bridge.js").read_text(encoding="utf-8")
    return channel_js + "\n" + bridge_js


class PageBridge(QObject):
    """Receives the widget's events; ``message_received`` carries each one as a dict."""

    message_received = Signal(dict)

    def __init__(self, page: QWebEnginePage) -> None:
        super().__init__(page)
        self._page = page
        self._channel = QWebChannel(self)
        self._channel.registerObject("embeddableDesktop", self)
        page.setWebChannel(self._channel, WORLD)
        script = QWebEngineScript()
        script.setName(SCRIPT_NAME)
        script.setSourceCode(_bridge_source())
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(WORLD)
        script.setRunsOnSubFrames(False)
        page.scripts().insert(script)

    @Slot(str)
    def receive(self, text: str) -> None:
        message = parse_bridge_message(text)
        if message is None:
            log.warning("ignored a malformed bridge message")
            return
        self.message_received.emit(message)

    def post(self, command: WidgetCommand) -> None:
        """Post a command into the widget window (JSON-encoded, never string-pasted)."""
        self._page.runJavaScript(post_message_js(command), WORLD)
        log.info("posted %s to the widget", command.type)

    def collect_garbage(self, done: Callable[[object], None]) -> None:
        """A full collection of the page's garbage, from the isolated world (see ``desktop.core.page_memory``);
        ``done`` gets what the JavaScript evaluated to."""
        self._page.runJavaScript(collect_garbage_js(), WORLD, done)
