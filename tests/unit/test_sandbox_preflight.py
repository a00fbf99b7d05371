"""The sandbox preflight: what it checks (in a real forked child), and what it makes of the answer."""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.chromium_flags import sandbox_turned_off, without_sandbox
from desktop.services import sandbox_preflight
from desktop.services.sandbox_preflight import (
    APPARMOR_RESTRICTION,
    PACKAGED_PROFILE,
    PROFILE,
    namespace_problem,
    preflight,
    the_fix,
)

REFUSED = "creating a user namespace failed (No space left on device)"

LIMITER = Path(__file__).resolve().parents[1] / "support" / "no_user_namespaces.py"


def failing(problem: str = REFUSED):  # noqa: ANN201 - a probe
    return lambda: problem


def never_called() -> str | None:
    raise AssertionError("the check ran where it must not")


def test_the_check_agrees_with_util_linux_unshare_on_this_machine() -> None:
    unshare = shutil.which("unshare")
    assert unshare, "util-linux's unshare"
    works = subprocess.run([unshare, "--user", "--map-root-user", "--pid", "--net", "--fork", "true"],
                           capture_output=True, timeout=30).returncode == 0
    problem = namespace_problem()
    assert (problem is None) == works, problem


def test_where_no_user_namespace_may_be_made_the_check_says_which_step_failed_and_why() -> None:
    check = "from desktop.services.sandbox_preflight import namespace_problem; print(namespace_problem())"
    result = subprocess.run([sys.executable, str(LIMITER), sys.executable, "-c", check], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("creating a user namespace failed ("), result.stdout


def test_where_only_the_user_namespace_may_be_made_as_on_ubuntu_the_check_fails_at_the_pid_namespace() -> None:
    """Ubuntu's AppArmor restriction lets unshare(CLONE_NEWUSER) through and takes the capabilities inside away:
    here a seccomp filter refuses the PID and network namespaces instead, with the same effect on the check."""
    check = ("from tests.support.seccomp import refuse_unshare; refuse_unshare(0x60000000); "
             "from desktop.services.sandbox_preflight import namespace_problem; print(namespace_problem())")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "creating PID and network namespaces in it failed (Operation not permitted)"


def test_the_child_s_report_names_the_step_and_errno() -> None:
    def refused_at_pid(_libc: object, _uid: int, _gid: int, report: int) -> None:
        os.write(report, b"2 1")

    assert namespace_problem(refused_at_pid) == "creating PID and network namespaces in it failed " \
                                                "(Operation not permitted)"

    def mapping_refused(_libc: object, _uid: int, _gid: int, report: int) -> None:
        os.write(report, b"1 13")

    assert namespace_problem(mapping_refused) == "mapping the user's ids into it failed (Permission denied)"

    def killed(_libc: object, _uid: int, _gid: int, _report: int) -> None:
        os.kill(os.getpid(), signal.SIGKILL)  # as a seccomp filter's SECCOMP_RET_KILL does (SIGSYS, with a core)

    assert namespace_problem(killed) == "creating namespaces killed the process (SIGKILL)"

    def nothing_to_say(_libc: object, _uid: int, _gid: int, _report: int) -> None:
        pass

    assert namespace_problem(nothing_to_say) is None


@pytest.mark.parametrize(("environ", "root", "system"), [
    ({}, True, "linux"),  # root: --no-sandbox is in the flags already
    ({}, False, "darwin"),
    ({}, False, "win32"),
    ({"QTWEBENGINE_CHROMIUM_FLAGS": "--lang=de --no-sandbox"}, False, "linux"),
    ({"QTWEBENGINE_DISABLE_SANDBOX": "1"}, False, "linux"),
    ({"QTWEBENGINE_DISABLE_SANDBOX": ""}, False, "linux"),  # Qt reads it as set
])
def test_nothing_is_checked_where_the_sandbox_is_not_ours_to_check(environ: dict[str, str], root: bool,
                                                                  system: str) -> None:
    before = dict(environ)
    assert preflight(environ, running_as_root=root, allowed=False, probe=never_called, system=system) is None
    assert environ == before


def test_where_the_sandbox_can_start_the_flags_stay_as_they_are(caplog: pytest.LogCaptureFixture) -> None:
    environ = {"QTWEBENGINE_CHROMIUM_FLAGS": "--lang=de"}
    with caplog.at_level(logging.INFO, logger="desktop"):
        assert preflight(environ, running_as_root=False, allowed=False, probe=lambda: None, system="linux") is None
    assert environ == {"QTWEBENGINE_CHROMIUM_FLAGS": "--lang=de"}
    assert "this user may create its namespaces" in caplog.text


def test_where_it_cannot_start_one_line_names_the_problem_the_fix_and_the_setting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_preflight, "the_fix", lambda _program: "install the profile")
    environ = {"QTWEBENGINE_CHROMIUM_FLAGS": "--lang=de"}
    line = preflight(environ, running_as_root=False, allowed=False, probe=failing(), system="linux")
    assert line is not None and "\n" not in line
    assert line.startswith("Chromium's sandbox cannot start: " + REFUSED)
    assert "install the profile" in line and "embeddable-desktop config set allow_no_sandbox true" in line
    assert environ == {"QTWEBENGINE_CHROMIUM_FLAGS": "--lang=de"}  # never unsandboxed without the setting


def test_with_the_setting_the_phone_runs_without_the_sandbox_and_the_log_says_so(
        caplog: pytest.LogCaptureFixture) -> None:
    environ = {"QTWEBENGINE_CHROMIUM_FLAGS": "--lang='de DE'"}
    with caplog.at_level(logging.WARNING, logger="desktop"):
        assert preflight(environ, running_as_root=False, allowed=True, probe=failing(), system="linux") is None
    assert shlex.split(environ["QTWEBENGINE_CHROMIUM_FLAGS"]) == ["--lang=de DE", "--no-sandbox"]
    assert "Running WITHOUT it, as the setting allow_no_sandbox allows" in caplog.text and REFUSED in caplog.text


def test_the_fix_fits_the_system_and_the_installation() -> None:
    def system(restricted: str, *present: str):  # noqa: ANN202 - (read, exists) stand-ins
        files = {APPARMOR_RESTRICTION: restricted, "/proc/sys/user/max_user_namespaces": "0" if not restricted else ""}
        return (lambda path: files.get(path, "")), (lambda path: path in present)

    bundle = "/opt/embeddable-desktop/embeddable-desktop"
    read, exists = system("1", PROFILE, PACKAGED_PROFILE)
    assert f"sudo apparmor_parser -r {PROFILE}" in the_fix(bundle, read, exists)
    read, exists = system("1", PACKAGED_PROFILE)
    assert f"sudo cp {PACKAGED_PROFILE} /etc/apparmor.d/" in the_fix(bundle, read, exists)
    # pip (even with the package installed too): name the program that needs a profile
    read, exists = system("1", PROFILE, PACKAGED_PROFILE)
    assert f"give {os.path.realpath(sys.executable)} one that allows userns" in the_fix(sys.executable, read, exists)
    read, exists = system("")
    assert "user.max_user_namespaces is 0" in the_fix(sys.executable, read, exists)
    assert "allow this user to create user namespaces" in the_fix(sys.executable, lambda _p: "", lambda _p: False)


def test_the_flag_helpers() -> None:
    assert sandbox_turned_off("--lang=de --no-sandbox", {}) and not sandbox_turned_off("--lang=de", {})
    assert sandbox_turned_off("", {"QTWEBENGINE_DISABLE_SANDBOX": "0"})
    assert without_sandbox("--no-sandbox") == "--no-sandbox" and without_sandbox("") == "--no-sandbox"

