"""A seccomp filter for tests: refuse ``unshare`` with some namespace flags, as a locked-down system would.

:func:`refuse_unshare` installs, on the calling process and everything it starts, a filter under which
``unshare(flags)`` fails with EPERM when ``flags`` has any of ``mask``; everything else is allowed. Refusing
only CLONE_NEWPID | CLONE_NEWNET is what Ubuntu's AppArmor restriction amounts to for the sandbox's check: a
user namespace may be made, but nothing that needs capabilities inside it.
"""

from __future__ import annotations

import ctypes
import errno
import platform

#: (AUDIT_ARCH_*, the unshare system call's number) for the machines CI runs on.
ARCHITECTURES = {"x86_64": (0xC000003E, 272), "aarch64": (0xC00000B7, 97)}
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
LOAD_WORD, JUMP_IF_EQUAL, JUMP_IF_ANY_BIT, RETURN = 0x20, 0x15, 0x45, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, ...


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(SockFilter))]


def refuse_unshare(mask: int) -> None:
    arch, unshare = ARCHITECTURES[platform.machine()]
    program = [
        SockFilter(LOAD_WORD, 0, 0, 4),            # 0: seccomp_data.arch
        SockFilter(JUMP_IF_EQUAL, 0, 5, arch),     # 1: another ABI: allow
        SockFilter(LOAD_WORD, 0, 0, 0),            # 2: seccomp_data.nr
        SockFilter(JUMP_IF_EQUAL, 0, 3, unshare),  # 3: not unshare: allow
        SockFilter(LOAD_WORD, 0, 0, 16),           # 4: args[0], its low 32 bits (little-endian)
        SockFilter(JUMP_IF_ANY_BIT, 0, 1, mask),   # 5: none of the flags: allow
        SockFilter(RETURN, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),
        SockFilter(RETURN, 0, 0, SECCOMP_RET_ALLOW),
    ]
    filters = (SockFilter * len(program))(*program)
    fprog = SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl")
