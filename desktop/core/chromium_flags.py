"""The Chromium flags the launcher needs, added to (never replacing) ``QTWEBENGINE_CHROMIUM_FLAGS``."""

from __future__ import annotations

import shlex

LAUNCHER_FLAGS = (
    # Let the widget's ringtone play before the person has clicked anything (an incoming call must be heard).
    "--autoplay-policy=no-user-gesture-required",
    # A hidden or minimised phone must keep its timers (SIP keep-alives, token refresh) at full rate:
    # Chromium otherwise throttles background pages to one timer a second, or less.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)


def chromium_flags(existing: str | None, *, running_as_root: bool) -> str:
    """Flags to export: the person's own first, then ours that are not already there.

    ``--no-sandbox`` only as root, where Chromium refuses to start without it; a normal user keeps the
    sandbox.
    """
    words = shlex.split(existing) if existing else []
    wanted = list(LAUNCHER_FLAGS)
    if running_as_root:
        wanted.append("--no-sandbox")
    present = {w.split("=", 1)[0] for w in words}
    words += [flag for flag in wanted if flag.split("=", 1)[0] not in present]
    return shlex.join(words)
