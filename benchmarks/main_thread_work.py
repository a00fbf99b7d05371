"""The main thread's work up to its event loop, in instructions (callgrind): the app against the bare host.

On this 2-core machine start-up times move by 100 ms and more from run to run, so changes of 10–30 ms of the
app's Python cannot be seen end to end. The page's time counts from the moment the main thread is free
(benchmarks/README.md, "What sets the pace"), and the instructions that thread runs until its event loop starts
are the same from run to run (two runs of the same code differ by about 0.05%). So each change to start-up can be
counted here, and confirmed end to end with widget_startup.py.

Both hosts run under ``valgrind --tool=callgrind`` on a virtual X screen, on the app's tuning as shipped, and end
where their event loop would start (until_the_loop.py); Chromium's own processes are not traced. About a minute
a start. Needs valgrind (apt-get install valgrind). ``--cold``: every start of the app finds its start-up cache
empty (desktop/services/compile_cache.py), as the first start after installing does.

    .venv/bin/python benchmarks/main_thread_work.py [--runs 1] [--cold]
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import arguments_needing, compile_the_app, host_env  # noqa: E402

from tests.support.xvfb import virtual_screen  # noqa: E402

HERE = Path(__file__).resolve().parent
#: Nothing answers here: both hosts stop before the page could matter.
URL = "http://127.0.0.1:9/app.html"


def _command(host: str, data: str) -> list[str]:
    if host == "app":
        return [sys.executable, str(HERE / "until_the_loop.py"), "app", "--env", "custom", "--app-server",
                URL.rsplit("/", 1)[0], "--client-id", "bench", "--widget-url", URL, "--data-dir", data]
    return [sys.executable, str(HERE / "until_the_loop.py"), "bare", URL]


def main_thread_instructions(host: str, env: dict[str, str], folder: Path) -> int:
    """One start of ``host`` under callgrind; the instructions of its main thread until its event loop."""
    out = folder / f"{host}.%p"
    data = tempfile.mkdtemp(dir=folder)
    done = subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out}",
                           *_command(host, data)], env=env, capture_output=True, text=True, timeout=900,
                          check=False)  # the stderr below says what went wrong
    if "LOOP" not in done.stderr:
        raise RuntimeError(f"{host} did not reach its event loop:\n{done.stderr[-3000:]}")
    main_pid = re.search(r"==(\d+)== Callgrind", done.stderr)
    assert main_pid, done.stderr[:2000]
    main_thread = folder / f"{host}.{main_pid.group(1)}-01"  # thread 1 of the process itself, not a child's
    totals = re.search(r"^totals: (\d+)", main_thread.read_text(), re.MULTILINE)
    assert totals, main_thread
    return int(totals.group(1))


def main() -> int:
    arguments = arguments_needing("valgrind", __doc__, default_runs=1,
                                  cold="every start of the app finds its start-up cache empty")
    if arguments is None:
        return 2
    runs: int = arguments.runs
    cold: bool = arguments.cold
    compile_the_app()
    counts: dict[str, list[int]] = {"app": [], "bare host": []}
    with virtual_screen() as display, tempfile.TemporaryDirectory() as folder:
        os.environ.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env = host_env()
        for round_number in range(runs):
            for host in ("app", "bare host") if round_number % 2 == 0 else ("bare host", "app"):
                host_env_now = dict(env, XDG_CACHE_HOME=tempfile.mkdtemp(dir=folder)) if cold else env
                counts[host].append(main_thread_instructions(host.split()[0], host_env_now, Path(folder)))
    app, bare = (statistics.median(counts[host]) for host in ("app", "bare host"))
    print(f"main thread up to its event loop, millions of instructions ({runs} run(s) each, X11"
          f"{', start-up cache empty' if cold else ''})")
    print(f"app {app / 1e6:8.1f}   bare host {bare / 1e6:8.1f}   ratio {app / bare:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
