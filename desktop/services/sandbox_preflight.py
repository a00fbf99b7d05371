"""Before Qt WebEngine starts: can Chromium's sandbox start here? (Linux, a normal user.)

Chromium's Linux sandbox puts its zygote and renderers in their own user, PID and network namespaces. Qt
WebEngine ships no setuid helper to fall back on, so where a normal user may not make those namespaces no
renderer starts and the person gets a blank window, with Chromium's reasons on stderr only. Ubuntu 23.10 and
later (24.04 LTS) do exactly that through AppArmor (``kernel.apparmor_restrict_unprivileged_userns``) for every
program without a profile that allows ``userns``; ``user.max_user_namespaces`` set to 0 or a container's seccomp
filter do it too.

:func:`namespace_problem` does in a forked child what the sandbox does, in the same process image (AppArmor
decides by the program): a user namespace, the person's ids mapped into it, then PID and network namespaces,
which need the capabilities inside it that Ubuntu's restriction takes away. :func:`preflight` turns the answer
and the ``allow_no_sandbox`` setting into carrying on, carrying on without the sandbox (a warning in the log),
or one line that names the fix.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.chromium_flags import sandbox_turned_off, without_sandbox

if TYPE_CHECKING:  # ctypes is imported by the check itself: root, macOS and Windows never need it
    import ctypes

log = logging.getLogger("desktop")

CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
#: What the child does, in order; it reports the step that failed and its errno.
STEPS = ("creating a user namespace", "mapping the user's ids into it",
         "creating PID and network namespaces in it")
#: The .deb's profile (packaging/build_deb.py installs it from PACKAGED_PROFILE where AppArmor can parse it).
PROFILE = "/etc/apparmor.d/embeddable-desktop"
PACKAGED_PROFILE = "/usr/share/embeddable-desktop/apparmor/embeddable-desktop"
#: Where the packages put the bundle: the programs the profile is for.
INSTALL_DIR = "/opt/embeddable-desktop"
APPARMOR_RESTRICTION = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
SETTING = "allow_no_sandbox"


def _child(libc: ctypes.CDLL, uid: int, gid: int, report: int) -> None:
    """In the forked child: each step, as Chromium's namespace sandbox does them; writes "STEP ERRNO" on failure.

    Only system calls and os.* here: another thread of the parent may have held a lock when it forked."""
    import ctypes  # imported by the parent already: a look-up in sys.modules

    step = 0
    try:
        if libc.unshare(CLONE_NEWUSER) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
        step = 1
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
            try:
                os.write(fd, text.encode())
            finally:
                os.close(fd)
        step = 2
        if libc.unshare(CLONE_NEWPID | CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
    except OSError as exc:
        os.write(report, f"{step} {exc.errno or 0}".encode())


def namespace_problem(child: Callable[[ctypes.CDLL, int, int, int], None] = _child) -> str | None:
    """What stops this process from making the namespaces Chromium's sandbox makes ("creating a user namespace
    failed (No space left on device)"), or None when nothing does, or when the check itself cannot run."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        read_end, write_end = os.pipe()
    except OSError as exc:
        log.info("sandbox check skipped: %s", exc)
        return None
    uid, gid = os.getuid(), os.getgid()
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(read_end)
        os.close(write_end)
        log.info("sandbox check skipped: cannot fork (%s)", exc.strerror)
        return None
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        try:
            os.close(read_end)
            child(libc, uid, gid, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        said = pipe.read().decode(errors="replace").split()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):  # a seccomp filter that kills instead of refusing
        return f"creating namespaces killed the process ({signal.Signals(os.WTERMSIG(status)).name})"
    if len(said) != 2 or not all(part.isdigit() for part in said) or int(said[0]) >= len(STEPS):
        return None
    step, number = int(said[0]), int(said[1])
    return f"{STEPS[step]} failed ({os.strerror(number) if number else 'unknown error'})"


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def the_fix(program: str, read: Callable[[str], str] = _read, exists: Callable[[str], bool] = os.path.exists) -> str:
    """What the person (or IT) can do about it, for this program and this system, in a few words."""
    packaged = os.path.realpath(program).startswith(INSTALL_DIR + "/")
    if read(APPARMOR_RESTRICTION) == "1":
        if packaged and exists(PROFILE):
            return f"AppArmor restricts user namespaces and the app's profile {PROFILE} is not loaded: load it " \
                   f"with 'sudo apparmor_parser -r {PROFILE}'"
        if packaged and exists(PACKAGED_PROFILE):
            return "AppArmor restricts user namespaces to programs with a profile: install the app's with " \
                   f"'sudo cp {PACKAGED_PROFILE} /etc/apparmor.d/ && sudo apparmor_parser -r {PROFILE}'"
        return "AppArmor restricts user namespaces to programs with a profile: give " \
               f"{os.path.realpath(program)} one that allows userns (README, \"Chromium's sandbox\")"
    if read("/proc/sys/user/max_user_namespaces") == "0":
        return "user namespaces are turned off (sysctl user.max_user_namespaces is 0): allow them"
    return "allow this user to create user namespaces (a container's seccomp filter, or the kernel's settings)"


def preflight(environ: MutableMapping[str, str], *, running_as_root: bool, allowed: bool,
              probe: Callable[[], str | None] = namespace_problem, system: str = sys.platform,
              program: str = sys.executable) -> str | None:
    """Check, before Qt WebEngine reads ``QTWEBENGINE_CHROMIUM_FLAGS``, that its sandbox can start.

    Returns None to carry on (sandboxed; or unsandboxed because ``allowed``, with ``--no-sandbox`` added to the
    flags and a warning logged), else the one line to print before exiting 1. Nothing is checked as root (the
    flags have ``--no-sandbox`` already), off Linux, or when the person turned the sandbox off themselves.
    """
    flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if running_as_root or not system.startswith("linux") or sandbox_turned_off(flags, environ):
        return None
    started = time.perf_counter()
    problem = probe()
    took = (time.perf_counter() - started) * 1000
    if problem is None:
        log.info("Chromium's sandbox: this user may create its namespaces (checked in %.1f ms)", took)
        return None
    fix = the_fix(program)
    if allowed:
        environ["QTWEBENGINE_CHROMIUM_FLAGS"] = without_sandbox(flags)
        log.warning("Chromium's sandbox cannot start: %s. Running WITHOUT it, as the setting %s allows; to run "
                    "sandboxed: %s", problem, SETTING, fix)
        return None
    return (f"Chromium's sandbox cannot start: {problem}. {fix}; or run without the sandbox: "
            f"embeddable-desktop config set {SETTING} true (IT can set or lock {SETTING} by policy)")

