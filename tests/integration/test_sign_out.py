"""Signing out from the launcher's menu, and signing out and forgetting the environment's storage."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.fakes.platform import TOKEN_STORAGE_KEY
from tests.integration.harness import AppUnderTest, wait_until

pytestmark = pytest.mark.webengine
TOKEN_KEY = TOKEN_STORAGE_KEY.format(prefix="rc-widget")


async def sign_in(app: AppUnderTest) -> None:
    await app.click("#sign-in")
    await wait_until(app.signed_in, 20, "sign-in")
    assert app.window.account.sign_out_action.isEnabled()


async def page_value(app: AppUnderTest, start: str) -> object:
    """Run an async expression ``start`` that stores its result in window.__v, and return that result."""
    await app.js(f"window.__v = null; ({start}).then(v => {{ window.__v = JSON.stringify(v); }})")
    for _ in range(100):
        if await app.js("typeof window.__v === 'string'"):
            return json.loads(await app.js("window.__v"))
        await asyncio.sleep(0.05)
    raise AssertionError(f"{start} never settled")


def test_sign_out_goes_through_the_widget_and_revokes(run_app, platform, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        assert not app.window.account.sign_out_action.isEnabled()
        await sign_in(app)
        app.window.account.sign_out_action.trigger()
        await wait_until(lambda: not app.signed_in(), 20, "the widget to report signed out")
        assert len(platform.revocations) == 1 and platform.live_access_tokens() == []
        assert await app.js(f"localStorage.getItem({TOKEN_KEY!r}) === null")
        assert app.window.signed_in is False and not app.window.account.sign_out_action.isEnabled()

    run_app(scenario)


def test_sign_out_and_forget_clears_the_environment_storage(run_app, platform, browser) -> None:
    async def scenario(app: AppUnderTest) -> None:
        await sign_in(app)
        # What the widget keeps besides its token: flags in localStorage and per-user data in IndexedDB.
        await page_value(app, "new Promise(r => { const q = indexedDB.open('rc-widget-storage-101001');"
                              "q.onsuccess = () => { q.result.close(); r(true); }; })")
        assert "rc-widget-storage-101001" in json.dumps(await page_value(app, "indexedDB.databases()"))
        assert await app.js("localStorage.length") > 0
        await app.js("window.__beforeForget = true")
        app.window.account.forget_action.trigger()
        await wait_until(lambda: platform.revocations, 20, "the sign-out through the widget")
        for _ in range(200):  # the widget page is loaded anew
            if await app.js("typeof window.__beforeForget") == "undefined" and await app.js("!!window.__fakeWidget"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the widget was not reloaded")
        await wait_until(lambda: app.events("rc-login-status-notify")[-1].get("loggedIn") is False, 20)
        assert len(platform.revocations) == 1
        assert await app.js(f"localStorage.getItem({TOKEN_KEY!r}) === null")
        assert "rc-widget-storage-101001" not in json.dumps(await page_value(app, "indexedDB.databases()"))

    run_app(scenario)
