"""The installed file tree shared by the .deb and the .rpm, staged in a folder.

    /opt/embeddable-desktop/                  the bundle
    /usr/bin/embeddable-desktop               -> /opt/embeddable-desktop/embeddable-desktop
    /usr/share/applications/embeddable-desktop.desktop   (registers tel:, callto:, sms:)
    /usr/share/icons/hicolor/{scalable,NxN}/apps/embeddable-desktop.{svg,png}
    /usr/share/metainfo/com.embeddabledesktop.app.metainfo.xml
    /usr/share/man/man1/embeddable-desktop.1.gz   (generated from the command-line parser)
    /usr/share/doc/embeddable-desktop/{copyright,policy.example.json}

Nothing is put in /etc: the policy example is documentation, never an active policy.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from build_common import APP_ID, BUNDLE_ID, ELF_MAGIC, INSTALL_DIR, version

HERE = Path(__file__).resolve().parent
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def stage_tree(bundle: Path, stage: Path, root: Path) -> None:
    opt = stage / INSTALL_DIR.relative_to("/")
    shutil.copytree(bundle, opt, symlinks=True)
    # Qt WebEngine creates this (empty) folder at its first start when it may write there (as root): shipped,
    # it belongs to the package and goes away with it, instead of being left behind in /opt after a purge.
    (opt / "_internal/PySide6/Qt/resources/locales").mkdir(exist_ok=True)
    normalise_modes(opt)
    (stage / "usr/bin").mkdir(parents=True)
    # Between top-level folders a symlink is absolute (Debian policy 10.5). The bundle's loader finds its
    # files through /proc/self/exe, so starting it through the link works.
    (stage / "usr/bin" / APP_ID).symlink_to(INSTALL_DIR / APP_ID)
    share = stage / "usr/share"
    _install(HERE / "linux" / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    _install(root / "resources" / "icon.svg", share / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg")
    render_icons(root / "resources" / "icon.svg", share / "icons/hicolor")
    metainfo = (HERE / "linux" / "metainfo.xml.in").read_text(encoding="utf-8")
    metainfo = metainfo.replace("@VERSION@", version(root)).replace("@DATE@", release_date())
    _write(share / "metainfo" / f"{BUNDLE_ID}.metainfo.xml", metainfo)
    doc = share / "doc" / APP_ID
    _install(HERE / "linux" / "copyright", doc / "copyright")
    write_policy_example(doc / "policy.example.json")
    _write_gzip(share / "man/man1" / f"{APP_ID}.1.gz", man_page(root).encode("utf-8"))


def normalise_modes(tree: Path) -> None:
    """Folders 755, files 644, executables (ELF programs) 755, whatever the build machine's umask did."""
    for path in [tree, *tree.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or _is_program(path):
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def _is_program(path: Path) -> bool:
    """An ELF executable (not a shared library): the app itself and QtWebEngineProcess."""
    if ".so" in path.name:
        return False
    with path.open("rb") as file:
        head = file.read(18)
    if len(head) < 18 or head[:4] != ELF_MAGIC:
        return False
    # e_type 2 is ET_EXEC; position-independent programs are ET_DYN (3) without a .so name.
    e_type = int.from_bytes(head[16:18], "little" if head[5] == 1 else "big")
    return e_type in (2, 3)


def render_icons(svg: Path, hicolor: Path) -> None:
    """PNGs at the usual sizes, rendered from the SVG with Qt's SVG renderer (offscreen, no screen needed)."""
    script = (
        "import sys\n"
        "from PySide6.QtCore import Qt\n"
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter\n"
        "from PySide6.QtSvg import QSvgRenderer\n"
        "app = QGuiApplication(['render-icons'])\n"
        "renderer = QSvgRenderer(sys.argv[1])\n"
        "assert renderer.isValid(), 'not a usable SVG: ' + sys.argv[1]\n"
        "for size, out in zip(sys.argv[2::2], sys.argv[3::2]):\n"
        "    image = QImage(int(size), int(size), QImage.Format.Format_ARGB32)\n"
        "    image.fill(Qt.GlobalColor.transparent)\n"
        "    painter = QPainter(image)\n"
        "    renderer.render(painter)\n"
        "    painter.end()\n"
        "    assert image.save(out, 'PNG'), out\n"
    )
    args: list[str] = []
    for size in ICON_SIZES:
        out = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        args += [str(size), str(out)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", script, str(svg), *args], check=True, env=env)
    for out in args[1::2]:
        Path(out).chmod(0o644)


def policy_example() -> dict[str, object]:
    """An example /etc/embeddable-desktop/policy.json for a call centre, built from the settings schema.

    Every global setting with a default is listed with that default (IT deletes what it does not want to
    lock), plus the production environment's settings with a placeholder client id that is required.
    """
    from desktop.core.settings_schema import ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, env_key

    settings: dict[str, object] = {key: s.default for key, s in GLOBAL_SETTINGS.items() if s.default is not None}
    for field, setting in ENVIRONMENT_SETTINGS.items():
        if setting.default is not None:
            settings[env_key("production", field)] = setting.default
    settings[env_key("production", "client_id")] = "YOUR_PRODUCTION_CLIENT_ID"
    settings["allow_environment_switching"] = False
    return {"settings": settings, "hidden": ["devtools"], "required": [env_key("production", "client_id")]}


def write_policy_example(path: Path) -> None:
    _write(path, json.dumps(policy_example(), indent=2) + "\n")


def man_page(root: Path) -> str:
    """A roff man page from the app's own argument parser, so it always matches ``--help``."""
    from desktop.core.options import build_parser

    parser = build_parser()

    def roff(text: str) -> str:
        return text.replace("\\", "\\\\").replace("-", "\\-").replace("\n.", "\n\\&.")

    lines = [f'.TH EMBEDDABLE\\-DESKTOP 1 "{release_date()}" "{APP_ID} {version(root)}" "User Commands"',
             ".SH NAME", f"{APP_ID} \\- {roff(parser.description or '').split('.')[0]}",
             ".SH SYNOPSIS", roff(parser.format_usage().replace("usage: ", "").strip()),
             ".SH DESCRIPTION", roff(parser.description or ""), ".SH OPTIONS"]
    for action in parser._actions:  # argparse keeps no public list of its actions
        flags = ", ".join(action.option_strings) or (action.metavar if isinstance(action.metavar, str) else "")
        if action.nargs != 0 and action.option_strings:
            flags += f" {action.metavar or action.dest.upper()}"
        lines += [".TP", f"\\fB{roff(flags)}\\fR", roff(action.help or "")]
    lines += [".SH SETTINGS", ".nf", roff(parser.epilog or ""), ".fi", ".SH FILES",
              ".TP", "/etc/embeddable\\-desktop/policy.json", "IT policy (see /usr/share/doc/embeddable\\-desktop/)",
              ".TP", "~/.config/embeddable\\-desktop/settings.json", "your settings",
              ".TP", "~/.local/share/embeddable\\-desktop/", "web profiles, logs and state"]
    return "\n".join(lines) + "\n"


def release_date() -> str:
    """The date of the build's source: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return time.strftime("%Y-%m-%d", time.gmtime(int(epoch) if epoch else None))


def _install(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o644)


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    target.chmod(0o644)


def _write_gzip(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    target.chmod(0o644)
