"""The window's labels show text as typed, set without PySide6's ``Qt`` namespace (issue 12): building that namespace
costs about 20 ms of the main thread, so start-up leaves it until after the widget's first message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from desktop.ui.window.errors import NoticeBar
from desktop.ui.window.offline import OfflineScreen
from desktop.ui.window.screens import EnvironmentStrip, MissingSettingsScreen, centred, plain_text

#: Builds the app's controller and window as start-up does, and says whether the Qt namespace was built meanwhile.
PROBE = """
import sys, tempfile
from pathlib import Path
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication
from desktop.services.settings_loader import load_settings
from desktop.ui.controller import AppController

app = QApplication([])
data = Path(tempfile.mkdtemp())
argv = ["--env", "sandbox", "--client-id", "probe", "--data-dir", str(data)]
load = lambda words: load_settings(words, {}, data, policy_path=data / "no-policy.json")
controller = AppController(load(argv), argv, load, log_path=str(data / "log"), extra_ca_file=None)
controller.window.show()
print("Qt namespace built:", "Qt" in sys.modules["PySide6.QtCore"].__dict__, flush=True)
"""


def test_the_helpers_set_plain_text_and_centring(qapp) -> None:
    label = QLabel()
    plain_text(label)
    centred(label)
    label.setText("<b>not bold</b>")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter


def test_text_from_the_page_or_the_network_is_never_rich_text(qapp) -> None:
    parent = QWidget()
    labels = [NoticeBar(parent).label, MissingSettingsScreen(["client_id"], "policy.json", parent)]
    stack = QStackedWidget(parent)
    view = QWidget(stack)
    stack.addWidget(view)
    offline = OfflineScreen(lambda: None, stack, view)
    labels += [offline.title, offline.text, offline.status]
    assert [label.textFormat() for label in labels] == [Qt.TextFormat.PlainText] * len(labels)
    strip = EnvironmentStrip("sandbox", "https://platform.devtest.ringcentral.com", parent)
    assert strip.alignment() == Qt.AlignmentFlag.AlignCenter


@pytest.mark.webengine
def test_start_up_leaves_the_qt_namespace_for_later(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
                                  PYTHONPATH=os.pathsep.join(sys.path)))
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Qt namespace built: False" in run.stdout, (run.stdout, run.stderr[-2000:])
