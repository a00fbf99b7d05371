"""A phone must ring when nobody has clicked yet, and keep its timers running while the window is hidden."""

from __future__ import annotations

import asyncio

import pytest

from tests.integration.harness import AppUnderTest

pytestmark = pytest.mark.webengine


# A 0.1 s silent WAV (8 kHz, 8-bit mono), built in the page, played with no click before it.
PLAY_WITHOUT_A_CLICK = """
(() => {
  const n = 800, bytes = new Uint8Array(44 + n);
  const text = (o, s) => [...s].forEach((c, i) => { bytes[o + i] = c.charCodeAt(0); });
  const view = new DataView(bytes.buffer);
  text(0, 'RIFF'); view.setUint32(4, 36 + n, true); text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true); view.setUint32(28, 8000, true); view.setUint16(32, 1, true);
  view.setUint16(34, 8, true); text(36, 'data'); view.setUint32(40, n, true); bytes.fill(128, 44);
  const audio = new Audio(URL.createObjectURL(new Blob([bytes], {type: 'audio/wav'})));
  window.__played = null;
  audio.play().then(() => { window.__played = 'played'; }, e => { window.__played = e.name; });
})()
"""


def test_sound_may_start_without_a_click(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        assert await app.js("navigator.userActivation.hasBeenActive") is False  # nobody clicked
        await app.js(PLAY_WITHOUT_A_CLICK)
        for _ in range(100):
            result = await app.js("window.__played")
            if result:
                break
            await asyncio.sleep(0.05)
        # Chromium's default policy answers NotAllowedError here: a ringtone would stay silent.
        assert result == "played"

    run_app(scenario)


def test_timers_keep_running_while_the_window_is_hidden(run_app) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await app.js("window.__ticks = 0; setInterval(() => { window.__ticks += 1; }, 100)")
        app.window.hide()
        await asyncio.sleep(0.3)
        start = await app.js("window.__ticks")
        await asyncio.sleep(3.0)
        hidden_state = await app.js("document.visibilityState")
        ticks = await app.js("window.__ticks") - start
        app.window.show()
        print(f"\n{ticks} timer ticks of 100 ms in 3 s while the window was hidden ({hidden_state})")
        assert hidden_state == "hidden"  # the page really was in the background
        assert ticks >= 20  # a throttled background page gets about 3 (once a second)

    run_app(scenario)
