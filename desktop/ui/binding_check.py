"""A start-up check of the Qt binding for the reference-count defect of PySide6 6.12.0.

PySide6 6.12.0 returns ``True`` and ``None`` from some calls without taking a reference to them
(``SignalInstance.disconnect`` and ``emit``, ``QSocketNotifier.setEnabled``), so each call takes one
reference away for good. qasync makes those calls for every socket it watches; after enough traffic (a day's
work, or a few hundred connections to the sign-in listener) the count reaches zero and Python aborts with
"Fatal Python error: bool_dealloc" (or none_dealloc), usually while collecting garbage at exit. On Python
3.11 ``True`` and ``None`` are not immortal, so this is a real crash. The package requires a PySide6 other
than 6.12.0; this check says so in the log when someone runs the app on a defective binding anyway.
``tests/e2e/test_clean_exit.py`` keeps a minimal reproduction.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("desktop")


def _noop() -> None:
    pass


def disconnect_loses_a_reference() -> bool:
    """Disconnect a probe once and see whether ``True`` lost a reference (giving the probe's loss back)."""
    from PySide6.QtCore import QTimer

    probe = QTimer()
    probe.timeout.connect(_noop)
    before = sys.getrefcount(True)
    probe.timeout.disconnect(_noop)  # the result is dropped here, as every caller drops it
    lost = sys.getrefcount(True) < before
    if lost:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost


def warn_if_the_binding_loses_references() -> bool:
    """Log an error naming the defect and the fix when the installed PySide6 has it; True when it does."""
    if not disconnect_loses_a_reference():
        return False
    import PySide6

    log.error("PySide6 %s loses references to True and None, so the app will crash after a while (Fatal Python "
              "error: bool_dealloc); install another version: pip install 'PySide6>=6.8,!=6.12.0'",
              PySide6.__version__)
    return True
