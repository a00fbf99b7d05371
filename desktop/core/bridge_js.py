"""JavaScript for the page bridge, always built from JSON, never by pasting strings together."""

from __future__ import annotations

import json
from typing import Any

from desktop.core.widget_commands import COMMAND_TYPES, WidgetCommand


def post_message_js(command: WidgetCommand) -> str:
    """A call of the isolated-world bridge's ``post`` with the command's message as a JSON literal.

    The bridge remembers what it posted so it does not echo the launcher's own commands back to Python.
    """
    message = command.message()
    if message.get("type") not in COMMAND_TYPES:
        raise ValueError(f"not a launcher command: {message.get('type')!r}")
    # json.dumps escapes quotes and control characters; "</" is also escaped in case this ever ends up
    # inside HTML.
    literal = json.dumps(message, ensure_ascii=True).replace("</", "<\\/")
    return f"window.__embeddableDesktopBridge.post({literal});"


def parse_bridge_message(raw: str) -> dict[str, Any] | None:
    """Validate what the page sent: a JSON object whose ``type`` starts with ``rc-``; else ``None``."""
    try:
        data = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    kind = data.get("type")
    if not isinstance(kind, str) or not kind.startswith("rc-"):
        return None
    return data
