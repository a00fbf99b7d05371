"""Another person on the same machine, for tests of what one user can do to another's phone.

CI runs as root: a test makes a throwaway account with ``useradd`` and runs programs as it with ``setpriv``
(which execs the program itself, so signals reach it), and removes the account and its processes after.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support.requirements import require


@dataclass(frozen=True)
class OtherUser:
    name: str
    uid: int
    gid: int

    def command(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run as this user."""
        return [shutil.which("setpriv") or "setpriv", f"--reuid={self.uid}", f"--regid={self.gid}",
                "--init-groups", "--", *argv]


@contextmanager
def other_user(prefix: str, *, home: bool = False) -> Iterator[OtherUser]:
    """A new account for the test's duration (root only; outside CI a test without root is skipped)."""
    require(os.geteuid() == 0, "making another user needs root (CI runs as root)")
    require(shutil.which("setpriv") is not None and shutil.which("useradd") is not None, "util-linux and passwd")
    name = f"{prefix}-{os.getpid()}"[:31]
    subprocess.run(["useradd", "--create-home" if home else "--no-create-home", name], check=True,
                   capture_output=True, timeout=60)
    entry = pwd.getpwnam(name)
    try:
        yield OtherUser(name, entry.pw_uid, entry.pw_gid)
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True, timeout=30)
        subprocess.run(["userdel", "--remove" if home else "--force", name], capture_output=True, timeout=60)
