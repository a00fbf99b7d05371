"""Where the start-up cache lives, and reading and writing it only where nobody else could have put code in it.

The start-up cache (``desktop/services/compile_cache.py``) holds code objects the app runs, so it must come from
the person or from the installation, never from another user of the machine (issue 25, section 2). On a
shared machine a cache folder can be another user's to write (a shared ``XDG_CACHE_HOME``); a symlink planted at
the file's name, or at the name of the file being written, would then make the app load that user's code, or
overwrite one of the person's own files.

- **A pip install** keeps the file in the person's cache folder. On Linux and macOS it is used only when every
  folder from the cache root (``$XDG_CACHE_HOME`` or ``~/.cache``; ``~/Library/Caches``) down to the file, and the
  file itself, is owned by the person (``os.getuid()``) and writable by nobody else. The folders are opened one
  at a time from the root, each by a descriptor and without following a link, and checked on that descriptor,
  so what is checked is what is read; the file is opened with ``O_NOFOLLOW`` and must be a regular file. The
  root itself may be a link (a ``~/.cache`` on another disk): what counts is the folder it leads to. The app's
  folder is made 0700, and a file 0600 (also those an earlier version made readable by others); a new file is
  written through ``tempfile.mkstemp`` in that folder (never through an existing name) and then renamed over the
  old one, both relative to the checked folder.
- **The packaged app** (PyInstaller) carries the file in its bundle, made when the package is built
  (``packaging/pyinstaller/startup_cache.py``), and never writes code at run time: nothing of it is in the
  person's cache folder. The bundle's file must be owned by root or by the person (who unpacked the bundle) and
  writable by nobody else; it is as trusted as the bundle's own libraries next to it.
- On Windows the folders are the person's own (``%LOCALAPPDATA%``), protected by their ACLs.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import zlib
from pathlib import Path

import platformdirs

from desktop.core.records import record
from desktop.services.private_files import person_cache_folder

#: The file's name in the packaged app's bundle (next to its Python libraries, ``sys._MEIPASS``).
BUNDLED_NAME = "pyside-startup.bin"
_POSIX = os.name == "posix"
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UntrustedCache(OSError):
    """A file or folder of the cache that someone other than the person could have written."""


@record
class StartupCache:
    """The cache file, the folder from which every folder down to it must be trusted, and whose file it is."""

    file: Path
    #: The person's cache root (every folder from here down is checked), or the bundle's folder.
    root: Path
    #: The packaged app's own file: read only, and root may own it.
    bundled: bool = False


def startup_cache() -> StartupCache:
    """The packaged app's bundled file, or the file of this Python installation in the person's cache folder."""
    bundle = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    if isinstance(bundle, str):
        # Resolved: a macOS .app links its data files into the folder Python runs from.
        file = Path(os.path.realpath(Path(bundle) / BUNDLED_NAME))
        return StartupCache(file=file, root=file.parent, bundled=True)
    installation = zlib.crc32(os.fsencode(sys.prefix))
    root = Path(platformdirs.user_cache_dir())
    name = f"pyside-startup-{sys.implementation.cache_tag}-{installation:08x}.bin"
    return StartupCache(file=person_cache_folder() / name, root=root)


def read_cache(cache: StartupCache) -> bytes:
    """The file's bytes; raises OSError when it is missing or cannot be trusted."""
    if not _POSIX:
        return cache.file.read_bytes()
    folder = _open_folder(cache, create=False)
    try:
        fd = os.open(cache.file.name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    finally:
        os.close(folder)
    with os.fdopen(fd, "rb") as file:
        _check(file.fileno(), cache, cache.file, regular=True, private=True)
        return file.read()


def write_cache(cache: StartupCache, data: bytes) -> str | None:
    """Replace the file with ``data`` at once; None, or why it was not written."""
    if cache.bundled:
        return "the packaged app keeps no code it compiles"
    try:
        if not _POSIX:
            import tempfile  # noqa: PLC0415 - only when writing, not at every start

            cache.file.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f"{cache.file.name}.", suffix=".partial", dir=cache.file.parent)
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                os.replace(temp, cache.file)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            return None
        folder = _open_folder(cache, create=True)
        try:
            _write_in(folder, cache, data)
        finally:
            os.close(folder)
    except (OSError, ValueError) as exc:
        return str(exc)
    return None


def _write_in(folder: int, cache: StartupCache, data: bytes) -> None:
    """Write through a new file in the checked ``folder`` (a descriptor) and rename it to the cache's name."""
    import tempfile  # noqa: PLC0415 - only when writing, not at every start

    fd, temp = tempfile.mkstemp(prefix=f"{cache.file.name}.", suffix=".partial", dir=cache.file.parent)
    name = os.path.basename(temp)
    with os.fdopen(fd, "wb") as file:
        # mkstemp takes a path: the new file must be the one in the folder checked above (a folder above the
        # cache root that others may write could have been swapped meanwhile).
        if not _is_in(folder, name, file.fileno()):
            raise UntrustedCache(f"{cache.file.parent}: the folder changed while the cache was written")
        try:
            file.write(data)
            file.flush()
            os.replace(name, cache.file.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=folder)
            raise


def _is_in(folder: int, name: str, fd: int) -> bool:
    """Whether ``name`` in ``folder`` (a descriptor) is the file open as ``fd``."""
    try:
        there = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return False
    made = os.fstat(fd)
    return (made.st_dev, made.st_ino) == (there.st_dev, there.st_ino)


def _open_folder(cache: StartupCache, *, create: bool) -> int:
    """A descriptor of the file's folder, reached from the root one checked folder at a time, following no link."""
    parts = cache.file.parent.relative_to(cache.root).parts
    if create:
        # A new cache root (no ~/.cache yet) is made as the XDG spec asks, 0700.
        os.makedirs(cache.root, mode=0o700, exist_ok=True)
    fd = os.open(cache.root, os.O_RDONLY | _DIRECTORY)
    try:
        _check(fd, cache, cache.root)
        where = cache.root
        for part in parts:
            where = where / part
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o700, dir_fd=fd)
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
            _check(fd, cache, where, private=True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check(fd: int, cache: StartupCache, where: Path, *, regular: bool = False, private: bool = False) -> None:
    """Raise UntrustedCache unless ``fd`` is the person's (or, in a bundle, root's) and nobody else may write it.

    ``private``: the app's own folder or file, which is then made the person's alone, also when an earlier version
    made it readable by others (issue 25, section 3); never the bundle's, nor the cache root (every program's)."""
    status = os.fstat(fd)
    person = os.getuid()
    if status.st_uid != person and not (cache.bundled and status.st_uid == 0):
        raise UntrustedCache(f"{where}: owned by uid {status.st_uid}, not by this user ({person})")
    if status.st_mode & 0o022:
        raise UntrustedCache(f"{where}: others may write it (mode {stat.filemode(status.st_mode)})")
    if regular and not stat.S_ISREG(status.st_mode):
        raise UntrustedCache(f"{where}: not a regular file")
    if private and not cache.bundled and status.st_mode & 0o077:
        with contextlib.suppress(OSError):  # a read-only file system: the cache is still the person's to use
            os.fchmod(fd, stat.S_IMODE(status.st_mode) & 0o700)
