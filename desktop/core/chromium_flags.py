"""The Chromium flags the launcher needs, added to (never replacing) ``QTWEBENGINE_CHROMIUM_FLAGS``."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from desktop.core.proxy import CHROMIUM_PROXY_FLAGS, SYSTEM, chromium_proxy_flags

LAUNCHER_FLAGS = (
    # Let the widget's ringtone play before the person has clicked anything (an incoming call must be heard).
    "--autoplay-policy=no-user-gesture-required",
    # A hidden or minimised phone must keep its timers (SIP keep-alives, token refresh) at full rate:
    # Chromium otherwise throttles background pages to one timer a second, or less.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)


def chromium_flags(existing: str | None, *, running_as_root: bool, proxy: str = SYSTEM,
                   tuning: Sequence[str] = ()) -> str:
    """Flags to export: the person's own first, then ours that are not already there.

    ``--no-sandbox`` only as root, where Chromium refuses to start without it; a normal user keeps the
    sandbox. A ``proxy`` setting other than ``system`` replaces any proxy flag of the person's. ``tuning`` is
    what ``desktop.core.footprint`` decided for this machine.
    """
    words = shlex.split(existing) if existing else []
    proxy_flags = chromium_proxy_flags(proxy)
    if proxy_flags:
        words = [w for w in words if w.split("=", 1)[0] not in CHROMIUM_PROXY_FLAGS]
    wanted = list(LAUNCHER_FLAGS) + proxy_flags + list(tuning)
    if running_as_root:
        wanted.append("--no-sandbox")
    present = {w.split("=", 1)[0] for w in words}
    words += [flag for flag in wanted if flag.split("=", 1)[0] not in present]
    return shlex.join(words)
