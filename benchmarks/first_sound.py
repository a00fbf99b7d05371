"""First sound and first microphone capture, with the app's Chromium flags, with and without the unsandboxed zygote.

The tuning's ``--no-unsandboxed-zygote`` (Linux) drops the zygote Chromium keeps for helper processes. The one
helper the phone uses is the audio service, which a ring's first sound and a call's first microphone capture
wait for; this checks that they come as quickly without that zygote. (Here the audio service is started by the
host's own process either way, sandboxed or not, so the zygote served nothing.)

Each round is a fresh host process (a ``QWebEngineView`` with the flags the app decides for this machine) in
which a page, 1.5 s after loading:
- ``play``: plays a short tone and times ``play()`` until the ``playing`` event, as the ringtone starts;
- ``microphone``: times ``getUserMedia({audio: true})`` with the fake capture device, as a call starts.
Both variants run alternately; the medians and the ratio without/with the zygote are printed. Run it as an
ordinary user as well as root: as root Chromium has no sandbox, and the zygotes are set up differently.

    .venv/bin/python benchmarks/first_sound.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import shlex
import statistics
import struct
import subprocess
import sys
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from desktop.core.footprint import LINUX_FLAGS, apply_tuning, decide  # noqa: E402
from desktop.services.gpu_probe import this_machine  # noqa: E402

TIMEOUT = 30


def tone() -> str:
    """A quarter of a second of square wave, as a WAV data: URL."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", 8000 if (i // 10) % 2 else -8000) for i in range(2000)))
    return "data:audio/wav;base64," + base64.b64encode(out.getvalue()).decode()


PAGE = """<script>
setTimeout(async () => {
  const t0 = performance.now(), done = what => console.log("RESULT " + what);
  if (MODE == "play") {
    const a = new Audio(TONE);
    a.onplaying = () => done((performance.now() - t0).toFixed(1));
    a.play().catch(e => done("error " + e.name));
  } else {
    try { await navigator.mediaDevices.getUserMedia({audio: true}); done((performance.now() - t0).toFixed(1)); }
    catch (e) { done("error " + e.name); }
  }
}, 1500);
</script>"""

HOST = """
import os
import sys
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
class Page(QWebEnginePage):
    def javaScriptConsoleMessage(self, level, message, line, source):
        if message.startswith("RESULT "):
            print(message, flush=True)
            os._exit(0)  # the result is out; tearing Qt WebEngine down is not what is measured
profile = QWebEngineProfile.defaultProfile()
page = Page(profile)
page.permissionRequested.connect(lambda permission: permission.grant())
view = QWebEngineView()
view.setPage(page)
page.setHtml(sys.stdin.read(), QUrl("https://phone.invalid/"))
view.show()
QTimer.singleShot(20000, app.quit)
app.exec()
"""


def environment(zygote: bool) -> dict[str, str]:
    """The app's own flags and variables for this machine; with ``zygote``, its unsandboxed zygote kept."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               QTWEBENGINE_CHROMIUM_FLAGS="--use-fake-device-for-media-stream")
    apply_tuning(decide(True, this_machine(env)), env, running_as_root=os.geteuid() == 0)
    if zygote:
        flags = [f for f in shlex.split(env["QTWEBENGINE_CHROMIUM_FLAGS"]) if f not in LINUX_FLAGS]
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = shlex.join(flags)
    return env


def one_round(mode: str, page: str, zygote: bool) -> float:
    """Milliseconds to ``mode``'s first result on ``page``, in a fresh host with or without the zygote."""
    out = subprocess.run([sys.executable, "-c", HOST], check=True, input=page, env=environment(zygote),
                         capture_output=True, text=True, timeout=TIMEOUT).stdout
    results = [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("RESULT ")]
    if not results or results[0].startswith("error"):
        raise RuntimeError(f"{mode}: {results[0] if results else 'no result'}")
    return float(results[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    user = "root, no sandbox" if os.geteuid() == 0 else "an ordinary user, sandboxed"
    for mode in ("play", "microphone"):
        page = PAGE.replace("MODE", repr(mode)).replace("TONE", repr(tone()))
        times: dict[bool, list[float]] = {True: [], False: []}
        for n in range(args.rounds):
            for zygote in (True, False) if n % 2 == 0 else (False, True):
                times[zygote].append(one_round(mode, page, zygote))
        with_z, without = statistics.median(times[True]), statistics.median(times[False])
        print(f"{mode:10s} first time: with the unsandboxed zygote {with_z:5.1f} ms, without {without:5.1f} ms, "
              f"ratio {without / with_z:.2f}x ({args.rounds} rounds, {user})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
