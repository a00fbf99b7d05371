"""The app as every real user runs it: not root, so with Chromium's sandbox (issue 25, section 6).

Every other test runs as root, where Chromium refuses its sandbox and the app adds ``--no-sandbox``. Here a
throwaway account (CI is root; ``tests.support.sandbox``) runs the pip-installed command, and
tests/packaging/test_installed_deb.py runs the same scenario against the installed .deb (``app_program``):
the widget signs in against the stand-ins on an X screen, no process has ``--no-sandbox``, every renderer has
a seccomp filter and user and PID namespaces of its own, and SIGTERM ends it with 0. Where user namespaces
cannot be made the app says so in one line and exits 1 before Qt starts; with ``allow_no_sandbox`` it runs.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_app_process import Running, setup  # noqa: F401 - the stand-in platform
from tests.fakes.platform import FakePlatform
from tests.integration.conftest import CLIENT_ID
from tests.support.processes import unsandboxed_zygotes
from tests.support.requirements import require
from tests.support.sandbox import Person, chromium_processes, namespace, ordinary_person, seccomp_mode
from tests.support.xvfb import screenshot, virtual_screen

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
SUPPORT = Path(__file__).resolve().parents[1] / "support"


@pytest.fixture(scope="module")
def person() -> Iterator[Person]:
    """One account for the module's tests (made, with its Python, once)."""
    with ordinary_person("ed-sandboxed") as made:
        yield made


def signing_in_as(person: Person, program: Path, setup: tuple[FakePlatform, Path, int], data: str,  # noqa: F811
                  **environ: str) -> tuple[list[str], dict[str, str], Path]:
    """The arguments and environment of ``program`` run by ``person``, signing itself in through the scripted
    browser (run by the person too) against the stand-ins, with its data in ``data`` of their home; its log."""
    platform, ca, port = setup
    data_dir = person.home / data
    browser = person.give(SUPPORT / "scripted_browser.py")
    env = person.environ(EMBEDDABLE_DESKTOP_EXTRA_CA_CERTS=str(person.give(ca, "ca.pem")),
                         SCRIPTED_BROWSER_LOG=str(person.home / "browser.jsonl"),
                         SCRIPTED_BROWSER_CA=str(person.home / "ca.pem"), SCRIPTED_BROWSER_MODE="follow", **environ)
    argv = [*person.program(program), "--env", "custom", "--app-server", platform.origin, "--client-id", CLIENT_ID,
            "--widget-url", platform.widget_url + "?autoSignIn=1", "--redirect-port", str(port),
            "--data-dir", str(data_dir), "--browser", shlex.join([str(person.python), str(browser)])]
    return argv, env, data_dir / "logs" / "embeddable-desktop.log"


def start(command: list[str], env: dict[str, str], log_file: Path) -> Running:
    """``command`` as a subprocess (setpriv execs it: signals reach the app itself)."""
    return Running(Path(command[0]), command[1:], env, log_file)


def test_a_person_s_phone_signs_in_with_chromium_s_sandbox(app_program: Path, person: Person, setup,  # noqa: F811
                                                            tmp_path: Path) -> None:
    require(shutil.which("Xvfb") is not None and shutil.which("import") is not None,
            "Xvfb and ImageMagick's import are needed for a screenshot")
    with virtual_screen() as display:
        argv, env, log_file = signing_in_as(person, app_program, setup, "sandboxed", DISPLAY=display,
                                            QT_QPA_PLATFORM="xcb")
        app = start(person.command(argv), env, log_file)
        try:
            app.wait_for("widget login status: signed in", timeout=120)
            assert "Chromium's sandbox: this user may create its namespaces" in app.log()
            processes = chromium_processes(app.proc.pid)
            assert not [words for words in processes.values() if "--no-sandbox" in words], processes
            browser = app.proc.pid  # setpriv execs the app: this is Chromium's browser process
            assert not [word for word in processes[browser] if word.startswith("--type=")]
            renderers = [pid for pid, words in processes.items() if "--type=renderer" in words]
            assert renderers, processes
            for pid in renderers:
                assert seccomp_mode(pid) == 2, f"renderer {pid} has no seccomp filter"
                for kind in ("user", "pid"):
                    assert namespace(pid, kind) != namespace(browser, kind), f"renderer {pid} shares {kind} ns"
            assert unsandboxed_zygotes(app.proc.pid) == 0  # the tuning's one zygote is the sandboxed one
            time.sleep(2)  # the dialer renders after the sign-in
            assert screenshot(display, tmp_path / "sandboxed.png") > 20, "the screen is blank"
            assert app.terminate() == 0
            assert "Embeddable Desktop stopped" in app.log()
        finally:
            if app.proc.poll() is None:
                app.proc.kill()


def test_where_the_sandbox_cannot_start_one_line_names_the_fix_and_the_setting_runs_it_anyway(
        app_program: Path, person: Person, setup) -> None:  # noqa: F811
    limiter = person.give(SUPPORT / "no_user_namespaces.py")
    argv, env, log_file = signing_in_as(person, app_program, setup, "no-namespaces", QT_QPA_PLATFORM="offscreen")
    limited = person.command([str(person.python), str(limiter), *argv])
    refused = subprocess.run(limited, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1, refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("embeddable-desktop: error:")]
    assert len(errors) == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert errors[0].startswith("embeddable-desktop: error: Chromium's sandbox cannot start: creating a user "
                                "namespace failed (No space left on device)."), errors[0]
    assert "user.max_user_namespaces is 0" in errors[0] and "config set allow_no_sandbox true" in errors[0]
    assert "web profile" not in log_file.read_text() and "Chromium's sandbox cannot start" in log_file.read_text()

    app = start(limited, dict(env, EMBEDDABLE_DESKTOP_ALLOW_NO_SANDBOX="true"), log_file)
    try:
        app.wait_for("widget login status: signed in", timeout=120)
        assert "Running WITHOUT it, as the setting allow_no_sandbox allows" in app.log()
        assert [words for words in chromium_processes(app.proc.pid).values() if "--no-sandbox" in words]
        assert app.terminate() == 0
    finally:
        if app.proc.poll() is None:
            app.proc.kill()
