"""Skipping a test whose machine lacks what it needs, except in CI, where .ci/run installs everything."""

from __future__ import annotations

import os

import pytest


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` is false; fail instead in CI (CI=true), where a silently
    skipped test would let what it guards rot."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"in CI: {reason} (.ci/run should have provided it)")
    pytest.skip(reason)
