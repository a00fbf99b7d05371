"""The policy key table in ``docs/deploying.md``, generated from the settings schema between two markers.

The rest of the guide is written by hand; ``render()`` returns it with the table replaced, so a test can
tell when a key was added, renamed or re-described without the guide following.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.settings_schema import ENVIRONMENT_SETTINGS, GLOBAL_SETTINGS, Setting

PATH = "docs/deploying.md"
START = "<!-- policy-keys:start (generated from the settings schema: python packaging/build.py templates) -->"
END = "<!-- policy-keys:end -->"
ROOT = Path(__file__).resolve().parents[2]


def _row(key: str, setting: Setting) -> str:
    shown = str(setting.default).lower() if isinstance(setting.default, bool) else setting.default  # JSON's true
    default = "" if setting.default is None else f"`{shown}`"
    restart = " (restart)" if setting.restart_required else ""
    return f"| `{key}` | {setting.kind} | {default} | {setting.description}{restart} |"


def table() -> str:
    rows = ["| key | value | default | meaning |", "|---|---|---|---|"]
    rows += [_row(key, setting) for key, setting in GLOBAL_SETTINGS.items()]
    rows += [_row(f"environments.<name>.{field}", setting) for field, setting in ENVIRONMENT_SETTINGS.items()]
    return "\n".join(rows)


def render() -> dict[str, str | bytes]:
    text = (ROOT / PATH).read_text(encoding="utf-8")
    before, start, rest = text.partition(START)
    _old, end, after = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{PATH} lacks the markers {START!r} ... {END!r}")
    return {PATH: f"{before}{START}\n{table()}\n{END}{after}"}
