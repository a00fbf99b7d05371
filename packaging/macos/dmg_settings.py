"""dmgbuild settings of the Embeddable Desktop disk image: the app and a link to /Applications to drag it onto.

dmgbuild runs this file with its options as the globals, ``defines`` holding the ``-D`` values; build.sh passes
``-D app=PATH`` (the built, and where secrets allow, signed and stapled ``Embeddable Desktop.app``).
"""

from __future__ import annotations

import os.path

_defines: dict[str, str] = globals().get("defines", {})
app = _defines.get("app", os.path.join("dist", "Embeddable Desktop.app"))
_name = os.path.basename(app.rstrip("/"))

# LZFSE: smaller and faster to open than zlib (UDZO); every macOS the app runs on (13 and later) reads it.
format = "ULFO"  # noqa: A001 - the name dmgbuild reads
files = [app]
symlinks = {"Applications": "/Applications"}
# The Finder window: the app on the left, Applications on the right, nothing else.
window_rect = ((200, 200), (600, 340))
default_view = "icon-view"
icon_size = 128
icon_locations = {_name: (150, 150), "Applications": (450, 150)}
show_status_bar = False
show_toolbar = False
show_sidebar = False
