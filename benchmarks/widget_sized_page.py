"""A stand-in page the size of the real widget, for the start-up and memory benchmarks.

The hosted app.html loads about 8 MB of script in a few chunks, a few hundred KB of CSS and web fonts, builds
its UI, then posts ``rc-login-status-notify`` and ``rc-dialer-status-notify``. A one-line page measures only a
host's fixed cost; this one makes the page cost what the widget costs. The script is generated, deterministic
and really runs: thousands of functions and objects are parsed, compiled and called, and a few thousand DOM
nodes are built, so parse, compile and layout are all in the measurement. No service worker.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.local_page import Link, serve_files  # noqa: E402

CHUNKS = 4
CHUNK_BYTES = 2 * 1024 * 1024
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _chunk(index: int) -> bytes:
    """About CHUNK_BYTES of plausible application code: modules of functions over data tables."""
    rng = random.Random(index)
    parts = [f"(function(){{var M{index}={{}};"]
    size, n = 0, 0
    while size < CHUNK_BYTES:
        words = ",".join(f'"{rng.getrandbits(40):x}"' for _ in range(12))
        body = (f"M{index}.f{n}=function(a,b){{var t=[{words}];var s=0;for(var i=0;i<t.length;i++){{"
                f"s+=t[i].length*(a||1)+(b||0);}}return {{id:{n},sum:s,label:'item-{n}',tags:t.slice(0,3)}};}};\n")
        parts.append(body)
        size += len(body)
        n += 1
    # Run a share of it, as a real bundle runs its module initialisers.
    parts.append(f"var r=0;for(var k=0;k<{n};k+=7){{r+=M{index}['f'+k](k,1).sum;}}window.__chunk{index}=r;}})();\n")
    return "".join(parts).encode()


def _css(font: bool = True) -> bytes:
    rules = [f".c{i}{{margin:{i % 9}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x};"
             f"font:{12 + i % 4}px/1.4 'Bench Sans',sans-serif}}\n" for i in range(6000)]
    face = "@font-face{font-family:'Bench Sans';src:url(/fonts/sans.ttf) format('truetype')}\n" if font else ""
    return (face + "".join(rules)).encode()


#: With ``timing``, the page notes when each of its steps happened (ms after its navigation started) and reports
#: them 1 s after the login event was posted, as ``GET /steps?{json}`` (see ``startup_steps.py``).
_TIMING_HEAD = "<script>window.__steps = {navigation: performance.timeOrigin};</script>"
_TIMING_REPORT = """setTimeout(function () {
    fetch('/steps?' + encodeURIComponent(JSON.stringify(window.__steps))).catch(function () {});
  }, 1000);"""


def _html(timing: bool = False) -> bytes:
    def step(name: str) -> str:
        return f"window.__steps.{name} = performance.now();" if timing else ""

    scripts = "".join(f'<script src="/js/chunk-{i}.js"></script>' for i in range(CHUNKS))
    if timing:
        scripts += f"<script>{step('scripts_run')}</script>"
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>widget</title>{_TIMING_HEAD if timing else ""}
<link rel="stylesheet" href="/css/app.css">{scripts}</head><body><div id="app"></div><script>
// Build a widget-like UI (lists of calls and contacts), then say what the widget says once it is up.
var app = document.getElementById('app'), html = [];
for (var i = 0; i < 3000; i++) html.push('<div class="c' + i + '"><span>Contact ' + i + '</span><b>+1650555'
  + String(1000 + i).slice(-4) + '</b></div>');
app.innerHTML = html.join('');{step('ui_built')}
// The bare host learns of the login event the way the app does: when the message event is delivered (a task of
// its own, after the post), not when it is posted.
window.addEventListener('message', function (event) {{
  if (event.data && event.data.type === 'rc-login-status-notify') {{ {step('event_seen')} document.title = 'ready'; }}
}});
// What keeps a signed-in widget busy while nobody calls: a status clock every second and a keep-alive request
// every 25 seconds (the widget's push and SIP connections do about that).
var clock = document.createElement('span'); document.body.appendChild(clock);
setInterval(function () {{ clock.textContent = new Date().toLocaleTimeString(); }}, 1000);
setInterval(function () {{
  fetch('/app.html', {{method: 'HEAD', cache: 'no-store'}}).catch(function () {{}});
}}, 25000);
// A task after the UI is built, not an animation frame: the widget signs in even when started hidden in the tray.
setTimeout(function () {{{step('event_posted')}
  window.postMessage({{type: 'rc-login-status-notify', loggedIn: true}}, '*');{_TIMING_REPORT if timing else ""}
  window.postMessage({{type: 'rc-dialer-status-notify', ready: true}}, '*');
}}, 0);
</script></body></html>""".encode()


#: How the page reaches the hosts: "local" as fast as this machine serves it (the network costs nothing, so a
#: disk cache can only cost); "office" like a hosted build over an office connection (30 ms round trip,
#: 50 Mbit/s shared), where a warm disk cache saves the download.
NETWORKS: dict[str, Link | None] = {"local": None, "office": Link(round_trip=0.030, bytes_per_second=50e6 / 8)}


def _cache_headers(path: str) -> dict[str, str]:
    """As a hosted build is served: the page revalidated at each start, its hashed chunks cached for a year."""
    if path == "/app.html":
        return {"Cache-Control": "no-cache"}
    return {"Cache-Control": "public, max-age=31536000, immutable"}


def serve(network: str = "local", *, timing: bool = False, font: bool = True,
          on_request: Callable[[str], None] | None = None) -> tuple[str, Callable[[], None]]:
    """Serve the page on 127.0.0.1 over ``network`` (a key of NETWORKS): (the URL of ``/app.html``, a function
    that stops the server). ``timing`` and ``on_request``: see ``_TIMING_HEAD`` and ``serve_files``; without
    ``font`` the page has no web font (the text is laid out once, in a system font)."""
    files = {"/app.html": (_html(timing), "text/html"), "/css/app.css": (_css(font), "text/css")}
    files.update({f"/js/chunk-{i}.js": (_chunk(i), "application/javascript") for i in range(CHUNKS)})
    if font and FONT.exists():
        files["/fonts/sans.ttf"] = (FONT.read_bytes(), "font/ttf")
    total = sum(len(body) for body, _ in files.values())
    print(f"widget-sized page: {total / 1024 / 1024:.1f} MiB in {len(files)} files")
    return serve_files(files, headers_for=_cache_headers, link=NETWORKS[network], on_request=on_request)
