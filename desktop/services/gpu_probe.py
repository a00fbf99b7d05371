"""The facts about this machine that ``desktop.core.footprint`` decides on: render nodes, remote sessions.

Read before Qt starts (the Chromium flags are read once), so nothing here may import Qt or be slow: one
directory listing on Linux, one system metric on Windows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from desktop.core.footprint import Machine

#: Windows' GetSystemMetrics index that is non-zero in a Remote Desktop (and Citrix) session.
_SM_REMOTESESSION = 0x1000


def has_render_node(dri: Path = Path("/dev/dri")) -> bool:
    """Whether a DRM render node exists (every GPU driver with 3D acceleration offers one)."""
    try:
        return any(entry.name.startswith("renderD") for entry in dri.iterdir())
    except OSError:
        return False


def in_remote_session() -> bool:
    if sys.platform != "win32":
        return False
    import ctypes

    user32 = getattr(ctypes, "windll").user32  # noqa: B009 - windll exists on Windows only
    return bool(user32.GetSystemMetrics(_SM_REMOTESESSION))


def this_machine(environ: Mapping[str, str] = os.environ) -> Machine:
    linux = sys.platform.startswith("linux")
    return Machine(system=sys.platform, environ=dict(environ), render_node=has_render_node() if linux else None,
                   remote_session=in_remote_session())
