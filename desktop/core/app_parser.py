"""The app's command-line parser: its options and ``--help`` (with the verbs and every setting, from the schema).

Only the parsing: what the options mean as settings is :mod:`desktop.core.options`.
"""

from __future__ import annotations

import argparse

from desktop.core.settings_schema import (
    DEFAULT_REDIRECT_PORT,
    DEFAULT_WIDGET_URL,
    ENVIRONMENT_SETTINGS,
    GLOBAL_SETTINGS,
    env_key,
)
from desktop.core.verbs import verbs_help


def settings_help() -> str:
    """The settings part of ``--help``, from the schema (the single source of names, kinds and defaults)."""
    lines = ["settings (embeddable-desktop config set KEY VALUE; IT policy can lock any of them):"]
    entries = [(k, s) for k, s in GLOBAL_SETTINGS.items()]
    entries += [(env_key("<name>", k), s) for k, s in ENVIRONMENT_SETTINGS.items()]
    for key, setting in entries:
        default = "" if setting.default is None else f" [default: {setting.default}]"
        restart = " (restart)" if setting.restart_required else ""
        lines.append(f"  {key} ({setting.kind}){restart}: {setting.description}{default}")
    return "\n".join(lines)


def add_environment_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose the environment and the data folder: the app's, and ``diagnose``'s (which checks
    exactly what the app would start with)."""
    parser.add_argument("--env", metavar="NAME",
                        help="environment: production (default), sandbox, custom (ad hoc, with --app-server) or "
                        "the name of one defined in the settings")
    parser.add_argument("--client-id", help="your app's client id from the RingCentral developer console")
    parser.add_argument("--app-server", help="platform URL for a custom environment (https only)")
    parser.add_argument("--widget-url", help=f"URL of the widget's app.html (default: {DEFAULT_WIDGET_URL})")
    parser.add_argument("--redirect-port",
                        help=f"port of the sign-in listener on 127.0.0.1 (default: {DEFAULT_REDIRECT_PORT})")
    parser.add_argument("--data-dir", help="folder for everything the app writes (profiles, logs, settings)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="embeddable-desktop",
        allow_abbrev=False,  # an abbreviated option would survive an environment switch's argv rewrite
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="embeddable-desktop [OPTIONS] [LINK ...]\n       embeddable-desktop [--data-dir DIR] COMMAND ...",
        epilog=verbs_help() + "\n\n" + settings_help(),
        description="The RingCentral Embeddable phone in a desktop window, signed in through your browser.",
    )
    add_environment_options(parser)
    parser.add_argument("--browser", metavar="COMMAND",
                        help="command that opens sign-in pages; the URL is added as last argument")
    parser.add_argument("links", nargs="*", metavar="LINK",
                        help="tel:, callto: or sms: links to dial (or text) once signed in")
    parser.add_argument("--call", metavar="NUMBER", action="append", default=[],
                        help="a number to dial once signed in (may be repeated)")
    parser.add_argument("--minimized", action="store_true", help="start hidden in the tray (or minimized)")
    parser.add_argument("--devtools", action="store_true", help="allow the developer tools (F12) for this run")
    parser.add_argument("--version", action="store_true",
                        help="print the app's version and the Qt, Chromium, PySide6 and Python versions, and exit")
    parser.add_argument("--reset-settings", action="store_true",
                        help="start on default settings if the settings file cannot be used (a copy is kept)")
    return parser
