"""What the app runs on: versions, the OS and desktop session, the tray and notification services, audio inputs.

The tray and notification services are looked up on the session bus (Linux): without a StatusNotifier host the
tray icon never shows, and without a notification server a ring makes no banner; both are common on minimal
desktops and explain "it doesn't ring". Audio inputs come from the sound system's own listing here; the window's
Help → Diagnostics adds what Chromium itself sees for the widget, with the microphone permission.
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
from collections.abc import Mapping
from pathlib import Path

from desktop import APP_NAME
from desktop.core.findings import Finding, Status

VERSIONS = "Versions"
SYSTEM = "System"
NOTIFICATIONS_BUS_NAME = "org.freedesktop.Notifications"
TRAY_BUS_NAME = "org.kde.StatusNotifierWatcher"


def versions() -> list[Finding]:
    """The app's, Qt's, Chromium's, PySide6's and Python's versions, as ``--version`` prints them."""
    from desktop.ui.versions import version_lines  # reads versions only: no QApplication, no web engine

    found = []
    for name, line in zip([APP_NAME, "Qt", "Chromium", "PySide6", "Python"], version_lines(), strict=False):
        detail = line.removeprefix(name).lstrip(": ")
        status = Status.FAILED if detail.startswith("unavailable") else Status.INFO
        found.append(Finding(VERSIONS, "App" if name == APP_NAME else name, status, detail))
    return found


def session(env: Mapping[str, str] = os.environ) -> list[Finding]:
    """The OS, and on Linux the kind of desktop session (X11 or Wayland) and the desktop."""
    found = [Finding(SYSTEM, "OS", Status.INFO, f"{platform.system()} {platform.release()} ({platform.machine()})"
                     + (f", {_os_release()}" if sys.platform.startswith("linux") else ""))]
    if not sys.platform.startswith("linux"):
        return found
    kind = env.get("XDG_SESSION_TYPE") or ("wayland" if env.get("WAYLAND_DISPLAY") else
                                           "x11" if env.get("DISPLAY") else "")
    desktop = env.get("XDG_CURRENT_DESKTOP", "unknown desktop")
    if kind:
        found.append(Finding(SYSTEM, "desktop session", Status.INFO, f"{kind} ({desktop})"))
    else:
        found.append(Finding(SYSTEM, "desktop session", Status.WARNING,
                             "no graphical session (neither DISPLAY nor WAYLAND_DISPLAY is set): no window can open"))
    return found


def _os_release(path: Path = Path("/etc/os-release")) -> str:
    try:
        fields = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    except OSError:
        return "unknown distribution"
    return fields.get("PRETTY_NAME", "unknown distribution").strip('"')


async def desktop_services(timeout: float) -> list[Finding]:
    """Whether a notification server and a tray host own their names on the session bus."""
    if not sys.platform.startswith("linux"):
        return [Finding(SYSTEM, "tray and notifications", Status.INFO, f"provided by {platform.system()}")]
    try:
        owners = await asyncio.wait_for(_bus_owners((NOTIFICATIONS_BUS_NAME, TRAY_BUS_NAME)), timeout)
    except KeyError:  # jeepney: DBUS_SESSION_BUS_ADDRESS is not set
        detail = "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    except Exception as exc:  # noqa: BLE001 - refused, closed, timed out: each is "no session bus"
        detail = f"no session bus ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"
    else:
        return _service_findings(owners)
    return [Finding(SYSTEM, "notification service", Status.WARNING, f"{detail}: rings make no banner"),
            Finding(SYSTEM, "tray", Status.WARNING, f"{detail}: no tray icon")]


def _service_findings(owners: dict[str, bool]) -> list[Finding]:
    return [
        Finding(SYSTEM, "notification service", Status.OK, f"{NOTIFICATIONS_BUS_NAME} is present")
        if owners[NOTIFICATIONS_BUS_NAME] else
        Finding(SYSTEM, "notification service", Status.WARNING,
                f"nobody owns {NOTIFICATIONS_BUS_NAME}: rings make no desktop banner (the window still comes up)"),
        Finding(SYSTEM, "tray", Status.OK, f"{TRAY_BUS_NAME} is present") if owners[TRAY_BUS_NAME] else
        Finding(SYSTEM, "tray", Status.WARNING, f"nobody owns {TRAY_BUS_NAME}: the tray icon may not show "
                "(GNOME needs the AppIndicator extension); closing the window then quits"),
    ]


async def _bus_owners(names: tuple[str, ...]) -> dict[str, bool]:
    from jeepney import message_bus
    from jeepney.io.asyncio import open_dbus_router

    async with open_dbus_router("SESSION") as router:
        return {name: bool((await router.send_and_get_reply(message_bus.NameHasOwner(name))).body[0])
                for name in names}


def audio_inputs(asound: Path = Path("/proc/asound/pcm")) -> list[Finding]:
    """Capture devices the sound system lists (Linux: ALSA's table, which PipeWire and PulseAudio sit on)."""
    if not sys.platform.startswith("linux"):
        return [Finding(SYSTEM, "audio inputs", Status.INFO, "listed by Help → Diagnostics in the window")]
    try:
        lines = asound.read_text().splitlines()
    except OSError:
        return [Finding(SYSTEM, "audio inputs", Status.WARNING, f"no sound devices ({asound} is missing)")]
    # "00-00: ALC257 Analog : ALC257 Analog : playback 1 : capture 1"
    inputs = [line.split(":")[1].strip() for line in lines if "capture" in line and line.count(":") >= 2]
    if not inputs:
        return [Finding(SYSTEM, "audio inputs", Status.WARNING, "no capture device: calls will have no microphone")]
    return [Finding(SYSTEM, "audio inputs", Status.OK, ", ".join(inputs))]
