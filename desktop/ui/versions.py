"""``embeddable-desktop --version``: the app's version and what it runs on, for bug reports and IT inventories.

Reads the versions from the libraries themselves (no QApplication, no web engine started), so it works on a
machine without a screen and answers the same for the pip install and the packaged bundle.
"""

from __future__ import annotations

import platform
import sys

from desktop import APP_NAME, __version__


def version_lines() -> list[str]:
    import PySide6
    from PySide6 import QtCore

    lines = [f"{APP_NAME} {__version__}", f"Qt {QtCore.qVersion()}"]
    try:
        from PySide6 import QtWebEngineCore
    except ImportError as exc:  # the libraries Qt WebEngine needs are missing: say so, do not fail
        lines.append(f"Chromium: unavailable ({exc})")
    else:
        # The security patch level is what IT compares against Chromium's advisories.
        chromium = str(QtWebEngineCore.qWebEngineChromiumVersion())  # the stubs say bytes; it is str
        patches = str(QtWebEngineCore.qWebEngineChromiumSecurityPatchVersion())
        lines.append(f"Chromium {chromium} (security patches {patches})")
    lines.append(f"PySide6 {PySide6.__version__}")
    build = "bundle" if getattr(sys, "frozen", False) else "Python package"
    lines.append(f"Python {platform.python_version()} ({build}, {platform.system()} {platform.machine()})")
    return lines


def print_versions() -> int:
    print("\n".join(version_lines()))
    return 0
