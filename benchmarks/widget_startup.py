"""Start-up and memory on a widget-sized page: the app (with or without a lever) against a bare QWebEngineView.

Both load ``widget_sized_page`` (about 9 MiB of script, CSS and a font, which posts the widget's login and
dialer events), alternating, in one run. Measured from process start to "signed in" (the app's log line for
``rc-login-status-notify``; the bare host's page title), and the PSS of the whole process tree two seconds later.
A lever adds Chromium flags to the app only, so its effect shows against the same bare host.

    .venv/bin/python benchmarks/widget_startup.py [--runs 3] [--lever in-process-gpu ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import host_env, launcher_command, measure  # noqa: E402
from widget_sized_page import serve  # noqa: E402

HERE = Path(__file__).resolve().parent
#: Chromium flags to try, each alone (issue 12's levers that need no app change).
LEVERS = {
    "none": "",
    "in-process-gpu": "--in-process-gpu",
    "renderer-limit-1": "--renderer-process-limit=1",
    "unused-features-off": "--disable-features=Translate,SpellCheck,AutofillServerCommunication,OptimizationHints,"
                           "MediaRouter,DialMediaRouteProvider,InterestFeedContentSuggestions",
    "no-gpu": "--disable-gpu",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lever", action="append", choices=LEVERS, help="levers to try (default: all)")
    args = parser.parse_args()
    url, stop = serve()
    bare_env = host_env()
    rows = []
    for lever in args.lever or list(LEVERS):
        app_env = dict(bare_env, QTWEBENGINE_CHROMIUM_FLAGS=(bare_env.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " "
                                                             + LEVERS[lever]).strip())
        results: dict[str, list[tuple[float, int]]] = {"app": [], "bare": []}
        with tempfile.TemporaryDirectory() as data:
            app = launcher_command(url, data)
            bare = [sys.executable, str(HERE / "bare_view.py"), url]
            for run in range(args.runs):
                order = [("app", app, "widget login status: signed in", app_env), ("bare", bare, "READY", bare_env)]
                for name, cmd, marker, env in order if run % 2 == 0 else reversed(order):
                    results[name].append(measure(cmd, marker, env))
        med = {name: (statistics.median(t for t, _ in r), statistics.median(m for _, m in r))
               for name, r in results.items()}
        rows.append((lever, med))
        (app_t, app_m), (bare_t, bare_m) = med["app"], med["bare"]
        print(f"{lever:20s} app {app_t * 1000:6.0f} ms {app_m / 1024:6.1f} MiB | bare {bare_t * 1000:6.0f} ms "
              f"{bare_m / 1024:6.1f} MiB | ratio time {app_t / bare_t:.2f}x memory {app_m / bare_m:.2f}x", flush=True)
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
