"""What the in-process benchmarks share: the real window against the stand-in platform, and the report."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tests.fakes.platform import FakeClient, FakePlatform
from tests.fakes.tls import make_server_tls
from tests.integration.conftest import CLIENT_ID, app_argv, free_port
from tests.integration.harness import AppUnderTest


@contextmanager
def app_on_stand_ins(qapp: QApplication, folder: Path) -> Iterator[tuple[AppUnderTest, Path]]:
    """The main window on the fake platform and widget, all state in ``folder``; yields it and the CA file."""
    context, ca = make_server_tls(folder / "tls")
    os.environ["SCRIPTED_BROWSER_CA"] = str(ca)
    os.environ["SCRIPTED_BROWSER_LOG"] = str(folder / "browser.jsonl")
    port = free_port()
    with FakePlatform(context, {}) as platform:
        platform.register_client(CLIENT_ID, FakeClient(redirect_uris=[f"http://127.0.0.1:{port}/oauth/callback"]))
        yield AppUnderTest(qapp, app_argv(platform, port), folder / "data", ca), ca


def report(what: str, values: list[float], baseline: str, baselines: list[float]) -> None:
    """Medians and maxima of both, and the ratio of the medians."""
    value, base = statistics.median(values), statistics.median(baselines)
    print(f"{what:<36} median {value:6.2f} ms   max {max(values):6.2f} ms  ({len(values)} rounds)")
    print(f"{'baseline: ' + baseline:<36} median {base:6.2f} ms   max {max(baselines):6.2f} ms")
    print(f"ratio {value / base:.2f}x")
