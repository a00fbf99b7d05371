"""The macOS packaging, checked on any machine: Info.plist keys, entitlements, the configuration profile read back
the way the app reads managed preferences, and build.sh run over stub Apple tools, with and without secrets. Real
signing, notarization, Gatekeeper and the app itself are checked only on macOS CI (packaging/macos/README.md)."""

from __future__ import annotations

import importlib.util
import os
import plistlib
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import desktop
from desktop.core.settings import resolve
from desktop.core.settings_schema import BUILT_IN_SERVERS, ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, env_key, lookup
from desktop.fleet import mobileconfig
from desktop.services import policy_sources
from tests.support.requirements import require

ROOT = Path(__file__).resolve().parents[2]
MACOS = ROOT / "packaging" / "macos"
BUILD_SH = MACOS / "build.sh"
SECRETS = ("MACOS_CERTIFICATE", "MACOS_CERTIFICATE_PASSWORD", "APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD",
           "MACOS_REQUIRE_SIGNED")
APPLE_SIGNING_TOOLS = ("codesign", "xcrun", "security", "productsign", "spctl")


def load(name: str, path: Path) -> ModuleType:  # packaging/ is a folder of scripts, not a Python package
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_common = load("build_common", ROOT / "packaging" / "build_common.py")
info_plist = load("info_plist", MACOS / "info_plist.py").info_plist
VERSION = build_common.version(ROOT)


def test_info_plist_names_the_policy_domain_the_links_and_the_microphone() -> None:
    plist = info_plist(VERSION)
    assert plist["CFBundleIdentifier"] == policy_sources.BUNDLE_ID == build_common.BUNDLE_ID
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == VERSION == desktop.__version__
    assert plist["CFBundleName"] == plist["CFBundleDisplayName"] == "Embeddable Desktop"
    url_types = plist["CFBundleURLTypes"]  # each type needs a name; the schemes are the phone links, no others
    assert sorted(s for entry in url_types if entry["CFBundleURLName"] for s in entry["CFBundleURLSchemes"]) == [
        "callto", "sms", "tel"]
    assert "microphone" in plist["NSMicrophoneUsageDescription"] and "calls" in plist["NSMicrophoneUsageDescription"]
    assert plist["LSApplicationCategoryType"] == "public.app-category.business"
    assert plist["NSHighResolutionCapable"] is True and plist["LSMinimumSystemVersion"]
    assert plistlib.loads(plistlib.dumps(plist)) == plist


@pytest.mark.parametrize("name", ["entitlements.plist", "entitlements-helper.plist"])
def test_entitlements_let_qt_webengine_run_under_the_hardened_runtime(name: str) -> None:
    entitlements = plistlib.loads((MACOS / name).read_bytes())
    assert set(entitlements) == {f"com.apple.security.cs.{name}" for name in (
        "allow-jit", "allow-unsigned-executable-memory", "disable-library-validation")} | {
        "com.apple.security.device.audio-input"}
    assert all(value is True for value in entitlements.values())  # Apple: leave out what is false
    assert "com.apple.security.app-sandbox" not in entitlements  # Qt WebEngine cannot run in the App Sandbox


def test_the_committed_profile_is_the_generated_one() -> None:
    rendered = mobileconfig.render()
    assert list(rendered) == ["packaging/macos/embeddable-desktop.mobileconfig"]
    assert (ROOT / "packaging/macos/embeddable-desktop.mobileconfig").read_bytes() == rendered[mobileconfig.PATH], \
        "stale: run .venv/bin/python -m desktop.fleet.mobileconfig"
    assert mobileconfig.render() == rendered  # fixed UUIDs: the file does not change between runs


def test_the_profile_read_as_managed_preferences_locks_every_setting(tmp_path: Path) -> None:
    profile = plistlib.loads((MACOS / "embeddable-desktop.mobileconfig").read_bytes())
    assert profile["PayloadType"] == "Configuration" and profile["PayloadScope"] == "System"
    payload, = profile["PayloadContent"]
    assert payload["PayloadType"] == policy_sources.BUNDLE_ID
    assert len({uuid.UUID(profile["PayloadUUID"]), uuid.UUID(payload["PayloadUUID"])}) == 2
    assert set(payload["settings"]) == {*GLOBAL_SETTINGS, *(env_key(env, field) for env in BUILT_IN_SERVERS
                                                           for field in ENVIRONMENT_SETTINGS if field != "app_server")}
    assert payload["hidden"] == [] and payload["required"] == ["environments.production.client_id"]
    assert not [key for key, value in payload["settings"].items() if lookup(key).default not in (None, value)]
    # What macOS writes to /Library/Managed Preferences/<bundle id>.plist: the payload's keys but its Payload* ones.
    managed = tmp_path / f"{policy_sources.BUNDLE_ID}.plist"
    managed.write_bytes(plistlib.dumps({k: v for k, v in payload.items() if not k.startswith("Payload")},
                                       fmt=plistlib.FMT_BINARY))
    resolution = resolve(policy_sources._read_macos(managed), [])
    assert resolution.problems == resolution.environment_problems == resolution.missing_required() == []
    for key, raw in payload["settings"].items():
        value = resolution.values[key]
        assert value.locked and value.source == f"policy: {managed}" and value.value == lookup(key).convert(raw), key
    assert resolution.env_value("production", "client_id") == "YOUR-CLIENT-ID"


def test_profile_for_makes_profiles_of_other_policies_and_refuses_broken_ones() -> None:
    settings = {"environment": "sandbox", "allow_environment_switching": False, env_key("sandbox", "client_id"): "a1"}
    profile = plistlib.loads(mobileconfig.profile_for(settings, ["devtools"], [env_key("sandbox", "client_id")]))
    payload = profile["PayloadContent"][0]
    assert payload["settings"] == settings and payload["hidden"] == ["devtools"]
    with pytest.raises(ValueError, match="redirect_port"):
        mobileconfig.profile_for({env_key("production", "redirect_port"): 0}, [], [])
    with pytest.raises(ValueError, match="did you mean 'browser'"):
        mobileconfig.profile_for({}, ["brwser"], [])


def test_dmg_settings_put_the_app_beside_a_link_to_applications() -> None:
    options: dict[str, Any] = {"defines": {"app": "/build/dist/Embeddable Desktop.app"}}
    exec(compile((MACOS / "dmg_settings.py").read_text(), "dmg_settings.py", "exec"), options)
    assert options["files"] == ["/build/dist/Embeddable Desktop.app"] and options["symlinks"] == {
        "Applications": "/Applications"}
    assert set(options["icon_locations"]) == {"Embeddable Desktop.app", "Applications"}


def test_build_sh_is_valid_bash_and_shellcheck_clean() -> None:
    subprocess.run(["bash", "-n", str(BUILD_SH)], check=True)
    require(shutil.which("shellcheck") is not None, "shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", str(BUILD_SH)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# One stub for every tool, under each tool's name: it logs its arguments (separated by \x1f, a call a line), creates
# the file a packaging tool would write, and answers what build.sh asks the keychain and the notary service.
STUB = r"""#!/bin/sh
name=$(basename "$0")
{ printf '%s' "$name"; for arg in "$@"; do printf '\037%s' "$arg"; done; echo; } >>"$STUB_LOG/calls"
for last in "$@"; do :; done
prev=
for arg in "$@"; do
  case "$prev" in
    --component-plist) cp "$arg" "$STUB_LOG/component.plist" ;;
    --root|-srcfolder) ls -A "$arg" >"$STUB_LOG/$name-root.txt" ;;
  esac
  prev=$arg
done
case "$name" in
  pkgbuild|hdiutil|dmgbuild|productsign) : >"$last" ;;
  ditto) if [ "$1" = -c ]; then : >"$last"; else cp -pR "$1" "$2"; fi ;;
  security) case "$1 $4" in
      find-identity*) printf '1) A "Developer ID Application: Ex (T1)"\n2) B "Developer ID Installer: Ex (T1)"\n' ;;
      "list-keychains ") echo '    "/Users/ci/login.keychain-db"' ;;
    esac ;;
  xcrun) if [ "$2" = submit ]; then echo '{"id": "1", "status": "Accepted"}'; fi ;;
  python3) exec "$PYTHON" "$@" ;;  # the script reads property lists with python3: this one
esac
"""
TOOLS = ("pkgbuild", "hdiutil", "productsign", "ditto", "pkgutil", "python3", *APPLE_SIGNING_TOOLS)
HELPER = "Contents/Frameworks/PySide6/Qt/lib/QtWebEngineCore.framework/Versions/A/Helpers/QtWebEngineProcess.app"
MACH_O = bytes.fromhex("cffaedfe0c000001") + bytes(56)  # the start of a 64-bit Mach-O file, enough for file(1)


def calls(log: Path, tool: str) -> list[list[str]]:
    lines = (log / "calls").read_text().splitlines() if (log / "calls").exists() else []
    return [line.split("\x1f")[1:] for line in lines if line.split("\x1f")[0] == tool]


def fake_dist(tmp_path: Path) -> Path:
    app = tmp_path / "dist" / "Embeddable Desktop.app"
    plist = plistlib.dumps({**info_plist(VERSION), "CFBundleExecutable": "embeddable-desktop"})  # as PyInstaller
    files = {"Contents/Info.plist": plist, "Contents/MacOS/embeddable-desktop": MACH_O,
             "Contents/Frameworks/libpython3.11.dylib": MACH_O, f"{HELPER}/../../QtWebEngineCore": MACH_O,
             f"{HELPER}/Contents/MacOS/QtWebEngineProcess": MACH_O, "Contents/Resources/base_library.zip": b"PK"}
    for name, data in files.items():
        path = Path(os.path.normpath(app / name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o755 if data == MACH_O else 0o644)
    return app.parent


def run_build(tmp_path: Path, *, dmgbuild: bool, **extra: str) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    require(sys.platform != "win32", "build.sh runs on macOS (and here on Linux, with stub tools)")
    dist, log, stubs = fake_dist(tmp_path), tmp_path / "log", tmp_path / "stubs"
    log.mkdir()
    stubs.mkdir()
    for tool in (*TOOLS, "dmgbuild") if dmgbuild else TOOLS:
        (stubs / tool).write_text(STUB)
        (stubs / tool).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    env.update(PATH=f"{stubs}:/usr/bin:/bin", STUB_LOG=str(log), TMPDIR=str(tmp_path), PYTHON=sys.executable, **extra)
    result = subprocess.run(["bash", str(BUILD_SH), str(dist)], capture_output=True, text=True, env=env, timeout=60)
    return result, dist, log


@pytest.mark.parametrize("dmgbuild", [True, False], ids=["dmgbuild", "hdiutil"])
def test_without_secrets_build_sh_skips_signing_and_builds_both_installers(tmp_path: Path, dmgbuild: bool) -> None:
    result, dist, log = run_build(tmp_path, dmgbuild=dmgbuild)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "signing skipped: MACOS_CERTIFICATE is not set\nnotarization skipped: the app is not signed" in result.stdout
    assert not [tool for tool in (*APPLE_SIGNING_TOOLS, "productsign") if calls(log, tool)], "called without secrets"
    pkgbuild, = calls(log, "pkgbuild")
    options = dict(zip(pkgbuild[:-1:2], pkgbuild[1::2], strict=True))
    assert [options[name] for name in ("--identifier", "--version", "--install-location")] == [
        policy_sources.BUNDLE_ID, VERSION, "/Applications"]
    assert (log / "pkgbuild-root.txt").read_text().splitlines() == ["Embeddable Desktop.app"]
    component, = plistlib.loads((log / "component.plist").read_bytes())
    assert component["RootRelativeBundlePath"] == "Embeddable Desktop.app" and not component["BundleIsRelocatable"]
    pkg, dmg = dist / f"Embeddable-Desktop-{VERSION}.pkg", dist / f"Embeddable-Desktop-{VERSION}.dmg"
    assert pkg.is_file() and dmg.is_file()
    assert pkgbuild[-1] != str(pkg)  # built in the work folder, then moved: no half-written pkg in dist/
    if dmgbuild:
        assert calls(log, "dmgbuild") == [["-s", str(MACOS / "dmg_settings.py"), "-D",
                                           f"app={dist / 'Embeddable Desktop.app'}", "Embeddable Desktop", str(dmg)]]
        assert calls(log, "hdiutil") == []
    else:
        call, = calls(log, "hdiutil")
        assert call[0] == "create" and call[-1] == str(dmg) and "ULFO" in call
        assert set((log / "hdiutil-root.txt").read_text().splitlines()) == {"Embeddable Desktop.app", "Applications"}
    assert not list(tmp_path.glob("embeddable-desktop-macos.*"))  # the work folder is removed


def test_with_secrets_build_sh_signs_inside_out_notarizes_and_removes_its_keychain(tmp_path: Path) -> None:
    secrets = {"MACOS_CERTIFICATE": "cDEy", "MACOS_CERTIFICATE_PASSWORD": "pw", "APPLE_ID": "ci@example.com",
               "APPLE_TEAM_ID": "T1", "APPLE_APP_PASSWORD": "app-password"}
    result, dist, log = run_build(tmp_path, dmgbuild=True, **secrets)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" not in result.stdout and "app-password" not in result.stdout + result.stderr
    app = dist / "Embeddable Desktop.app"
    signed = [(call[-1], call[call.index("--entitlements") + 1] if "--entitlements" in call else None)
              for call in calls(log, "codesign") if "--sign" in call and call[-1].startswith(str(app))]
    targets = [target for target, _ in signed]
    for index, target in enumerate(targets):  # nothing is signed after what contains it
        assert not [inner for inner in targets[index + 1:] if inner.startswith(target + "/")], target
    assert targets[-1] == str(app) and len(targets) == 7
    helper, main = str(MACOS / "entitlements-helper.plist"), str(MACOS / "entitlements.plist")
    assert dict(signed) == {**dict.fromkeys(targets), str(app / HELPER): helper, str(app): main,
                            str(app / HELPER / "Contents/MacOS/QtWebEngineProcess"): helper,
                            str(app / "Contents/MacOS/embeddable-desktop"): main}
    assert all("--options" in call and "--timestamp" in call for call in calls(log, "codesign")
               if "--sign" in call and call[-1].startswith(str(app)))
    submitted = [call[2] for call in calls(log, "xcrun") if call[:2] == ["notarytool", "submit"]]
    assert [Path(path).suffix for path in submitted] == [".zip", ".pkg", ".dmg"]
    assert len([call for call in calls(log, "xcrun") if call[:2] == ["stapler", "staple"]]) == 3
    assert calls(log, "security")[-1] == ["delete-keychain", calls(log, "security")[0][-1]]  # the one it created
    assert calls(log, "productsign")[0][1].startswith("Developer ID Installer: ")


def test_half_set_secrets_and_required_signing_stop_the_build(tmp_path: Path) -> None:
    result, dist, log = run_build(tmp_path / "a", dmgbuild=True, MACOS_CERTIFICATE="AAAA")
    assert result.returncode == 1 and "MACOS_CERTIFICATE_PASSWORD is not" in result.stderr
    assert calls(log, "security") == [] and calls(log, "codesign") == []
    result, dist, log = run_build(tmp_path / "b", dmgbuild=True, MACOS_REQUIRE_SIGNED="1")
    assert result.returncode == 1 and "signing skipped: MACOS_CERTIFICATE is not set" in result.stderr
    assert not list(dist.glob("*.pkg")) and calls(log, "pkgbuild") == [] and calls(log, "codesign") == []
