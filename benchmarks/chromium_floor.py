"""How fast Chromium starts the widget-sized page when set up as the app sets it up, without any of the app's Python.

The bare host (``bare_view.py``) runs four ways, alternating, each a first start on the widget-sized page:
- plain: as in ``widget_startup.py``, the baseline;
- tuned: with the app's performance tuning, the variables and Chromium flags ``desktop.core.footprint`` decides
  for this machine (the same code the app runs);
- persistent: with a persistent profile and disk cache, new each round, as the app's first start has;
- both: the two together, which is Chromium as the app sets it up.
Time runs from process start to "signed in" (the page's login event delivered). What "both" saves against
"plain" is what the app's own Python may spend before the widget's first message and still be at 1.0x.

``--build-up`` runs the floor ("both", as ``floor_host.py``) with the app's pieces added one at a time, each row
adding to the row before (the bridge, the settings, the app's profile, its page and window, its window's modules),
then the app itself, each a first start, alternating with the plain bare host: what each piece of the app costs.

    .venv/bin/python benchmarks/chromium_floor.py [--runs 7] [--network local|office] [--build-up]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import SIGNED_IN, compile_the_app, host_env, launcher_command, measure  # noqa: E402
from widget_sized_page import NETWORKS, serve  # noqa: E402

from desktop.core.footprint import apply_tuning, decide  # noqa: E402
from desktop.services.gpu_probe import this_machine  # noqa: E402
from tests.support.xvfb import virtual_screen  # noqa: E402

HERE = Path(__file__).resolve().parent
WAYS = ("plain", "tuned", "persistent", "both")
#: ``--build-up``: each row adds one piece of the app (a ``floor_host.py`` option) to the row before.
PIECES = {"+ bridge": "--bridge", "+ settings": "--settings", "+ app's profile": "--app-profile",
          "+ page and window": "--page-and-window", "+ window's modules": "--window-modules"}


def tuned(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the app's tuning applied, as the app applies it at start-up."""
    tuned_env = dict(env)
    apply_tuning(decide(True, this_machine(tuned_env)), tuned_env, running_as_root=os.geteuid() == 0)
    return tuned_env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--network", choices=list(NETWORKS), default="local")
    parser.add_argument("--build-up", action="store_true", help="the floor with the app's pieces added one by one")
    args = parser.parse_args()
    if args.build_up:
        return build_up(args.runs, args.network)
    url, stop_server = serve(args.network)
    times: dict[str, list[float]] = {way: [] for way in WAYS}
    with virtual_screen() as display, tempfile.TemporaryDirectory() as data:
        os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        plain_env = host_env()
        tuned_env = tuned(plain_env)
        envs = {"plain": plain_env, "tuned": tuned_env, "persistent": plain_env, "both": tuned_env}
        for round_number in range(args.runs):
            for way in WAYS if round_number % 2 == 0 else tuple(reversed(WAYS)):
                command = [sys.executable, str(HERE / "bare_view.py"), url]
                if way in ("persistent", "both"):
                    command += ["--profile", tempfile.mkdtemp(dir=data)]
                seconds, _ = measure(command, "READY", envs[way])
                times[way].append(seconds * 1000)
    stop_server()
    plain = statistics.median(times["plain"])
    print(f"start → signed in, first starts, medians of {args.runs} rounds (X11, {args.network} network)")
    for way in WAYS:
        median = statistics.median(times[way])
        print(f"{way:12s} {median:7.0f} ms  {median / plain:.3f}x  ({median - plain:+.0f} ms)")
    return 0


def build_up(runs: int, network: str) -> int:
    compile_the_app()
    url, stop_server = serve(network)
    with virtual_screen() as display, tempfile.TemporaryDirectory() as data:
        os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        plain_env = host_env()
        tuned_env = tuned(plain_env)
        commands: dict[str, tuple[list[str], str, dict[str, str]]] = {
            "bare host": ([sys.executable, str(HERE / "bare_view.py"), url], "READY", plain_env),
            "floor": ([sys.executable, str(HERE / "floor_host.py"), url, "--data", data], "READY", tuned_env)}
        options: list[str] = []
        for name, option in PIECES.items():
            options.append(option)
            commands[name] = ([*commands["floor"][0], *options], "READY", tuned_env)
        times: dict[str, list[float]] = {name: [] for name in [*commands, "the app"]}
        for round_number in range(runs):
            for name in list(times) if round_number % 2 == 0 else list(reversed(times)):
                if name == "the app":  # its own tuning, as a person starts it; a first start each round
                    command, marker, env = launcher_command(url, tempfile.mkdtemp(dir=data)), SIGNED_IN, plain_env
                else:
                    command, marker, env = commands[name]
                times[name].append(measure(command, marker, env)[0] * 1000)
    stop_server()
    bare = statistics.median(times["bare host"])
    print(f"start → signed in, first starts, medians of {runs} rounds (X11, {network} network)")
    previous = None
    for name, samples in times.items():
        median = statistics.median(samples)
        step = "" if previous is None else f"  (this piece: {median - previous:+.0f} ms)"
        print(f"{name:20s} {median:7.0f} ms  {median / bare:.3f}x{step}")
        previous = median if name != "bare host" else None
    return 0


if __name__ == "__main__":
    sys.exit(main())
