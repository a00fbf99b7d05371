"""The Chromium flags the launcher needs, added to (never replacing) ``QTWEBENGINE_CHROMIUM_FLAGS``."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence

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
NO_SANDBOX = "--no-sandbox"


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
        wanted.append(NO_SANDBOX)
    present = {w.split("=", 1)[0] for w in words}
    words += [flag for flag in wanted if flag.split("=", 1)[0] not in present]
    return shlex.join(words)


def sandbox_turned_off(flags: str, environ: Mapping[str, str]) -> bool:
    """Whether Chromium's sandbox is off already: ``--no-sandbox`` in the flags (the person's, or ours as root),
    or Qt WebEngine's own switch ``QTWEBENGINE_DISABLE_SANDBOX`` (Qt reads any value, even empty or 0, as set)."""
    return NO_SANDBOX in shlex.split(flags) or "QTWEBENGINE_DISABLE_SANDBOX" in environ


def without_sandbox(flags: str) -> str:
    """``flags`` with ``--no-sandbox`` added (the setting ``allow_no_sandbox``, where the sandbox cannot start)."""
    words = shlex.split(flags)
    return shlex.join(words if NO_SANDBOX in words else [*words, NO_SANDBOX])
