"""Embeddable Desktop: a desktop home for the RingCentral Embeddable web phone.

The package is split in three layers:

* ``desktop.core``: pure logic (options, URLs, OAuth checks, policies, pages). Never imports Qt.
* ``desktop.services``: asyncio I/O that still needs no Qt (the loopback listener, the login flow,
  the system-browser launcher, logging).
* ``desktop.ui``: the thin Qt shell (window, web page, bridge, profile, error presenter).
"""

__version__ = "0.1.0"
APP_NAME = "Embeddable Desktop"
APP_ID = "embeddable-desktop"
