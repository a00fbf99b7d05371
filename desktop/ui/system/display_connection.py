"""Whether the display server connection is already broken (X11 or Wayland): the quit path asks before shutting down.

A session that ends can take the display server away and send SIGTERM at the same moment. Qt notices the broken
connection only when it next reads from it, so the quit that the signal asks for can start first, and the usual
shutdown (closing the window, releasing the page) then runs against the dead display, where Qt WebEngine crashes.
Asked here, the app stops at once instead, as it does when Qt's loop ends by itself.

The check reads the error state of Qt's own connection (``xcb_connection_has_error``, ``wl_display_get_error``),
through the libraries Qt has already loaded: no round trip to the server, and nothing on other platforms.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from typing import Any, NoReturn

from PySide6.QtGui import QGuiApplication

log = logging.getLogger("desktop")


def display_lost(app: QGuiApplication) -> bool:
    """True when Qt's connection to the X server or Wayland compositor has failed for good."""
    platform = app.platformName()
    try:
        native: Any = app.nativeInterface()  # QX11Application or QWaylandApplication; typed as object
        if platform == "xcb":
            return _failed("libxcb.so.1", "xcb_connection_has_error", native.connection())
        if platform.startswith("wayland"):
            return _failed("libwayland-client.so.0", "wl_display_get_error", native.display())
    except (OSError, AttributeError, TypeError) as exc:  # no such library or interface: assume it is there
        log.debug("display connection not checked: %s", exc)
    return False


def _failed(library: str, function_name: str, handle: object) -> bool:
    if not isinstance(handle, int) or handle == 0:
        return False
    function = getattr(ctypes.CDLL(library), function_name)
    function.argtypes = [ctypes.c_void_p]
    function.restype = ctypes.c_int
    return bool(function(handle))


def stop_at_once(why: str) -> NoReturn:
    """The display went away under Qt (``why`` says how): log it and end the process here with status 1, the log
    flushed. Python's own exit would tear Qt's objects down against the dead display, and Qt WebEngine then crashed
    (a segfault in about 1 run in 20 under load). The usual shutdown cannot run any more; Chromium has written the
    profile's storage as it went."""
    log.warning("%s: stopping without the usual shutdown", why)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)
