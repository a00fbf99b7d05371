"""Can Qt's window-system plugin load on this machine? Checked before Qt is started (Linux only).

The fast path is one ``dlopen`` of the plugin Qt is about to load anyway (it stays loaded; Qt reuses it).
Only when that fails are the plugin's ELF files walked to name every missing library, so the person gets one
line naming them and their packages instead of Qt's abort message.
"""

from __future__ import annotations

import ctypes
import importlib.util
import mmap
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from desktop.core.system_libraries import Dynamic, missing_libraries_message, read_dynamic
from desktop.services.display import display_problem


def platform_plugin_problem(env: Mapping[str, str] = os.environ) -> str | None:
    """None when a window-system plugin Qt would use can load and reach its display; else the one-line reason.

    Missing libraries come first: they stay wrong whatever session the app is started in.
    """
    if not sys.platform.startswith("linux"):
        return None
    folders = _plugin_folders(env)
    missing: list[str] = []
    failed: list[str] = []
    for name in _candidate_platforms(env):
        plugins = [folder / f"libq{name}.so" for folder in folders if (folder / f"libq{name}.so").is_file()]
        if not plugins:
            continue  # a plugin Qt does not have: Qt itself says so
        if any(_loads(str(plugin)) for plugin in plugins):
            # Qt tries every folder, so one that loads is enough; then it needs a display to talk to.
            return display_problem(_candidate_platforms(env), env)
        failed.append(name)
        missing += [lib for lib in missing_libraries(plugins[-1]) if lib not in missing]
    if not failed or not missing:  # nothing to check, or a failure of another kind: Qt's own message it is
        return display_problem(_candidate_platforms(env), env)
    return missing_libraries_message(f"The window system plugin ({', '.join(failed)})", missing)


def webengine_problem(error: ImportError) -> str:
    """The line to show when Qt WebEngine cannot be imported: its missing libraries, or how to reinstall."""
    folders = _plugin_folders({})
    library = folders[-1].parent.parent / "lib" / "libQt6WebEngineWidgets.so.6" if folders else None
    missing = missing_libraries(library) if library is not None and library.is_file() else []
    if missing:
        return missing_libraries_message("Qt WebEngine", missing)
    if getattr(sys, "frozen", False):
        return f"Qt WebEngine is not available ({error}); reinstall Embeddable Desktop"
    return f"Qt WebEngine is not available ({error}); reinstall with: pip install 'PySide6>=6.8'"


def _candidate_platforms(env: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt would try, in its order (QT_QPA_PLATFORM, else the session type)."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [entry.split(":", 1)[0].strip() for entry in chosen.split(";") if entry.strip()]
    if env.get("XDG_SESSION_TYPE") == "wayland" or env.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]  # Qt falls back to X11 (Xwayland) when its Wayland plugin cannot load
    return ["xcb"]


def _plugin_folders(env: Mapping[str, str]) -> list[Path]:
    """Where Qt looks for platform plugins: QT_QPA_PLATFORM_PLUGIN_PATH first, then PySide6's own."""
    folders = [Path(env["QT_QPA_PLATFORM_PLUGIN_PATH"])] if env.get("QT_QPA_PLATFORM_PLUGIN_PATH") else []
    spec = importlib.util.find_spec("PySide6")  # without importing it: that would load Qt already
    if spec is not None and spec.submodule_search_locations:
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms")
    return folders


def _loads(path: str) -> bool:
    return _missing_when_loading(path) is None


def _missing_when_loading(name: str) -> str | None:
    """None when the loader can load ``name``; else the library it could not find (``name`` or one of its own
    dependencies: the loader names the first one missing)."""
    try:
        ctypes.CDLL(name)
    except OSError as exc:
        found = _CANNOT_OPEN.search(str(exc))
        return found.group(1) if found else name
    return None


_CANNOT_OPEN = re.compile(r"([^\s:/]+): cannot open shared object file")
_ORIGIN = re.compile(r"^\$(ORIGIN|\{ORIGIN\})")


def missing_libraries(elf: Path, missing_when_loading: Callable[[str], str | None] | None = None) -> list[str]:
    """Every library ``elf`` needs, directly or through the libraries it carries along, that cannot be found.

    Libraries found through the file's RUNPATH (the bundle's and PySide6's own) are followed; a library the
    system's loader finds is loaded, and if one of its own dependencies is missing, that one is named.
    """
    check = missing_when_loading or _missing_when_loading
    missing: list[str] = []
    seen: set[Path] = set()
    todo = [elf]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            dynamic = read_elf_file(current)
        except (OSError, ValueError):  # unreadable, empty (mmap refuses it) or not ELF (NotElf)
            continue
        folders = [Path(_expand_origin(entry, str(current.parent))) for entry in dynamic.runpath]
        for name in dynamic.needed:
            local = next((folder / name for folder in folders if (folder / name).exists()), None)
            if local is not None:
                todo.append(local.resolve())
                continue
            absent = check(name)
            if absent is not None and absent not in missing:
                missing.append(absent)
    return missing


def _expand_origin(entry: str, origin: str) -> str:
    """A RUNPATH entry with $ORIGIN (or ${ORIGIN}) replaced by the folder of the file that names it."""
    match = _ORIGIN.match(entry)
    return origin + entry[match.end():] if match else entry


def read_elf_file(path: Path) -> Dynamic:
    """The dynamic section of the ELF file ``path``, mapped rather than read (Qt WebEngine's library is 200 MB).

    Raises:
        NotElf: not an ELF file; OSError, ValueError: it cannot be read or mapped (an empty file).
    """
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return read_dynamic(data)
