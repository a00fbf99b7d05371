"""What Chromium itself sees of the microphone, for Help → Diagnostics: the widget's audio inputs and whether
the widget's origin may use them.

Asked inside the widget page (in the bridge's isolated world, so the widget's scripts see nothing), because
that is where calls take their audio: a device the sound system lists but Chromium cannot open, or a denied
permission, shows only here. Device names are shown only once the microphone has been allowed (Chromium's rule).
When the document in the view is not the widget's (Chromium's error page behind the offline screen), there is
nothing to ask: the report says the phone is not loaded, not what an error page's scripts make of the question.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtWebEngineCore import QWebEnginePage

from desktop.core.findings import Finding, Status
from desktop.core.urls import origin_of
from desktop.ui.phone.bridge import WORLD

SECTION = "Microphone (as the phone sees it)"
NOT_LOADED = "not loaded, so what Chromium sees of the microphone is not known (the window says why)"
_PROBE = """
window.__embeddableDesktopMic = null;
(async () => {
  const out = {inputs: [], permission: 'unknown', origin: location.origin};
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    out.inputs = devices.filter(d => d.kind === 'audioinput').map(d => d.label || '(name hidden until allowed)');
  } catch (e) { out.error = String(e && e.name || e); }
  try { out.permission = (await navigator.permissions.query({name: 'microphone'})).state; } catch (e) {}
  window.__embeddableDesktopMic = JSON.stringify(out);
})();
"""


async def microphone_findings(page: QWebEnginePage, timeout: float) -> list[Finding]:
    """Ask the page; after ``timeout`` seconds without an answer, say so."""
    origin = origin_of(page.url().toString())  # as the document's location.origin spells it (no default port)
    page.runJavaScript(_PROBE, WORLD)
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        page.runJavaScript("window.__embeddableDesktopMic", WORLD,
                           lambda value, f=answer: f.done() or f.set_result(value))
        value = await asyncio.wait_for(answer, timeout)
        if isinstance(value, str) and value:
            result = json.loads(value)
            # An error page keeps the failed address as the page's URL, but its document's origin is opaque ("null").
            if result.get("origin") != origin:
                return [Finding(SECTION, "widget page", Status.INFO, NOT_LOADED)]
            return _describe(result, origin)
        await asyncio.sleep(0.1)
    return [Finding(SECTION, "widget page", Status.FAILED, f"no answer within {timeout:g} s")]


def _describe(result: dict[str, Any], origin: str) -> list[Finding]:
    inputs = [str(name) for name in result.get("inputs", [])]
    permission = str(result.get("permission", "unknown"))
    found = [Finding(SECTION, "audio inputs", Status.OK if inputs else Status.FAILED,
                     ", ".join(inputs) if inputs else "none: calls will have no microphone"
                     + (f" ({result['error']})" if result.get("error") else ""))]
    # The launcher grants the widget's origin when it asks (and nobody else): "prompt" means not asked yet.
    status = {"granted": Status.OK, "denied": Status.FAILED}.get(permission, Status.INFO)
    detail = {"granted": f"granted to {origin}", "denied": f"denied to {origin}",
              "prompt": f"not asked yet by {origin}; the app grants it when the phone asks"}
    found.append(Finding(SECTION, "microphone permission", status, detail.get(permission, permission)))
    return found
