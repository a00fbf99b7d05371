"""Where start-up time goes: the app and a bare QWebEngineView host, step by step, on the widget-sized page.

The two start alternately on a virtual X screen, as in ``widget_startup.py`` (the app warm: its data folder is
kept from an unmeasured first start). Every time is in ms from process start, the median over the rounds:
- the host's own steps, from the lines it writes as it goes (the app's log: settings read, web profile created,
  load started, page loaded; the bare host: page loaded);
- the network: when the request for ``app.html`` reached the server;
- the page's steps, which the page notes itself (``widget_sized_page`` with ``timing``): navigation started, its
  scripts run, its UI built, the login event posted, and the login event seen by the page's own listener;
- "signed in": the app's log line for the event arriving over its bridge, the bare host's title change.

``--without-font`` serves the page without its web font, to see what the font's late layout costs each host.
``--first`` makes every start of the app a first start (a new data folder each round), like the bare host's.

    .venv/bin/python benchmarks/startup_steps.py [--runs 7] [--network local|office] [--without-font] [--first]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import SIGNED_IN, compile_the_app, host_env, launcher_command, spawn, stop_tree  # noqa: E402
from widget_sized_page import NETWORKS, serve  # noqa: E402

from tests.support.xvfb import virtual_screen  # noqa: E402

HERE = Path(__file__).resolve().parent
#: Lines each host writes -> the step they mark. The last one of each host is where its start-up ends.
HOST_LINES = {
    "app": {"starting: env=": "settings read", "web profile ": "web profile created",
            "loading the widget from": "load() called", "widget page loaded": "page loaded",
            SIGNED_IN: "signed in"},
    "bare": {"LOADED": "page loaded", "READY": "signed in"},
}
PAGE_STEPS = {"scripts_run": "page: its scripts run", "ui_built": "page: its UI built",
              "event_posted": "page: login event posted", "event_seen": "page: login event seen by the page"}


class Requests:
    """What reached the page's server: when ``app.html`` was asked for, and the page's step report."""

    def __init__(self) -> None:
        self.page_asked: float | None = None
        self.report: dict[str, float] | None = None

    def __call__(self, path: str) -> None:
        if path.startswith("/app.html") and self.page_asked is None:
            self.page_asked = time.time()
        elif path.startswith("/steps?"):
            self.report = json.loads(urllib.parse.unquote(path.split("?", 1)[1]))


def one_start(cmd: list[str], env: dict[str, str], host: str, requests: Requests) -> dict[str, float]:
    """Start ``cmd``, follow it to "signed in" and the page's report: {step: ms from process start}."""
    requests.page_asked, requests.report = None, None
    lines = HOST_LINES[host]
    steps: dict[str, float] = {}
    start = time.time()
    proc = spawn(cmd, env)
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            for text, step in lines.items():
                if text in line and step not in steps:
                    steps[step] = (time.time() - start) * 1000
            if "signed in" in steps:
                break
        else:
            raise RuntimeError(f"{host} exited before signing in")
        deadline = time.monotonic() + 5
        while requests.report is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop_tree(proc)
    if requests.report is None or requests.page_asked is None:
        raise RuntimeError(f"{host}: the page did not report its steps")
    navigation = requests.report["navigation"] - start * 1000
    steps["page: navigation started"] = navigation
    steps["app.html asked of the server"] = (requests.page_asked - start) * 1000
    steps.update({label: navigation + requests.report[key] for key, label in PAGE_STEPS.items()})
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--network", choices=list(NETWORKS), default="local")
    parser.add_argument("--without-font", action="store_true", help="the page without its web font")
    parser.add_argument("--first", action="store_true", help="every start of the app is a first start: a new data "
                        "folder each time, nothing cached (as every start of the bare host is)")
    args = parser.parse_args()
    requests = Requests()
    url, stop_server = serve(args.network, timing=True, font=not args.without_font, on_request=requests)
    results: dict[str, list[dict[str, float]]] = {"app": [], "bare": []}
    with virtual_screen() as display, tempfile.TemporaryDirectory() as data:
        os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        compile_the_app()
        env = host_env()
        commands = {"app": launcher_command(url, data), "bare": [sys.executable, str(HERE / "bare_view.py"), url]}
        if not args.first:
            one_start(commands["app"], env, "app", requests)  # the first start fills the app's disk cache
        for round_number in range(args.runs):
            if args.first:
                commands["app"] = launcher_command(url, tempfile.mkdtemp(dir=data))
            for host in ("app", "bare") if round_number % 2 == 0 else ("bare", "app"):
                results[host].append(one_start(commands[host], env, host, requests))
    stop_server()
    # A host's page can finish loading before or after it signs in; a step is shown for the rounds it came in.
    medians: dict[str, dict[str, float]] = {}
    for host, rounds in results.items():
        steps = {step for r in rounds for step in r}
        medians[host] = {step: statistics.median(r[step] for r in rounds if step in r) for step in steps}
        for step in steps:
            came = sum(step in r for r in rounds)
            if came < len(rounds):
                print(f"{host}: {step!r} before signing in in {came} of {len(rounds)} rounds")
    order = sorted(set(medians["app"]) | set(medians["bare"]),
                   key=lambda step: medians["app"].get(step, medians["bare"].get(step, 0.0)))
    font = ", the page without its web font" if args.without_font else ""
    start = "first starts" if args.first else "the app warm"
    print(f"ms from process start, medians of {args.runs} rounds (X11, {args.network} network, {start}{font})")
    print(f"{'step':40s} {'app':>7s} {'bare':>7s} {'app - bare':>11s}")
    for step in order:
        app, bare = medians["app"].get(step), medians["bare"].get(step)
        cells = [f"{value:7.0f}" if value is not None else f"{'':7s}" for value in (app, bare)]
        difference = f"{app - bare:+11.0f}" if app is not None and bare is not None else ""
        print(f"{step:40s} {cells[0]} {cells[1]} {difference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
