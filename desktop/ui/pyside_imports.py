"""How the app imports PySide6 (issue 12: start-up and memory): :func:`import_pyside`.

What PySide6's first import compiles is served from a cache file: the packaged app's own, or, after the first
start of a pip install, the person's (``desktop/services/compile_cache.py``, ``trusted_cache.py``). Then
PySide6's ``__feature__`` hook is taken out of Python's ``import``.

PySide6 replaces ``builtins.__import__`` with its ``__feature_import__``. The hook exists for one statement,
``from __feature__ import snake_case, true_property``, which the app never uses (a test keeps it so). Yet every
``import`` statement that runs after PySide6's, even of a module already loaded, goes through it:
- two calls into PySide6's Python (``feature_import``, ``feature_imported``), and a swap of ``__import__`` and back;
- for each new module, ``_mod_uses_pyside``, which reads its whole source (since PySide6 6.4, PYSIDE-2029) and, by
  ``inspect.getsource``, keeps every line in ``linecache`` for the life of the process (about 6 MiB from source).
Counted on the app's start-up (callgrind, main thread up to its event loop): 11 million instructions, 1%, a few
ms. Other projects also saw worker threads that import through the hook crash or stall.

Underneath the hook PySide6 keeps the import it wrapped, ``builtins.__orig_import__``: its own ``__lazy_import__``
(the lazy creation of Qt's types needs it for ``from PySide6.QtCore import *``). :func:`plain_imports` puts that
one back. Modules imported afterwards are unknown to PySide6's feature table, which then keeps the selection it
has: none, since nothing in the app selects a feature.

Where the hook cannot be taken out (someone else replaced ``__import__`` meanwhile), :func:`skip_source_caching`
gives PySide6 the same answer read straight from the file, without the cache.
"""

from __future__ import annotations

import builtins
import contextlib
import logging
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from desktop.services.compile_cache import compiled_once
from desktop.services.trusted_cache import StartupCache

log = logging.getLogger("desktop")
_HOOK = "_mod_uses_pyside"


#: (cache, recorder) of the import the packaged app's runtime hook made (:func:`import_pyside_early`).
_imported_early: list[tuple[StartupCache, Any]] = []


def import_pyside_early(cache: StartupCache) -> None:
    """``import PySide6`` served from the bundle's ``cache``, for the packaged app's runtime hook
    (packaging/pyinstaller/rthook_startup_cache.py): PyInstaller's own PySide6 hook imports it before the app's
    code runs, and the app's log does not exist yet (:func:`import_pyside` logs it). A failure is left for
    :func:`import_pyside` to meet again and explain."""
    try:
        with compiled_once(cache) as recorder:
            import PySide6  # noqa: F401, PLC0415 - the point of this function
    except Exception:  # noqa: BLE001 - the app's own import says what is wrong, in one line
        return
    _imported_early.append((cache, recorder))


def import_pyside(cache: StartupCache | None) -> None:
    """``import PySide6`` with what it compiles served from, or kept in, ``cache`` (None: a plain import, nothing
    read or written), then :func:`plain_imports`. Raises ImportError as the plain import would.

    In the packaged app PySide6 was imported from the bundle's cache before (:func:`import_pyside_early`): that
    file is part of the installation, as the bundle's compiled Python is, so it was used whatever ``cache`` is."""
    recorder: Any = None
    if _imported_early:
        cache, recorder = _imported_early[0]
    else:
        with compiled_once(cache) if cache is not None else contextlib.nullcontext() as recorder:
            import PySide6  # noqa: F401, PLC0415 - the point of this function
    if cache is not None and recorder is not None:
        if recorder.compiled:
            kept = "kept for the next start" if recorder.not_kept is None else f"not kept ({recorder.not_kept})"
            log.info("PySide6's support code compiled (%d pieces), %s: %s", recorder.compiled, kept, cache.file)
        else:
            log.info("PySide6's support code served from the start-up cache (%d pieces): %s", recorder.served,
                     cache.file)
    plain_imports()


def plain_imports() -> bool:
    """Take the feature hook out of ``import``; True when it was. Call it right after ``import PySide6``.

    Otherwise (no hook, or another replacement of ``__import__`` on top of it) the source check is made cache-free."""
    hook = getattr(builtins, "__feature_import__", None)
    underneath = getattr(builtins, "__orig_import__", None)
    if hook is not None and callable(underneath) and builtins.__import__ is hook:
        builtins.__import__ = underneath
        return True
    skip_source_caching()
    return False


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
