"""The .deb installed with apt, used as a person would, then purged: the real /usr/bin/embeddable-desktop.

The end-to-end scenarios of the pip-installed app run here unchanged against the installed program (sign in
through the scripted browser against the stand-ins, quit, start again still signed in; a second start hands a
tel: link to the running one; a ring reaches the desktop's notification service over D-Bus, which needs the
bundled jeepney). Tests in this module run in file order: install, use, purge.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.sandbox_preflight import PACKAGED_PROFILE, PROFILE
from tests.e2e.test_app_process import (  # noqa: F401 - the same scenarios, run against the installed app
    Running,
    setup,
    signing_in,
    test_a_ring_reaches_the_desktop_and_a_click_shows_the_phone,
    test_a_second_start_hands_its_link_to_the_running_one,
    test_bad_options_exit_2_with_one_line_per_problem,
    test_sign_in_quit_and_still_signed_in,
    test_version_names_the_app_and_what_it_runs_on,
)
from tests.e2e.test_missing_libraries import (  # noqa: F401
    test_a_missing_window_system_library_is_named_in_one_line,
)
from tests.e2e.test_remote_commands import (  # noqa: F401 - 'embeddable-desktop call answer' from the package
    test_a_signed_out_phone_says_so,
    test_answer_a_ringing_call_from_another_process,
)
from tests.e2e.test_sandboxed import (  # noqa: F401 - a person (not root) runs the installed phone, sandboxed
    person,
    test_a_person_s_phone_signs_in_with_chromium_s_sandbox,
)
from tests.packaging.conftest import Built
from tests.packaging.test_apparmor import parser_version
from tests.support.requirements import require
from tests.support.xvfb import screenshot, virtual_screen

pytestmark = pytest.mark.timeout(1500)
PACKAGE = "embeddable-desktop"
INSTALLED = Path("/usr/bin/embeddable-desktop")


def apt(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(["apt-get", "-y", "-q", *args], capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def installed(built: Built) -> Iterator[list[str]]:
    """Installs the .deb with apt (bringing its Depends); yields the files dpkg says it installed."""
    require(hasattr(os, "geteuid") and os.geteuid() == 0, "installing a .deb needs root (a throwaway machine)")
    require(shutil.which("apt-get") is not None, "apt-get is missing")
    result = apt("install", str(built.deb))
    assert result.returncode == 0, result.stdout + result.stderr
    files = subprocess.run(["dpkg", "-L", PACKAGE], check=True, capture_output=True, text=True).stdout.splitlines()
    yield files
    if subprocess.run(["dpkg", "-s", PACKAGE], capture_output=True).returncode == 0:
        apt("purge", PACKAGE)  # the purge test did not get that far: never leave it installed


@pytest.fixture
def app_program(installed: list[str]) -> Path:
    return INSTALLED


def test_the_installed_command_is_the_bundle(installed: list[str]) -> None:
    assert INSTALLED.resolve() == Path("/opt/embeddable-desktop/embeddable-desktop")
    result = subprocess.run([str(INSTALLED), "--version"], capture_output=True, text=True, timeout=60)
    assert "(bundle, Linux" in result.stdout


def test_the_example_policy_deployed_to_etc_locks_settings(installed: list[str], tmp_path: Path) -> None:
    policy = Path("/etc/embeddable-desktop/policy.json")
    require(not policy.exists(), f"{policy} exists on this machine; not touching IT's own policy")
    example = json.loads(Path("/usr/share/doc/embeddable-desktop/policy.example.json").read_text())
    example["settings"]["environments.production.client_id"] = "fleet-client-1"
    created = not policy.parent.exists()
    policy.parent.mkdir(parents=True, exist_ok=True)
    try:
        policy.write_text(json.dumps(example))
        env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
        shown = subprocess.run([str(INSTALLED), "config", "show"], env=env, capture_output=True, text=True, timeout=60)
        assert shown.returncode == 0, shown.stderr
        line = next(line for line in shown.stdout.splitlines() if line.startswith("environments.production.client_id"))
        assert "fleet-client-1" in line and str(policy) in line
        refused = subprocess.run([str(INSTALLED), "config", "set", "allow_environment_switching", "true"], env=env,
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and str(policy) in refused.stderr and "Traceback" not in refused.stderr
    finally:
        policy.unlink()
        if created:
            policy.parent.rmdir()


def test_config_and_secrets_commands_work_in_the_bundle(installed: list[str], tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    run = [str(INSTALLED), "config"]
    result = subprocess.run([*run, "set", "environments.sandbox.client_id", "abc123"], env=env, timeout=60,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    shown = subprocess.run([*run, "show"], env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "abc123" in shown.stdout
    assert "abc123" in (tmp_path / "config" / "embeddable-desktop" / "settings.json").read_text()
    # No keychain on this machine: one clear line, no traceback; the keyring backends are in the bundle.
    status = subprocess.run([str(INSTALLED), "secrets", "status", "--env", "sandbox"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert "Traceback" not in status.stderr and "keychain" in (status.stdout + status.stderr).lower()


def test_the_desktop_registers_the_phone_for_tel_links(installed: list[str], tmp_path: Path) -> None:
    assert "/usr/share/applications/embeddable-desktop.desktop" in installed
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    for scheme in ("tel", "callto", "sms"):
        result = subprocess.run(["xdg-mime", "query", "default", f"x-scheme-handler/{scheme}"], env=env,
                                capture_output=True, text=True, timeout=30)
        assert result.stdout.strip() == "embeddable-desktop.desktop", (scheme, result.stdout, result.stderr)


def test_the_installed_phone_shows_on_an_x11_screen(installed: list[str], setup, tmp_path: Path) -> None:  # noqa: F811
    """What a person sees: the installed app on a real X server (Xvfb, Qt's xcb plugin), signed in."""
    require(shutil.which("Xvfb") is not None and shutil.which("import") is not None,
            "Xvfb and ImageMagick's import are needed for a screenshot")
    with virtual_screen() as display:
        argv, env, log_file = signing_in(setup, tmp_path)
        app = Running(INSTALLED, argv, dict(env, QT_QPA_PLATFORM="xcb", DISPLAY=display), log_file)
        try:
            app.wait_for("widget login status: signed in")
            time.sleep(2)  # the dialer renders after the sign-in
            assert screenshot(display, tmp_path / "installed-app.png") > 20, "the screen is blank"
            assert app.terminate() == 0
            assert "Fatal Python error" not in (app.proc.stderr.read() if app.proc.stderr else "")
        finally:
            if app.proc.poll() is None:
                app.proc.kill()


def test_the_apparmor_profile_is_installed_only_where_this_system_s_apparmor_can_read_it(installed: list[str]) -> None:
    """Debian 12's AppArmor (3.0) cannot parse the profile: apparmor.service would fail at boot if it were in
    /etc/apparmor.d. Where the parser is 4.0 or later (Ubuntu 24.04) the postinst must have put it there."""
    assert PACKAGED_PROFILE in installed and PROFILE not in installed  # the postinst's, not dpkg's
    require(shutil.which("apparmor_parser") is not None or Path("/sbin/apparmor_parser").exists(),
            "apparmor_parser is missing (package apparmor)")
    assert Path(PROFILE).exists() == (parser_version() >= (4, 0))


def test_purge_removes_every_installed_file_and_keeps_users_data(installed: list[str], tmp_path: Path) -> None:
    # People's data as the app writes it (settings, web profile, logs), in real home folders: a scratch
    # /home/<user> and root's own, where a careless maintainer script run as root would reach.
    homes = [Path("/home") / f"embeddable-desktop-test-{os.getpid()}", Path("/root")]
    marker = f"test-{os.getpid()}"
    written: list[Path] = []
    for home in homes:
        data = home / ".local/share/embeddable-desktop" / marker
        require(not data.exists(), f"{data} exists already")
        (data / "logs").mkdir(parents=True)
        (data / "logs" / "embeddable-desktop.log").write_text("a log line\n")
        (data / "profiles").mkdir()
        (data / "profiles" / "Local Storage").write_bytes(b"signed-in session")
        settings = home / ".config/embeddable-desktop" / marker / "settings.json"
        settings.parent.mkdir(parents=True)
        settings.write_text('{"environment": "sandbox"}')
        written += [data, settings.parent]
    before = {str(folder): _digests(folder) for folder in written}
    try:
        result = apt("purge", PACKAGE)
        assert result.returncode == 0, result.stdout + result.stderr
        assert subprocess.run(["dpkg", "-s", PACKAGE], capture_output=True).returncode != 0
        left = [path for path in installed if Path(path).is_file() or Path(path).is_symlink()]
        assert not left, left[:10]
        assert not Path("/opt/embeddable-desktop").exists() and not INSTALLED.exists() and not Path(PROFILE).exists()
        assert {str(folder): _digests(folder) for folder in written} == before
        assert all(len(files) >= 1 for files in before.values())
    finally:
        shutil.rmtree(homes[0], ignore_errors=True)
        for folder in written[2:]:
            shutil.rmtree(folder, ignore_errors=True)


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
