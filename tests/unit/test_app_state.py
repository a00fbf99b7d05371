"""``state.json`` has several holders in one process (the window's service user, the tray, later windows):
none may write back a stale copy over another's flag."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from desktop.services.app_state import JWT_SIGNED_OUT, JWT_WARNED, TRAY_NOTICE_SHOWN, AppState

TRAY_NOTICE = TRAY_NOTICE_SHOWN


def test_a_sign_out_keeps_the_tray_flag(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    service_user, tray = AppState(path), AppState(path)  # the window's holder exists first, as in the app
    tray.set(TRAY_NOTICE, "all", True)
    service_user.set(JWT_SIGNED_OUT, "lab", True)  # the JWT service user signs out
    assert json.loads(path.read_text()) == {TRAY_NOTICE: ["all"], JWT_SIGNED_OUT: ["lab"]}
    assert service_user.has(TRAY_NOTICE, "all") and tray.has(JWT_SIGNED_OUT, "lab")
    service_user.set(JWT_SIGNED_OUT, "lab", False)
    assert json.loads(path.read_text()) == {TRAY_NOTICE: ["all"], JWT_SIGNED_OUT: []}


def test_concurrent_holders_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.json"

    def mark(env: str) -> None:
        holder = AppState(path)
        for flag in (JWT_WARNED, JWT_SIGNED_OUT):
            holder.set(flag, env, True)

    threads = [threading.Thread(target=mark, args=(f"env{n}",)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = json.loads(path.read_text())
    assert sorted(saved[JWT_WARNED]) == sorted(saved[JWT_SIGNED_OUT]) == sorted(f"env{n}" for n in range(16))


def test_a_corrupt_file_reads_as_empty_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    state = AppState(path)
    assert not state.has(JWT_WARNED, "production")
    state.set(JWT_WARNED, "production", True)
    assert json.loads(path.read_text()) == {JWT_WARNED: ["production"]}
