"""Runs a program where it may create no user namespace, as Chromium's sandbox would need to (a test tool).

``python no_user_namespaces.py PROGRAM ARGS...`` enters a user namespace of its own (the caller's ids mapped to
themselves, so the program is not root in it), sets ``user.max_user_namespaces`` to 0 there (the limit is per
user namespace, and the namespace's creator may set it), and execs the program: every user namespace it then
tries to create fails with ENOSPC, as on a machine that turned them off. Nothing outside is changed.
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000


def main(argv: list[str]) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER) != 0:
        sys.exit(f"no_user_namespaces: unshare: {os.strerror(ctypes.get_errno())}")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1"),
                       ("sys/user/max_user_namespaces", "0")):
        with open(f"/proc/self/{name}" if "/" not in name else f"/proc/{name}", "w", encoding="ascii") as file:
            file.write(text)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
