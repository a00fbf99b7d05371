"""Where the command socket lives on Linux and macOS, and how both ends know they talk to the same person.

The socket used to sit in ``/tmp`` under a name anyone could work out. Another person on the same machine (a
terminal server, a shared call-centre desk) who bound that name first received every link and command, could
answer "ok" to ``call answer`` while nothing happened, or left a dead socket that kept the app from ever serving
commands. Three rules close that:

- the socket lives in a folder only the person can enter: ``$XDG_RUNTIME_DIR/embeddable-desktop`` (the session's
  own runtime folder, made by logind for this uid, mode 0700; ``/run/user/<uid>`` where the variable is missing,
  as for a hotkey daemon, cron or ``su``), else ``<temp>/embeddable-desktop-<uid>``, made 0700 (on macOS the
  temporary folder is already the person's own);
- that folder, and the socket in it, must be the person's (``os.getuid()``, never ``$USER``), not a link, and
  closed to group and others, or the app neither listens nor sends there;
- each end asks the kernel who is at the other end (``SO_PEERCRED`` on Linux, ``LOCAL_PEERCRED`` on macOS and the
  BSDs) and talks only to the same uid.

Nothing here imports Qt: the client side runs in ``embeddable-desktop call mute``, which must feel instant.
"""

from __future__ import annotations

import os
import socket
import stat
import struct
import sys
from collections.abc import Mapping
from pathlib import Path

from desktop import APP_ID

#: Permission bits a private folder or socket must not have: anything for the group or for others.
OPEN_TO_OTHERS = 0o077
#: logind's runtime folder for a uid: what $XDG_RUNTIME_DIR names in a session, there also for a process without it.
LOGIND_RUNTIME = "/run/user/{uid}"


class NotPrivate(Exception):
    """The folder or socket is not the person's alone; the message says what is wrong with which path."""


def socket_folders(env: Mapping[str, str] | None = None, uid: int | None = None) -> list[Path]:
    """Where this person's phone may listen, best first: ``$XDG_RUNTIME_DIR`` and logind's ``/run/user/<uid>``
    where they are the person's and private, then a folder of their own (by uid) in the temporary folder Qt uses
    (``$TMPDIR``, else ``/tmp``). The phone listens in the first; a client looks in each, so a command from a
    process without the variable (a hotkey daemon, cron) still finds a phone started in the session."""
    env = os.environ if env is None else env
    uid = os.getuid() if uid is None else uid
    folders: list[Path] = []
    for runtime in (env.get("XDG_RUNTIME_DIR", ""), LOGIND_RUNTIME.format(uid=uid)):
        # A runtime folder that is not the person's (a stale value after su, a shared one) is not used at all.
        if runtime and os.path.isabs(runtime) and folder_problem(Path(runtime), uid) is None:
            folders.append(Path(runtime) / APP_ID)
    # The uid in the name: each person has a folder of their own, and one person cannot block another's by
    # making theirs first (the owner check below refuses it, the other person's name is different).
    folders.append(Path(env.get("TMPDIR") or "/tmp") / f"{APP_ID}-{uid}")  # noqa: S108 - QDir::tempPath()'s
    return list(dict.fromkeys(folders))



def folder_problem(folder: Path, uid: int) -> str | None:
    """Why ``folder`` is not a private folder of ``uid`` (missing counts), or None when it is."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return f"{folder} does not exist"
    except OSError as exc:
        return f"{folder} cannot be checked ({exc.strerror or exc})"
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder" + (" (it is a link)" if stat.S_ISLNK(info.st_mode) else "")
    if info.st_uid != uid:
        return f"{folder} belongs to another user (uid {info.st_uid})"
    if info.st_mode & OPEN_TO_OTHERS:
        return f"{folder} is open to other users (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def make_private_folder(folder: Path, uid: int | None = None) -> None:
    """Create ``folder`` (0700) if it is missing, and make sure it is the person's alone.

    Raises:
        NotPrivate: it exists and is someone else's, a link, or open to others (it is never changed then: a
            folder another user made is theirs to keep).
    """
    uid = os.getuid() if uid is None else uid
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise NotPrivate(f"{folder} cannot be made ({exc.strerror or exc})") from None
    problem = folder_problem(folder, uid)
    if problem is not None:
        raise NotPrivate(problem)


def check_socket(path: Path, uid: int | None = None) -> bool:
    """Whether there is something at ``path`` to talk to: False when nothing is there.

    Raises:
        NotPrivate: the folder is not the person's private folder, or the file there is not their socket.
    """
    uid = os.getuid() if uid is None else uid
    problem = folder_problem(path.parent, uid)
    if problem is not None:
        if not path.parent.exists() and not path.parent.is_symlink():
            return False
        raise NotPrivate(problem)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISSOCK(info.st_mode):
        raise NotPrivate(f"{path} is not a socket")
    if info.st_uid != uid:
        raise NotPrivate(f"{path} belongs to another user (uid {info.st_uid})")
    return True


def peer_uid(sock: socket.socket) -> int:
    """The uid of the process at the other end of a connected Unix socket, as the kernel recorded it."""
    if sys.platform.startswith("linux"):
        # struct ucred: pid, uid, gid.
        _, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        return int(uid)
    # macOS and the BSDs: struct xucred {u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16]}
    # at level SOL_LOCAL (0), option LOCAL_PEERCRED (1).
    size = struct.calcsize("IIh16I")
    version, uid = struct.unpack_from("II", sock.getsockopt(0, getattr(socket, "LOCAL_PEERCRED", 1), size))
    if version != 0:  # XUCRED_VERSION; anything else is a layout this code does not know
        raise OSError(f"unknown peer credential layout (version {version})")
    return int(uid)


def peer_uid_of(descriptor: int) -> int:
    """``peer_uid`` for a descriptor another library owns (Qt's); the descriptor stays open and theirs."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=os.dup(descriptor)) as sock:
        return peer_uid(sock)
