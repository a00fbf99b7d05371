"""A machine without a library Qt's window-system plugin needs: one line naming it, not Qt's abort.

The library is really made unavailable: in a private mount namespace (root only), an empty file is mounted
over the system's libxcb-cursor, as on a minimal Debian where ``libxcb-cursor0`` is not installed.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.dpkg import loader_cache
from tests.support.requirements import require

pytestmark = pytest.mark.e2e


def _without_xcb_cursor(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    require(hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare") is not None,
            "hiding a system library needs root and unshare (a private mount namespace)")
    found = loader_cache().get("libxcb-cursor.so.0")
    require(found is not None, "libxcb-cursor0 is not installed, so there is nothing to hide")
    assert found is not None
    library = Path(found).resolve()
    script = f"mount --bind /dev/null {shlex.quote(str(library))} && exec {shlex.join(command)}"
    return subprocess.run(["unshare", "--mount", "sh", "-c", script], env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_missing_window_system_library_is_named_in_one_line(app_program: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=":99")
    env.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)
    # The condition is real: Qt on its own aborts with its paragraph about platform plugins.
    bare = _without_xcb_cursor([sys.executable, "-c", "from PySide6.QtWidgets import QApplication; "
                                "QApplication([])"], env)
    assert bare.returncode != 0 and "Could not load the Qt platform plugin" in bare.stderr

    result = _without_xcb_cursor([str(app_program), "--data-dir", str(tmp_path / "data")], env)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower() or "abort" in line.lower()]
    assert errors == [
        "embeddable-desktop: error: The window system plugin (xcb) cannot start: missing system library "
        "libxcb-cursor.so.0; on Debian or Ubuntu install them with: sudo apt install libxcb-cursor0 (the .deb "
        "and .rpm packages bring them by themselves)"], result.stderr
    assert "qt.qpa.plugin" not in result.stderr and "Traceback" not in result.stderr
    log = (tmp_path / "data" / "logs" / "embeddable-desktop.log").read_text()
    assert "missing system library libxcb-cursor.so.0" in log
