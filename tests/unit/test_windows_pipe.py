"""The command pipe on Windows: the first instance is claimed for the person alone, and the client sees who
serves it. Runs in the Windows workflow (these calls exist only on Windows); on Linux the Unix socket's own
tests (test_private_socket.py) stand for it."""

from __future__ import annotations

import os
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "win32", reason="named pipes: the Windows workflow runs these")


def pipe_path() -> str:
    return rf"\\.\pipe\embeddable-desktop-test-{os.getpid()}"


def test_the_person_is_the_token_s_sid() -> None:
    from desktop.services.windows_pipe import current_user_sid

    assert current_user_sid().startswith("S-1-5-")


def test_only_the_first_claim_of_a_name_succeeds() -> None:
    from desktop.services.windows_pipe import claim_name, release

    first = claim_name(pipe_path())
    assert first is not None
    try:
        assert claim_name(pipe_path()) is None  # FILE_FLAG_FIRST_PIPE_INSTANCE: the name is held
    finally:
        release(first)
    again = claim_name(pipe_path())  # released: free again
    assert again is not None
    release(again)


def test_the_client_sees_the_pipe_is_served_by_this_user() -> None:
    from desktop.services.windows_pipe import claim_name, open_pipe_handle, release, served_by_this_user

    handle = claim_name(pipe_path())
    assert handle is not None
    try:
        with open(pipe_path(), "r+b", buffering=0) as pipe:
            assert served_by_this_user(open_pipe_handle(pipe))
    finally:
        release(handle)
