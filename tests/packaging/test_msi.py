"""The Windows MSI, built with wixl from a stand-in payload with the bundle's layout, read back with msiinfo.

Windows cannot build or install here; what can be checked on Linux is the database itself: what it installs
and where, what it writes to the registry, how it upgrades, and that it leaves people's data alone. Installing
and removing it for real is the Windows workflow's job (.github/workflows/build.yml).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.requirements import require

ROOT = Path(__file__).resolve().parents[2]
#: Folders of a person's profile that a per-machine installer has no business writing to.
PROFILE_FOLDERS = {"AppDataFolder", "LocalAppDataFolder", "PersonalFolder", "DesktopFolder", "FavoritesFolder",
                   "TempFolder", "MyPicturesFolder", "SendToFolder", "TemplateFolder", "NetHoodFolder"}
HKLM, HKCU = "2", "1"
UPGRADE_OLDER_ONLY_DETECT = 2  # msidbUpgradeAttributesOnlyDetect
UPGRADE_MAX_INCLUSIVE = 0x200  # msidbUpgradeAttributesVersionMaxInclusive


def load_build_msi() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_msi", ROOT / "packaging" / "build_msi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Msi:
    path: Path
    bundle: Path

    def table(self, name: str) -> list[dict[str, str]]:
        """The rows of a table, exported in the .idt text format: column names, types, keys, then rows."""
        text = subprocess.run(["msiinfo", "export", str(self.path), name], check=True, capture_output=True,
                              text=True).stdout
        lines = text.splitlines()
        columns = lines[0].split("\t")
        return [dict(zip(columns, line.split("\t"), strict=True)) for line in lines[3:]]

    def summary(self) -> dict[str, str]:
        text = subprocess.run(["msiinfo", "suminfo", str(self.path)], check=True, capture_output=True,
                              text=True).stdout
        return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


@pytest.fixture(scope="module")
def build_msi() -> ModuleType:
    return load_build_msi()


@pytest.fixture(scope="module")
def msis(tmp_path_factory: pytest.TempPathFactory, build_msi: ModuleType) -> tuple[Msi, Msi]:
    """The same stand-in built twice, to compare what must and must not change between builds."""
    require(bool(shutil.which("wixl") and shutil.which("msiinfo")),
            "wixl and msiinfo are missing (Debian: apt-get install wixl msitools)")
    built = []
    for run in ("first", "second"):
        folder = tmp_path_factory.mktemp(run)
        bundle = build_msi.make_stand_in(folder / "payload")
        built.append(Msi(build_msi.build_msi(bundle, folder / "dist", "wixl"), bundle))
    return built[0], built[1]


@pytest.fixture(scope="module")
def msi(msis: tuple[Msi, Msi]) -> Msi:
    return msis[0]


def test_product_properties(msi: Msi, build_msi: ModuleType) -> None:
    properties = {row["Property"]: row["Value"] for row in msi.table("Property")}
    assert properties["UpgradeCode"] == build_msi.UPGRADE_CODE  # the .wxs and the constant agree
    assert properties["ProductVersion"] == build_msi.version(ROOT)
    assert properties["ALLUSERS"] == "1"  # per-machine
    assert properties["ProductName"] == "Embeddable Desktop"
    assert properties["Manufacturer"] == "Embeddable Desktop team"
    assert properties["ARPPRODUCTICON"] == "AppIcon.ico"
    assert "MSIINSTALLPERUSER" not in properties
    assert msi.path.name == f"embeddable-desktop-{build_msi.version(ROOT)}-x64.msi"


def test_summary_information_is_x64_and_per_machine(msi: Msi) -> None:
    summary = msi.summary()
    assert summary["Template"] == "x64;1033"
    words = int(summary["Source"].split()[0])
    assert words & 2, "files are compressed into the package"
    assert not words & 8, "a per-machine package needs elevation (word count bit 8 is per-user)"
    assert int(summary["Version"].split()[0]) >= 200  # Windows Installer 2.0 or later for x64


def test_major_upgrade_removes_older_versions_and_refuses_downgrades(msi: Msi, build_msi: ModuleType) -> None:
    rows = msi.table("Upgrade")
    current = build_msi.version(ROOT)
    assert {row["UpgradeCode"] for row in rows} == {build_msi.UPGRADE_CODE}
    older, = (row for row in rows if row["ActionProperty"] == "WIX_UPGRADE_DETECTED")
    # Every version below this one (no minimum, exclusive maximum) is found and removed, not just detected.
    assert older["VersionMin"] == "" and older["VersionMax"] == current
    assert not int(older["Attributes"]) & (UPGRADE_OLDER_ONLY_DETECT | UPGRADE_MAX_INCLUSIVE)
    newer, = (row for row in rows if row["ActionProperty"] == "WIX_DOWNGRADE_DETECTED")
    assert newer["VersionMin"] == current and int(newer["Attributes"]) & UPGRADE_OLDER_ONLY_DETECT
    conditions = {row["Condition"] for row in msi.table("LaunchCondition")}
    assert "NOT WIX_DOWNGRADE_DETECTED" in conditions
    actions = {row["Action"]: int(row["Sequence"]) for row in msi.table("InstallExecuteSequence")}
    assert actions["InstallValidate"] < actions["RemoveExistingProducts"] < actions["InstallInitialize"]
    secure = {row["Property"]: row["Value"] for row in msi.table("Property")}["SecureCustomProperties"]
    assert "WIX_UPGRADE_DETECTED" in secure.split(";")  # passed to the elevated server side


def registry(msi: Msi) -> dict[tuple[str, str, str], str]:
    return {(row["Root"], row["Key"], row["Name"]): row["Value"] for row in msi.table("Registry")}


def test_links_are_registered_the_default_programs_way(msi: Msi) -> None:
    values = registry(msi)
    progid = r"Software\Classes\EmbeddableDesktop.Url"
    assert values[(HKLM, progid + r"\shell\open\command", "")] == '"[INSTALLDIR]embeddable-desktop.exe" "%1"'
    assert values[(HKLM, progid + r"\DefaultIcon", "")] == "[INSTALLDIR]embeddable-desktop.ico"
    capabilities = r"Software\EmbeddableDesktop\Capabilities"
    assert values[(HKLM, capabilities, "ApplicationName")] == "Embeddable Desktop"
    assert values[(HKLM, capabilities, "ApplicationDescription")]
    for scheme in ("tel", "callto", "sms"):
        assert values[(HKLM, capabilities + r"\URLAssociations", scheme)] == "EmbeddableDesktop.Url"
    assert values[(HKLM, r"Software\RegisteredApplications", "Embeddable Desktop")] == capabilities
    # The person picks the default in Settings; the installer never takes a scheme or a choice over.
    assert not [key for _, key, _ in values if key.lower().startswith(("software\\classes\\tel",
                                                                       "software\\classes\\callto",
                                                                       "software\\classes\\sms"))]
    assert not [key for _, key, _ in values if "userchoice" in key.lower()]
    components = {row["Component"]: int(row["Attributes"]) for row in msi.table("Component")}
    assert components["Registration"] & 256, "written to the 64-bit registry view"


def test_start_menu_shortcut_targets_the_program(msi: Msi) -> None:
    shortcut, = msi.table("Shortcut")
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Name"] == "Embeddable Desktop"
    assert shortcut["Target"] == "[#MainExe]"
    assert shortcut["WkDir"] == "INSTALLDIR"
    files = {row["File"]: row["FileName"] for row in msi.table("File")}
    assert files["MainExe"] == "embeddable-desktop.exe"


def test_every_payload_file_is_installed_under_program_files(msi: Msi, build_msi: ModuleType) -> None:
    directories = {row["Directory"]: (row["Directory_Parent"], row["DefaultDir"]) for row in msi.table("Directory")}
    assert directories["INSTALLDIR"] == ("ProgramFiles64Folder", "Embeddable Desktop")

    def path_of(directory: str) -> str:
        parent, name = directories[directory]
        return "" if directory == "INSTALLDIR" else f"{path_of(parent)}{name}/"

    folder_of = {row["Component"]: row["Directory_"] for row in msi.table("Component")}
    installed = sorted(path_of(folder_of[row["Component_"]]) + row["FileName"] for row in msi.table("File"))
    expected = sorted(p.relative_to(msi.bundle).as_posix() for p in msi.bundle.rglob("*") if p.is_file())
    assert installed == sorted([*expected, "embeddable-desktop.ico"])
    assert len(installed) == len(build_msi.STAND_IN_FILES) + 1
    media, = msi.table("Media")
    assert media["Cabinet"].startswith("#"), "the cabinet is inside the .msi, not beside it"


def test_nothing_is_written_to_profiles_and_only_installed_things_are_removed(msi: Msi) -> None:
    directories = {row["Directory"] for row in msi.table("Directory")}
    assert not directories & PROFILE_FOLDERS
    for table, column in (("Component", "Directory_"), ("CreateFolder", "Directory_"),
                          ("RemoveFile", "DirProperty")):
        assert not {row[column] for row in msi.table(table)} & PROFILE_FOLDERS, table
    own_components = {row["Component"] for row in msi.table("Component")}
    assert {row["Component_"] for row in msi.table("RemoveFile")} <= own_components
    assert msi.table("CustomAction") == []  # nothing runs that could reach beyond the tables above
    # The one HKCU value is the shortcut's key path (ICE38/ICE43); nothing of the app's own lives there.
    per_user = [(key, name) for root, key, name in registry(msi) if root == HKCU]
    assert per_user == [(r"Software\EmbeddableDesktop\Installer", "StartMenuShortcut")]


def test_component_guids_are_stable_and_package_codes_are_not(msis: tuple[Msi, Msi]) -> None:
    first, second = msis
    components = [{row["Component"]: row["ComponentId"] for row in msi.table("Component")} for msi in msis]
    assert components[0] == components[1]
    assert all(guid.startswith("{") for guid in components[0].values())
    assert len(set(components[0].values())) == len(components[0])
    codes = [{row["Property"]: row["Value"] for row in msi.table("Property")} for msi in msis]
    assert codes[0]["UpgradeCode"] == codes[1]["UpgradeCode"]
    assert codes[0]["ProductCode"] != codes[1]["ProductCode"]  # a new product: MajorUpgrade replaces it
    package_code = "Revision number (UUID)"
    assert first.summary()[package_code] != second.summary()[package_code]


def test_payload_fragment_lists_the_bundle_but_not_the_main_files(tmp_path: Path, build_msi: ModuleType) -> None:
    bundle = build_msi.make_stand_in(tmp_path)
    (bundle / "embeddable-desktop.ico").write_bytes(b"\0\0\1\0")  # installed by the .wxs itself
    names = build_msi.payload_files(bundle)
    assert "embeddable-desktop.exe" not in names and "embeddable-desktop.ico" not in names
    assert "_internal/PySide6/QtWebEngineProcess.exe" in names
    assert build_msi.payload_fragment(bundle) == build_msi.payload_fragment(bundle)


@pytest.mark.parametrize("text", ["1.0rc1", "0.2.0.dev1", "256.0.0", "1.2.3.4", "1"])
def test_versions_without_an_msi_form_are_refused(text: str, build_msi: ModuleType) -> None:
    with pytest.raises(SystemExit, match="no MSI form"):
        build_msi.msi_version(text)


def test_icon_is_a_valid_multi_size_ico(tmp_path: Path, build_msi: ModuleType) -> None:
    icon = tmp_path / "app.ico"
    build_msi.render_ico(icon)
    data = icon.read_bytes()
    reserved, kind, count = (int.from_bytes(data[i:i + 2], "little") for i in (0, 2, 4))
    assert (reserved, kind, count) == (0, 1, len(build_msi.ICO_SIZES))
    sizes = sorted(data[6 + 16 * i] or 256 for i in range(count))
    assert sizes == sorted(build_msi.ICO_SIZES)

