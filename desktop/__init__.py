"""Embeddable Desktop: a desktop home for the RingCentral Embeddable web phone.

The package is split in three layers:

* ``desktop.core``: pure logic (options, URLs, OAuth checks, policies, pages). Never imports Qt.
* ``desktop.services``: asyncio I/O that still needs no Qt (the loopback listener, the login flow,
  the system-browser launcher, logging).
* ``desktop.ui``: the thin Qt shell (window, web page, bridge, profile, error presenter).
"""

from pathlib import Path

__version__ = "0.1.0"
APP_NAME = "Embeddable Desktop"
APP_ID = "embeddable-desktop"


def resource_file(name: str) -> Path:
    """A file of the app's resources (``resources/``, installed as the package ``desktop.resources``).

    By the package's own path: the same file from a source tree, an installed wheel and the PyInstaller bundle
    (whose spec copies the folder whole), without ``importlib.resources``, whose imports cost about 9 ms of
    start-up before the widget loads (issue 12)."""
    import importlib

    package = importlib.import_module("desktop.resources")
    return Path(str(package.__file__)).parent / name
