"""Idle footprint: the app signed in and hidden in the tray all day, against a bare host on the same page.

Runs on a virtual X screen (Xvfb) with an XEmbed tray (``trayer``), so "hidden in the tray" is what an agent has:
the app starts with ``--minimized`` and hides in the tray. The bare ``QWebEngineView`` host loads the same
widget-sized page (which keeps a clock and a keep-alive running, as the widget does) and hides its view once
ready. Both run side by side, so they see the same machine at the same moments. Reported:
- CPU of each whole process tree over ``--cpu-seconds`` (60), in % of one core;
- PSS of each tree once signed in, and after ``--hidden-minutes`` (10) hidden, with the app/bare ratios;
- with ``--soak-minutes N`` (30), the app's anonymous memory (and PSS) every minute for N more minutes, and its
  growth.

    .venv/bin/python benchmarks/idle.py [--cpu-seconds 60] [--hidden-minutes 10] [--soak-minutes 0]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import host_env, launcher_command, pss_kib  # noqa: E402
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


def cpu_percents(roots: list[int], seconds: float) -> list[float]:
    """% of one core each root's tree used over the same ``seconds`` (processes alive at both ends)."""
    before = [cpu_ticks(tree_pids(root)) for root in roots]
    time.sleep(seconds)
    after = [cpu_ticks(tree_pids(root)) for root in roots]
    return [100.0 * sum(a[pid] - b[pid] for pid in a if pid in b) / TICKS / seconds
            for b, a in zip(before, after, strict=True)]


def start(cmd: list[str], env: dict[str, str], marker: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                            start_new_session=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "hidden in the tray" in line or "minimized" in line:
            print(f"  {line.strip()[24:]}", flush=True)
        if marker in line:
            # Keep reading stderr in the background, so a chatty log never fills the pipe and blocks the app.
            subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
            return proc
    raise RuntimeError(f"{cmd[1]} exited before {marker!r}")


def stop(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def mib(proc: subprocess.Popen[str], field: str = "Pss") -> float:
    return pss_kib(tree_pids(proc.pid), field) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-seconds", type=float, default=60)
    parser.add_argument("--hidden-minutes", type=float, default=10)
    parser.add_argument("--soak-minutes", type=float, default=0)
    args = parser.parse_args()
    if shutil.which("Xvfb") is None or shutil.which("trayer") is None:
        print("needs Xvfb and trayer (apt-get install xvfb trayer)", file=sys.stderr)
        return 2
    compileall.compile_dir(str(HERE.parent / "desktop"), quiet=1)
    url, stop_server = serve()
    with virtual_screen() as display, tempfile.TemporaryDirectory() as data:
        env = dict(host_env(), DISPLAY=display, QT_QPA_PLATFORM="xcb")
        tray = subprocess.Popen(["trayer", "--edge", "top", "--widthtype", "pixel", "--width", "200"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        app = start(launcher_command(url, data) + ["--minimized"], env, "widget login status: signed in")
        bare = start([sys.executable, str(HERE / "bare_view.py"), url, "--hide"], env, "READY")
        try:
            time.sleep(5.0)  # past the start-up work
            signed_in = mib(app), mib(bare)
            print(f"signed in, hidden:  app {signed_in[0]:6.1f} MiB  bare {signed_in[1]:6.1f} MiB  "
                  f"ratio {signed_in[0] / signed_in[1]:.2f}x", flush=True)
            app_cpu, bare_cpu = cpu_percents([app.pid, bare.pid], args.cpu_seconds)
            print(f"idle CPU over {args.cpu_seconds:.0f} s:  app {app_cpu:.2f}% of one core  "
                  f"bare {bare_cpu:.2f}%", flush=True)
            time.sleep(max(0.0, args.hidden_minutes * 60 - 5 - args.cpu_seconds))
            hidden = mib(app), mib(bare)
            print(f"after {args.hidden_minutes:.0f} min hidden:  app {hidden[0]:6.1f} MiB  bare {hidden[1]:6.1f} MiB  "
                  f"ratio {hidden[0] / hidden[1]:.2f}x", flush=True)
            # The soak follows the app's anonymous memory (its heaps): unlike the PSS of shared libraries, it does not
            # move when other programs that map the same Qt come and go.
            samples = [mib(app, "Pss_Anon")]
            for minute in range(int(args.soak_minutes)):
                time.sleep(60)
                samples.append(mib(app, "Pss_Anon"))
                print(f"  soak minute {minute + 1}: app {samples[-1]:6.1f} MiB anonymous, {mib(app):6.1f} MiB PSS",
                      flush=True)
            if len(samples) > 1:
                print(f"soak of {args.soak_minutes:.0f} min, anonymous memory: app {samples[0]:.1f} -> "
                      f"{samples[-1]:.1f} MiB (min {min(samples):.1f}, max {max(samples):.1f})", flush=True)
        finally:
            stop(app)
            stop(bare)
            tray.terminate()
            tray.wait(10)
    stop_server()
    return 0


if __name__ == "__main__":
    sys.exit(main())
