"""Start the app or the bare host and end the process where its event loop would start (main_thread_work.py).

    python until_the_loop.py app <the app's arguments...>
    python until_the_loop.py bare <url>

For the app, the end is ``FirstLoop.run`` (Qt's own loop until the widget speaks, desktop/ui/system/first_loop.py),
patched in as that module is imported, so the app's own code is run unchanged; for the bare host it is
``app.exec()`` in bare_view.py. Prints ``LOOP`` on stderr and ends with ``os._exit(0)``, so nothing after it runs.
"""

from __future__ import annotations

import importlib.machinery
import os
import runpy
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
FIRST_LOOP = "desktop.ui.system.first_loop"


def _stop(*_args: Any, **_kwargs: Any) -> None:
    sys.stderr.write("LOOP\n")
    sys.stderr.flush()
    os._exit(0)


class _StopAtTheFirstLoop:
    """A meta-path finder that only wraps the loading of the first-loop module, to replace FirstLoop.run."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> Any:
        if name != FIRST_LOOP:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        assert spec is not None and spec.loader is not None
        load = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            load(module)
            module.FirstLoop.run = _stop

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def main() -> None:
    host, arguments = sys.argv[1], sys.argv[2:]
    if host == "app":
        sys.meta_path.insert(0, _StopAtTheFirstLoop)
        sys.argv = ["embeddable-desktop", *arguments]
        from desktop.__main__ import main as app_main

        sys.exit(app_main())
    from PySide6.QtWidgets import QApplication

    QApplication.exec = _stop  # type: ignore[method-assign,assignment]
    sys.argv = [str(HERE / "bare_view.py"), *arguments]
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
