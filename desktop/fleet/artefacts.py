"""Every generated fleet artefact at once: what ``python packaging/build.py templates`` writes and what the
test compares with the committed files."""

from __future__ import annotations

import importlib
from pathlib import Path

#: The generator modules (each has ``render()``), in desktop.fleet.
GENERATORS = ("json_schema", "examples", "docs_table", "admx", "mobileconfig")
ROOT = Path(__file__).resolve().parents[2]


def render_all() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for name in GENERATORS:
        files.update(importlib.import_module(f"desktop.fleet.{name}").render())
    return files


def write_all(root: Path = ROOT) -> list[Path]:
    """Write every artefact below ``root``; returns the paths that changed."""
    changed = []
    for relative, content in render_all().items():
        path = root / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(path)
    return changed
