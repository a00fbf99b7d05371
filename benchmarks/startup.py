"""Start-up benchmark: the launcher against a bare QWebEngineView on the same local page.

In one run, alternating, each is started as a subprocess; measured from process start to "page
loaded" (seen on its stderr), and the memory (PSS, Linux) of its whole process tree at that moment.
Prints both and the launcher/bare ratios.

    .venv/bin/python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.local_page import local_page  # noqa: E402
from tests.support.processes import tree_pids  # noqa: E402

HERE = Path(__file__).resolve().parent


def pss_kib(pids: list[int], field: str = "Pss") -> int:
    """The processes' PSS (or another ``smaps_rollup`` field, such as ``Pss_Anon``) in KiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def spawn(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """A host in a process group of its own (so :func:`stop_tree` reaches its Chromium processes), stderr piped."""
    return subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                            start_new_session=True)


def arguments_needing(tool: str, doc: str, default_runs: int, **switches: str) -> argparse.Namespace | None:
    """The arguments (``--runs`` and each of ``switches``: name -> help) of a benchmark that needs the program
    ``tool``; None, after saying so, where it is missing."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=int, default=default_runs)
    for name, text in switches.items():
        parser.add_argument(f"--{name}", action="store_true", help=text)
    arguments = parser.parse_args()
    if shutil.which(tool) is None:
        print(f"{Path(sys.argv[0]).name} needs {tool} (apt-get install {tool})", file=sys.stderr)
        return None
    return arguments


def compile_the_app() -> None:
    """Bytecode for the app's modules: the installed app runs from bytecode, and a source checkout run with
    PYTHONDONTWRITEBYTECODE would compile every module at each start, which no person sees."""
    compileall.compile_dir(str(HERE.parent / "desktop"), quiet=1)


def measure(cmd: list[str], marker: str, env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = spawn(cmd, env)
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            if marker in line:
                elapsed = time.perf_counter() - start
                break
        else:
            raise RuntimeError(f"{cmd[0]} exited before loading the page")
        time.sleep(1.0)  # let the renderer settle before reading memory
        memory = pss_kib(tree_pids(proc.pid))
    finally:
        stop_tree(proc)
    return elapsed, memory


def stop_tree(proc: subprocess.Popen[str], timeout: float = 10) -> None:
    """SIGTERM to the process group (the host and its Chromium processes), SIGKILL after ``timeout``."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def host_env(startup_cache: bool = True) -> dict[str, str]:
    """The environment both hosts run in: offscreen unless told otherwise, and no sandbox as root (Chromium's rule).

    The app's start-up cache (``desktop/services/compile_cache.py``) goes to a folder of this run's own, filled
    as the first start after installing fills it; ``startup_cache=False`` leaves the folder empty."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    if os.geteuid() == 0:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = (env.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --no-sandbox").strip()
    env["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="benchmark-startup-cache-")
    if startup_cache:
        fill_startup_cache(env)
    return env


def fill_startup_cache(env: dict[str, str]) -> None:
    """What the app's first start keeps in its start-up cache: PySide6's support code, compiled once."""
    subprocess.run([sys.executable, "-c", "from desktop.services.trusted_cache import startup_cache\n"
                    "from desktop.ui.pyside_imports import import_pyside\nimport_pyside(startup_cache())"],
                   env=dict(env, PYTHONPATH=str(HERE.parent)), check=True, timeout=120)


#: The app's log line for the widget's ``rc-login-status-notify`` arriving over its bridge: "signed in".
SIGNED_IN = "widget login status: signed in"


def launcher_command(url: str, data: str, program: str | None = None) -> list[str]:
    """The app on ``url`` as a custom environment, its data in ``data``; ``program``: the app's executable (the
    packaged app, e.g. dist/embeddable-desktop/embeddable-desktop) instead of this Python's ``-m desktop``."""
    return [*([program] if program else [sys.executable, "-m", "desktop"]), "--env", "custom", "--app-server",
            url.rsplit("/", 1)[0], "--client-id", "bench", "--widget-url", url, "--data-dir", data]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url, stop_server = local_page()
    env = host_env()
    results: dict[str, list[tuple[float, int]]] = {"launcher": [], "bare": []}
    with tempfile.TemporaryDirectory() as data:
        launcher = launcher_command(url, data)
        bare = [sys.executable, str(HERE / "bare_view.py"), url]
        for run in range(args.runs):
            order = [("launcher", launcher, "widget page loaded"), ("bare", bare, "LOADED")]
            if run % 2:
                order.reverse()
            for name, cmd, marker in order:
                results[name].append(measure(cmd, marker, env))
    stop_server()
    med = {name: (statistics.median(t for t, _ in rows), statistics.median(m for _, m in rows))
           for name, rows in results.items()}
    for name, (seconds, kib) in med.items():
        print(f"{name:9s} start-to-loaded {seconds * 1000:7.0f} ms   PSS {kib / 1024:7.1f} MiB   "
              f"(median of {args.runs})")
    time_ratio, memory_ratio = (med["launcher"][i] / med["bare"][i] for i in (0, 1))
    print(f"ratio     time {time_ratio:.2f}x   memory {memory_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
