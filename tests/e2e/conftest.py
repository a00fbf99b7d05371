"""The program the end-to-end tests start: the pip-installed ``embeddable-desktop`` next to this Python.

The package tests (tests/packaging/) run the same scenarios against the installed .deb by overriding
``app_program``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest


@pytest.fixture
def app_program() -> Path:
    return Path(sys.executable).with_name("embeddable-desktop")
