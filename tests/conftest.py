"""Test-wide setup: offscreen Qt, a fake microphone, no real user directories."""

from __future__ import annotations

import os
import ssl
import tempfile
from pathlib import Path

import pytest

from desktop.core.footprint import apply_tuning, decide
from desktop.services.gpu_probe import this_machine

# Before anything creates a QApplication or a web engine object (the flags are read once).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A fake audio/video device so getUserMedia has something to grant; never --use-fake-ui-for-media-stream,
# which would bypass the permission policy under test.
_is_root = hasattr(os, "geteuid") and os.geteuid() == 0
# The Chromium tuning is the one the app decides for this machine (desktop.core.footprint), so every page test
# runs with what the app runs with.
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = "--use-fake-device-for-media-stream"
apply_tuning(decide(True, this_machine()), os.environ, running_as_root=_is_root)
os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")
# Never the person's own session bus: a ring in a test must not pop up on their desktop. Tests that check
# desktop notifications start a private bus of their own.
os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/embeddable-desktop-tests-bus"
# The app keeps its start-up cache (desktop/services/compile_cache.py) in the person's cache folder: for the tests,
# and every app they start, that is a folder of this test run's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="embeddable-desktop-tests-cache-")


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A throw-away CA and the stand-in platform's certificate: (server SSL context, CA PEM path)."""
    from tests.fakes.tls import make_server_tls

    return make_server_tls(tmp_path_factory.mktemp("tls"))
