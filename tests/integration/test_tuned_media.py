"""What the app's Chromium tuning (desktop.core.footprint) must keep working: a call's audio, end to end.

The suite runs with the flags the app chooses for this machine (tests/conftest.py), so every page test checks
them; this one adds a WebRTC call between two peer connections in the widget's page, fed by the fake microphone.
"""

from __future__ import annotations

import json
import shlex

import pytest

from desktop.core.footprint import decide
from desktop.services.gpu_probe import this_machine
from tests.integration.harness import AppUnderTest
from tests.integration.test_page_policy import settled

pytestmark = pytest.mark.webengine

# Microphone -> peer connection A -> peer connection B; done when B has received audio packets that carry sound
# (the fake device beeps), or with the error's name.
LOOPBACK_CALL = """
window.__call = null;
(async () => {
  try {
    const mic = await navigator.mediaDevices.getUserMedia({audio: true});
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    // Played, as the widget plays the far end: audio is decoded (and its energy measured) only for a sink.
    b.ontrack = e => { const out = new Audio(); out.srcObject = e.streams[0]; out.play(); };
    a.onicecandidate = e => { if (e.candidate) b.addIceCandidate(e.candidate); };
    b.onicecandidate = e => { if (e.candidate) a.addIceCandidate(e.candidate); };
    mic.getTracks().forEach(t => a.addTrack(t, mic));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    let last = null;
    for (let i = 0; i < 150; i++) {
      await new Promise(r => setTimeout(r, 100));
      for (const s of (await b.getStats()).values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') last = [s.packetsReceived, s.totalAudioEnergy];
        if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.packetsReceived >= 50 && s.totalAudioEnergy > 0) {
          window.__call = JSON.stringify({packets: s.packetsReceived, energy: s.totalAudioEnergy,
                                          state: a.connectionState});
          return;
        }
      }
    }
    window.__call = JSON.stringify({error: 'no audio arrived', last, state: a.connectionState});
  } catch (e) {
    window.__call = JSON.stringify({error: e.name + ': ' + e.message});
  }
})();
"""


def test_the_suite_runs_with_the_apps_tuning() -> None:
    import os

    flags = shlex.split(os.environ["QTWEBENGINE_CHROMIUM_FLAGS"])
    assert all(flag in flags for flag in decide(True, this_machine()).flags)


def test_a_call_carries_the_microphone_to_the_other_side(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        result = json.loads(await settled(app, LOOPBACK_CALL, "window.__call", timeout=25.0))
        print(f"\nloopback call: {result}")
        assert "error" not in result, result
        assert result["packets"] >= 50 and result["energy"] > 0
        assert result["state"] == "connected"

    run_app(scenario)
