"""Start-up and memory on a widget-sized page: the app (with or without a lever) against a bare QWebEngineView.

Both load ``widget_sized_page`` (about 9 MiB of script, CSS and a font, which posts the widget's login and
dialer events), alternating, in one run. Measured from process start to "signed in" (the app's log line for
``rc-login-status-notify``; the bare host's page title), and the PSS of the whole process tree 1 s later.
"app" is the app as shipped (its ``performance_tuning`` on), "untuned" the app with it off; each other lever adds
Chromium flags to the untuned app only, so its effect shows against the same bare host.

    .venv/bin/python benchmarks/widget_startup.py [--runs 3] [--lever app --lever untuned ...] [--warm | --first]
        [--platform x11|offscreen] [--network local|office] [--program dist/embeddable-desktop/embeddable-desktop]
        [--before PROGRAM]

``--before PROGRAM`` measures the app against another build of itself (a checkout from before a change, started
by PROGRAM with the same arguments) instead of the bare host: "behaviour unchanged" refactors show their cost.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import SIGNED_IN, compile_the_app, host_env, launcher_command, measure  # noqa: E402
from widget_sized_page import NETWORKS, serve  # noqa: E402

from desktop.core.page_memory import GC_FUNCTION  # noqa: E402
from tests.support.xvfb import virtual_screen  # noqa: E402

HERE = Path(__file__).resolve().parent
UNTUNED = {"EMBEDDABLE_DESKTOP_PERFORMANCE_TUNING": "false"}
#: The app as shipped, the app with its tuning off, each lever of issue 12 alone on the untuned app, and the app
#: without one lever:
#: name -> (Chromium flags, environment variables).
LEVERS: dict[str, tuple[str, dict[str, str]]] = {
    "app": ("", {}),
    "untuned": ("", UNTUNED),
    "no-gpu": ("--disable-gpu", UNTUNED),
    "in-process-gpu": ("--in-process-gpu", UNTUNED),
    "renderer-limit-1": ("--renderer-process-limit=1", UNTUNED),
    "unused-features-off": ("--disable-features=Translate,SpellCheck,AutofillServerCommunication,OptimizationHints,"
                            "MediaRouter,DialMediaRouteProvider,InterestFeedContentSuggestions", UNTUNED),
    "low-end-device-mode": ("--enable-low-end-device-mode", UNTUNED),
    "v8-optimize-for-size": ("--js-flags=--optimize-for-size", UNTUNED),
    "quick-software": ("", dict(UNTUNED, QT_QUICK_BACKEND="software")),
    "one-zygote": ("--no-unsandboxed-zygote", UNTUNED),
    "windows-without-gl": ("", dict(UNTUNED, QT_XCB_GL_INTEGRATION="none",
                                    QT_WAYLAND_CLIENT_BUFFER_INTEGRATION="none")),
    # The app as shipped without its collections of the page's garbage (a person's own --js-flags replace the
    # app's, which expose V8's collector): what they save.
    "app-without-collection": ("--js-flags=--no-expose-gc", {}),
    # The app as shipped until the collections replaced it: V8's --optimize-for-size, and no collections.
    "app-with-v8-size": ("--js-flags=--optimize-for-size", {}),
    # Both: the collections and V8's --optimize-for-size.
    "app-and-v8-size": (f"--js-flags=--expose-gc-as={GC_FUNCTION} --optimize-for-size", {}),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lever", action="append", choices=LEVERS, help="what to run (default: all)")
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--warm", action="store_true", help="a warm restart: the app's data folder (profile, disk "
                       "cache) is kept from an unmeasured first start")
    start.add_argument("--first", action="store_true", help="every round is the app's first start: a new data "
                       "folder, nothing cached (by default rounds after the first find the cache of the one "
                       "before); the app's start-up cache of PySide6's code is filled, as after the first start "
                       "since installing")
    start.add_argument("--cold", action="store_true", help="as --first, and the app's start-up cache empty too: "
                       "every round is the first start after installing")
    parser.add_argument("--network", choices=list(NETWORKS), default="local", help="local: as fast as this "
                        "machine serves the page; office: a hosted build over an office connection (30 ms round "
                        "trip, 50 Mbit/s shared)")
    parser.add_argument("--platform", choices=("x11", "offscreen"), default="x11",
                        help="x11: a virtual X screen (Xvfb), as a desktop has; offscreen: Qt's offscreen platform")
    parser.add_argument("--program", help="the app's executable, e.g. the packaged app's (packaging/build.py "
                        "bundle), instead of this Python's -m desktop; it carries its own start-up cache")
    parser.add_argument("--before", help="another build of the app to compare with instead of the bare host (an "
                        "executable taking the app's arguments, e.g. a wrapper that runs an older checkout)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.platform == "x11":
            display = stack.enter_context(virtual_screen())
            os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        else:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        run(args)
    return 0


def run(args: argparse.Namespace) -> None:
    compile_the_app()
    url, stop = serve(args.network)
    bare_env = host_env()
    kind = ("warm" if args.warm else "first start" if args.first else "first start after installing" if args.cold
            else "rounds after the first warm")
    for lever in args.lever or list(LEVERS):
        flags, variables = LEVERS[lever]
        app_env = dict(bare_env, **variables)
        app_env["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{bare_env.get('QTWEBENGINE_CHROMIUM_FLAGS', '')} {flags}".strip()
        results: dict[str, list[tuple[float, int]]] = {"app": [], "bare": []}
        with tempfile.TemporaryDirectory() as data:
            app = launcher_command(url, data, args.program)
            bare, bare_marker, baseline_env = [sys.executable, str(HERE / "bare_view.py"), url], "READY", bare_env
            if args.before:  # the app's other build, with a data folder of its own
                bare, bare_marker = launcher_command(url, tempfile.mkdtemp(dir=data), args.before), SIGNED_IN
                baseline_env = app_env
            if args.warm:
                measure(app, SIGNED_IN, app_env)
                if args.before:
                    measure(bare, SIGNED_IN, app_env)
            for round_number in range(args.runs):
                if args.first or args.cold:
                    app = launcher_command(url, tempfile.mkdtemp(dir=data), args.program)
                    if args.before:
                        bare = launcher_command(url, tempfile.mkdtemp(dir=data), args.before)
                if args.cold:
                    app_env["XDG_CACHE_HOME"] = tempfile.mkdtemp(dir=data)
                order = [("app", app, SIGNED_IN, app_env), ("bare", bare, bare_marker, baseline_env)]
                for name, cmd, marker, env in order if round_number % 2 == 0 else reversed(order):
                    results[name].append(measure(cmd, marker, env))
        med = {name: (statistics.median(t for t, _ in r), statistics.median(m for _, m in r))
               for name, r in results.items()}
        (app_t, app_m), (bare_t, bare_m) = med["app"], med["bare"]
        # Each round's two starts follow each other, so the machine's drift (large here) mostly cancels in their
        # ratio: the median of those is the steadier figure when the medians above move from run to run.
        paired = statistics.median(a / b for (a, _), (b, _) in zip(results["app"], results["bare"], strict=True))
        baseline = "before" if args.before else "bare"
        print(f"{lever:20s} app {app_t * 1000:6.0f} ms {app_m / 1024:6.1f} MiB | {baseline} {bare_t * 1000:6.0f} ms "
              f"{bare_m / 1024:6.1f} MiB | ratio time {app_t / bare_t:.2f}x (paired {paired:.2f}x) memory "
              f"{app_m / bare_m:.2f}x ({args.runs} rounds, {kind}, {args.platform}, {args.network} network"
              f"{', ' + args.program if args.program else ''})",
              flush=True)
    stop()


if __name__ == "__main__":
    sys.exit(main())
