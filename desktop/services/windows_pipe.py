"""The command pipe on Windows: only the person may hold its name, and the client talks only to the person's app.

Qt's ``QLocalServer`` with ``UserAccessOption`` gives each pipe instance an ACL for the person alone, but it
never asks to be the *first* instance. On a terminal server another user who creates the pipe name first, with
an ACL open to everyone, would have Qt add its instances to theirs, and clients would reach whichever instance
answers. So:

- the server claims the name first with ``FILE_FLAG_FIRST_PIPE_INSTANCE`` and an ACL for the person alone
  (:func:`claim_name`); when someone else holds it, the claim fails and the app runs without taking commands;
- the client asks which process serves the pipe (``GetNamedPipeServerProcessId``) and sends nothing unless that
  process runs as the person (:func:`served_by_this_user`);
- the person is the user SID of this process's token, never ``%USERNAME%``.

Runs only on Windows (ctypes on kernel32 and advapi32); checked in the Windows workflow, not on Linux CI.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from typing import Any

PIPE_ACCESS_DUPLEX = 0x00000003
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
PIPE_REJECT_REMOTE_CLIENTS = 0x00000008
PIPE_UNLIMITED_INSTANCES = 255
TOKEN_QUERY = 0x0008
TOKEN_USER_CLASS = 1
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
INVALID_HANDLE_VALUE = ctypes.c_void_p(-1).value


def _dlls() -> tuple[Any, Any]:
    windll: Any = getattr(ctypes, "WinDLL")  # noqa: B009 - only on Windows; mypy on Linux has no WinDLL
    kernel32 = windll("kernel32", use_last_error=True)
    advapi32 = windll("advapi32", use_last_error=True)
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.CreateNamedPipeW.restype = wintypes.HANDLE
    return kernel32, advapi32


def _last_error() -> OSError:
    """The calling thread's last Windows error as an OSError (ctypes has these helpers only on Windows)."""
    error: OSError = getattr(ctypes, "WinError")(getattr(ctypes, "get_last_error")())  # noqa: B009
    return error


class SecurityAttributes(ctypes.Structure):
    _fields_ = [("nLength", wintypes.DWORD), ("lpSecurityDescriptor", ctypes.c_void_p),
                ("bInheritHandle", wintypes.BOOL)]


def _token_user_sid(process: int) -> str:
    kernel32, advapi32 = _dlls()
    token = wintypes.HANDLE()
    if not advapi32.OpenProcessToken(wintypes.HANDLE(process), TOKEN_QUERY, ctypes.byref(token)):
        raise _last_error()
    try:
        size = wintypes.DWORD()
        advapi32.GetTokenInformation(token, TOKEN_USER_CLASS, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        if not advapi32.GetTokenInformation(token, TOKEN_USER_CLASS, buffer, size, ctypes.byref(size)):
            raise _last_error()
        sid = ctypes.c_void_p.from_buffer(buffer).value  # TOKEN_USER starts with SID_AND_ATTRIBUTES.Sid
        text = wintypes.LPWSTR()
        if not advapi32.ConvertSidToStringSidW(ctypes.c_void_p(sid), ctypes.byref(text)):
            raise _last_error()
        try:
            return str(text.value)
        finally:
            kernel32.LocalFree(text)
    finally:
        kernel32.CloseHandle(token)


def current_user_sid() -> str:
    """The SID of the user this process runs as (``S-1-5-21-…``)."""
    kernel32, _ = _dlls()
    return _token_user_sid(kernel32.GetCurrentProcess())


def served_by_this_user(pipe_handle: int) -> bool:
    """Whether the process serving a connected pipe runs as this process's user."""
    kernel32, _ = _dlls()
    pid = wintypes.ULONG()
    if not kernel32.GetNamedPipeServerProcessId(wintypes.HANDLE(pipe_handle), ctypes.byref(pid)):
        return False
    process = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid.value)
    if not process:
        return False  # a process we may not even look at is not ours
    try:
        return _token_user_sid(process) == current_user_sid()
    except OSError:
        return False
    finally:
        kernel32.CloseHandle(process)


def claim_name(path: str) -> int | None:
    """Create the first instance of the pipe ``path``, for this user only; None when someone holds the name.

    The caller keeps the handle until Qt's own instances exist (they inherit the first instance's ACL), then
    closes it with :func:`release`.
    """
    kernel32, advapi32 = _dlls()
    descriptor = ctypes.c_void_p()
    sddl = f"O:{current_user_sid()}D:P(A;;GA;;;{current_user_sid()})"
    if not advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, 1, ctypes.byref(descriptor), None):
        raise _last_error()
    try:
        attributes = SecurityAttributes(ctypes.sizeof(SecurityAttributes), descriptor, False)
        handle = kernel32.CreateNamedPipeW(path, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                                           PIPE_REJECT_REMOTE_CLIENTS, PIPE_UNLIMITED_INSTANCES, 4096, 4096, 0,
                                           ctypes.byref(attributes))
    finally:
        kernel32.LocalFree(descriptor)
    return None if handle in (None, INVALID_HANDLE_VALUE) else int(handle)


def release(handle: int) -> None:
    """Close a handle :func:`claim_name` returned."""
    kernel32, _ = _dlls()
    kernel32.CloseHandle(wintypes.HANDLE(handle))


def open_pipe_handle(pipe: Any) -> int:
    """The Windows handle of a pipe opened with ``open()``."""
    import msvcrt

    return int(getattr(msvcrt, "get_osfhandle")(pipe.fileno()))  # noqa: B009 - Windows only

