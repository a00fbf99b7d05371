"""Idle footprint: the app signed in and hidden in the tray all day, against a bare host on the same page.

Runs on a virtual X screen (Xvfb) with an XEmbed tray (``trayer``), so "hidden in the tray" is what an agent has:
the app starts with ``--minimized`` and hides in the tray. The bare ``QWebEngineView`` host loads the same
widget-sized page (which keeps a clock and a keep-alive running, as the widget does) and hides its view once
ready. They run one after the other: side by side they would share Qt's pages and each count only half of them.
Reported:
- CPU of each whole process tree over ``--cpu-seconds`` (60), in % of one core;
- PSS of each tree once signed in, and after ``--hidden-minutes`` (10) hidden, with the app/bare ratios;
- with ``--soak-minutes N`` (30), the app's anonymous memory (and PSS) every minute for N more minutes, and its
  growth.

    .venv/bin/python benchmarks/idle.py [--cpu-seconds 60] [--hidden-minutes 10] [--soak-minutes 0]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import SIGNED_IN, compile_the_app, host_env, launcher_command, pss_kib, spawn, stop_tree  # noqa: E402
from widget_sized_page import serve  # noqa: E402

from tests.support.processes import tree_pids  # noqa: E402
from tests.support.xvfb import virtual_screen  # noqa: E402

HERE = Path(__file__).resolve().parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    """user + system ticks of each process."""
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def cpu_percent(root: int, seconds: float) -> float:
    """% of one core the tree of ``root`` used over ``seconds`` (processes alive at both ends)."""
    before = cpu_ticks(tree_pids(root))
    time.sleep(seconds)
    after = cpu_ticks(tree_pids(root))
    return 100.0 * sum(after[pid] - before[pid] for pid in after if pid in before) / TICKS / seconds


def start(cmd: list[str], env: dict[str, str], marker: str) -> subprocess.Popen[str]:
    proc = spawn(cmd, env)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "hidden in the tray" in line or "minimized" in line:
            print(f"  {line.strip()[24:]}", flush=True)
        if marker in line:
            # Keep reading stderr in the background, so a chatty log never fills the pipe and blocks the app.
            subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
            return proc
    raise RuntimeError(f"{cmd[1]} exited before {marker!r}")


def mib(proc: subprocess.Popen[str], field: str = "Pss") -> float:
    return pss_kib(tree_pids(proc.pid), field) / 1024


def hidden_run(name: str, cmd: list[str], env: dict[str, str], marker: str, args: argparse.Namespace, *,
               soak_minutes: float = 0) -> dict[str, float]:
    """Start one host, hidden; its PSS 5 s after ``marker``, idle CPU, PSS after the hidden minutes, the soak."""
    proc = start(cmd, env, marker)
    try:
        time.sleep(5.0)  # past the start-up work
        result = {"signed_in": mib(proc)}
        result["cpu"] = cpu_percent(proc.pid, args.cpu_seconds)
        time.sleep(max(0.0, args.hidden_minutes * 60 - 5 - args.cpu_seconds))
        result["hidden"] = mib(proc)
        print(f"  {name}: {result['signed_in']:.1f} MiB signed "
              f"in, {result['cpu']:.2f}% of one core, {result['hidden']:.1f} MiB after {args.hidden_minutes:.0f} "
              "min", flush=True)
        # The soak follows anonymous memory (the heaps), which other programs mapping the same Qt do not move.
        samples = [mib(proc, "Pss_Anon")]
        for minute in range(int(soak_minutes)):
            time.sleep(60)
            samples.append(mib(proc, "Pss_Anon"))
            print(f"  soak minute {minute + 1}: {samples[-1]:6.1f} MiB anonymous, {mib(proc):6.1f} MiB PSS",
                  flush=True)
        if len(samples) > 1:
            print(f"soak of {soak_minutes:.0f} min, anonymous memory: {samples[0]:.1f} -> {samples[-1]:.1f} MiB "
                  f"(min {min(samples):.1f}, max {max(samples):.1f})", flush=True)
        return result
    finally:
        stop_tree(proc, 15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-seconds", type=float, default=60)
    parser.add_argument("--hidden-minutes", type=float, default=10)
    parser.add_argument("--soak-minutes", type=float, default=0)
    args = parser.parse_args()
    if shutil.which("Xvfb") is None or shutil.which("trayer") is None:
        print("needs Xvfb and trayer (apt-get install xvfb trayer)", file=sys.stderr)
        return 2
    compile_the_app()
    url, stop_server = serve()
    with virtual_screen() as display, tempfile.TemporaryDirectory() as data:
        env = dict(host_env(), DISPLAY=display, QT_QPA_PLATFORM="xcb")
        tray = subprocess.Popen(["trayer", "--edge", "top", "--widthtype", "pixel", "--width", "200"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        try:
            app = hidden_run("app", launcher_command(url, data) + ["--minimized"], env,
                             SIGNED_IN, args, soak_minutes=args.soak_minutes)
            bare = hidden_run("bare host", [sys.executable, str(HERE / "bare_view.py"), url, "--hide"], env, "READY",
                              args)
        finally:
            tray.terminate()
            tray.wait(10)
    stop_server()
    for key, label in (("signed_in", "signed in, hidden"), ("hidden", f"after {args.hidden_minutes:.0f} min hidden")):
        print(f"{label}: app {app[key]:.1f} MiB, bare {bare[key]:.1f} MiB, ratio {app[key] / bare[key]:.2f}x")
    print(f"idle CPU over {args.cpu_seconds:.0f} s: app {app['cpu']:.2f}% of one core, bare {bare['cpu']:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
