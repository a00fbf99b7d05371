"""Where start-up time goes: the app and the bare host on a timeline of their processes, from ``strace``.

Each round runs the app and the bare host (alternating, first starts, widget-sized page, X11) under
``strace -f``, tracing only process creation and writes (seccomp filtered, so the rest runs at full speed).
From each trace it reads, relative to the process start:
- **Chromium**: the first ``QtWebEngineProcess`` started, which Qt WebEngine does when it sets Chromium up (the
  app's first profile, the bare host's first page);
- **renderer**: the first process forked by a Chromium process, the page's renderer;
- **signed in**: the app's "signed in" log line, the bare host's ``READY``.
Everything before "Chromium" is the host's own start (Python, Qt, and the app's settings and modules); from
"Chromium" to "signed in" is Chromium loading the page. ``benchmarks/README.md`` has what the timelines showed.

    .venv/bin/python benchmarks/start_timeline.py [--runs 5]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import SIGNED_IN, arguments_needing, compile_the_app, host_env, launcher_command  # noqa: E402
from widget_sized_page import serve  # noqa: E402

from tests.support.xvfb import virtual_screen  # noqa: E402

HERE = Path(__file__).resolve().parent
STEPS = ("Chromium", "renderer", "signed in")
TRACED = "trace=execve,clone,clone3,vfork,write"


def timeline(trace: Path, marker: str) -> dict[str, float]:
    """The steps' times in ms after the first traced call (the host's own ``execve``)."""
    steps: dict[str, float] = {}
    chromium_pids: set[str] = set()
    start: float | None = None
    for line in trace.read_text(errors="replace").splitlines():
        pid, stamp, call = (line.split(None, 2) + ["", ""])[:3]
        try:
            moment = float(stamp)
        except ValueError:
            continue
        start = moment if start is None else start
        at = (moment - start) * 1000
        if call.startswith("execve(") and "QtWebEngineProcess" in call.split(",", 1)[0]:
            chromium_pids.add(pid)
            steps.setdefault("Chromium", at)
        elif (pid in chromium_pids and call.startswith(("clone(", "clone3(", "vfork("))
              and "CLONE_THREAD" not in call):
            steps.setdefault("renderer", at)
        elif call.startswith("write(") and marker in call:
            steps.setdefault("signed in", at)
    return steps


def traced_run(command: list[str], marker: str, env: dict[str, str], trace: Path) -> dict[str, float]:
    """Run ``command`` under strace until ``marker`` is on its stderr, then stop it; its timeline."""
    strace = ["strace", "-f", "--seccomp-bpf", "-ttt", "-e", TRACED, "-e", "signal=none", "-s", "200",
              "-o", str(trace)]
    proc = subprocess.Popen(strace + command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env=env, start_new_session=True)
    assert proc.stderr is not None
    try:
        if not any(marker in line for line in proc.stderr):
            raise RuntimeError(f"{command[0]} exited before loading the page")
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
    steps = timeline(trace, marker)
    missing = [step for step in STEPS if step not in steps]
    if missing:
        raise RuntimeError(f"{trace}: no {', '.join(missing)} in the trace")
    return steps


def main() -> int:
    arguments = arguments_needing("strace", __doc__, default_runs=5)
    if arguments is None:
        return 2
    runs: int = arguments.runs
    compile_the_app()
    url, stop_server = serve("local")
    hosts = ("app", "bare host")
    results: dict[str, list[dict[str, float]]] = {host: [] for host in hosts}
    with virtual_screen() as display, tempfile.TemporaryDirectory() as data:
        os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env = host_env()
        for round_number in range(runs):
            for host in hosts if round_number % 2 == 0 else tuple(reversed(hosts)):
                trace = Path(data) / f"{host.replace(' ', '_')}-{round_number}.trace"
                if host == "app":
                    command, marker = launcher_command(url, tempfile.mkdtemp(dir=data)), SIGNED_IN
                else:
                    command, marker = [sys.executable, str(HERE / "bare_view.py"), url], "READY"
                results[host].append(traced_run(command, marker, env, trace))
    stop_server()
    print(f"ms after process start, medians of {runs} first starts under strace (X11, local network)")
    print(f"{'':10s} {'Chromium':>9s} {'renderer':>9s} {'signed in':>10s} {'Chromium → signed in':>21s}")
    for host in hosts:
        medians = {step: statistics.median(run[step] for run in results[host]) for step in STEPS}
        page = statistics.median(run["signed in"] - run["Chromium"] for run in results[host])
        print(f"{host:10s} {medians['Chromium']:9.0f} {medians['renderer']:9.0f} {medians['signed in']:10.0f} "
              f"{page:21.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
