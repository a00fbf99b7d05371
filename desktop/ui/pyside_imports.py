"""Keep PySide6 from caching the source of every module the app imports (issue 12: memory and start-up).

Since PySide6 6.4 (PYSIDE-2029), each import after PySide6's is checked for whether the module "uses PySide":
``shibokensupport.feature`` calls ``inspect.getsource(module)`` and searches it for "PySide6". ``getsource``
reads the file through ``linecache``, which keeps every line of it for the life of the process. Started from
source (``pip install``), the app imports about 150 modules after PySide6; their cached lines cost about 6 MiB of
memory that is never given back, and tokenising them about 20 ms of start-up. (The installed app ships bytecode
only, so ``getsource`` fails at once there and nothing is cached.)

:func:`skip_source_caching` gives PySide6 the same answer read straight from the file, without the cache. It
changes nothing when PySide6 no longer has the hook, or when a module has no source file.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import ModuleType

log = logging.getLogger("desktop")
_HOOK = "_mod_uses_pyside"


def skip_source_caching() -> bool:
    """Install the cache-free check; True when PySide6 had the hook. Call it after ``import PySide6``."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, _HOOK, None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "cache_free", False):
        return True
    setattr(feature, _HOOK, _reading_the_file(original))
    return True


def _reading_the_file(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)  # a module without a source file: PySide6's own answer

    uses_pyside.cache_free = True  # type: ignore[attr-defined]
    return uses_pyside
