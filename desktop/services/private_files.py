"""The app's folders and files, readable by the person only: folders 0700, files 0600 (issue 25, section 3).

The logs hold call metadata, the profiles the widget's session; on a machine shared by several people
(a terminal server, a call-centre desk) nobody else may read them. Older versions made the folders 0755 and the
log 0644, so each start also fixes those up: the data folder, its profile and cache folders, the files directly
in it, the log folder and its logs (``desktop/services/logs.py``), and the person's cache folder. Only the top
folders are fixed, never a whole tree: nobody can reach below a 0700 folder, and the profiles hold thousands of
files that would cost start-up time.

Why explicit modes and not ``os.umask(0o077)`` at start-up: the umask is inherited by every program the app
starts, and the app starts the person's browser (sign-in pages and links, through ``xdg-open`` or ``--browser``);
a browser started that way would make the person's downloads and everything else it writes for its whole session
private, which is not the app's to decide. Nor would the umask fix what older versions left open. Chromium itself
already writes its files 0600 in 0700 folders (of a signed-in profile here, only ``Visited Links`` was 0644,
inside the profile's folder), so the folders the app makes were the gap, and they are made 0700 where they are made.

Fixing up follows no symbolic link and changes nothing the person does not own: a path is opened with
``O_NOFOLLOW``, checked on its descriptor (type, owner, the same file ``lstat`` saw) and changed through it
(``fchmod``). A link, or a folder of someone else's, is left as it is and logged. Only group and others lose
their access; the person's own bits stay as they are. On Windows the per-user folders are private by their ACLs,
and nothing here runs.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

from desktop import APP_ID
from desktop.core.records import record

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
_POSIX = os.name == "posix"


@record
class Fixup:
    """What making one path private did (``problem`` false: its mode was fixed) or why it was left alone."""

    message: str
    problem: bool = False


def make_private(path: Path, *, folder: bool) -> Fixup | None:
    """Take group and others' access away from an existing ``path`` (a folder, or a regular file).

    None when there is nothing to do (missing, already private, or not POSIX); else what was done or why not.
    """
    if not _POSIX:
        return None
    kind = "folder" if folder else "file"
    try:
        seen = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Fixup(f"{path}: cannot be checked ({exc.strerror or exc}); left as it is", problem=True)
    if stat.S_ISLNK(seen.st_mode):
        if _private_and_mine(path):
            return None  # a data folder moved to another disk, and private there: nothing to say
        return Fixup(f"{path} is a symbolic link; it is not followed, so what it leads to stays as it is: make "
                     f"that private yourself (chmod go= ...)", problem=True)
    if not (stat.S_ISDIR(seen.st_mode) if folder else stat.S_ISREG(seen.st_mode)):
        return Fixup(f"{path}: not a {kind}; left as it is", problem=True)
    if not seen.st_mode & 0o077:
        return None  # whoever owns it, nobody else may use it
    if seen.st_uid != os.getuid():
        return Fixup(f"{path}: belongs to uid {seen.st_uid}, not to this user ({os.getuid()}); its permissions "
                     f"are left as they are", problem=True)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | (getattr(os, "O_DIRECTORY", 0) if folder else 0))
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):  # replaced since lstat
            return Fixup(f"{path}: changed while being checked; left as it is", problem=True)
        return Fixup(f"{path}: cannot be opened to make it private ({exc.strerror or exc})", problem=True)
    try:
        status = os.fstat(fd)
        if (status.st_dev, status.st_ino, status.st_uid) != (seen.st_dev, seen.st_ino, seen.st_uid):
            return Fixup(f"{path}: changed while being checked; left as it is", problem=True)
        old = stat.S_IMODE(status.st_mode)
        new = old & ~0o077
        os.fchmod(fd, new)
    except OSError as exc:
        return Fixup(f"{path}: cannot be made private ({exc.strerror or exc})", problem=True)
    finally:
        os.close(fd)
    return Fixup(f"made the {kind} {path} private ({old:04o} -> {new:04o}): others could read it")


def _private_and_mine(path: Path) -> bool:
    """Whether what ``path`` leads to (only looked at, never changed) is the person's and closed to others."""
    try:
        status = os.stat(path)
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o077


def private_folder(path: Path) -> list[Fixup]:
    """Make the folder ``path`` 0700 if it is new (its parents as usual), or make an existing one private.

    Raises:
        OSError: the folder cannot be made (a file is in its place, no permission).
    """
    os.makedirs(path, mode=PRIVATE_FOLDER, exist_ok=True)
    done = make_private(path, folder=True)
    return [done] if done else []


def person_cache_folder() -> Path:
    """The person's cache folder for the app (the start-up cache's, ``desktop/services/trusted_cache.py``)."""
    return Path(platformdirs.user_cache_dir(APP_ID, appauthor=False))


def secure_app_folders(data_dir: Path) -> list[Fixup]:
    """The data folder and its profile and cache folders 0700 (made so when new), the files directly in the data
    folder (state, window place) 0600, and the person's cache folder 0700 if it exists; what was done or why not.

    Raises:
        OSError: the data folder cannot be made.
    """
    done = private_folder(data_dir)
    for inner in ("profiles", "cache"):
        # Made here, 0700, before the web profile makes its own folder inside (desktop/ui/phone/profile.py).
        done += private_folder(data_dir / inner)
    if _POSIX:
        with os.scandir(data_dir) as entries:
            names = [e.name for e in entries if e.is_file(follow_symlinks=False)]
        done += [f for f in (make_private(data_dir / name, folder=False) for name in sorted(names)) if f]
    cache = make_private(person_cache_folder(), folder=True)  # made 0700 by the start-up cache when it is new
    return [*done, cache] if cache else done
