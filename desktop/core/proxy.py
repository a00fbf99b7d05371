"""The ``proxy`` setting, applied the same way to Qt WebEngine (the phone) and to the app's own HTTP (httpx).

``system`` leaves both to the OS: Chromium reads the desktop's proxy settings and the proxy variables, the app's
own requests the variables. ``none`` turns proxies off in both. ``http://host:port`` sends both through that
proxy. ``pac:URL`` gives Chromium the PAC script; httpx cannot run one, so the app's own few requests (the JWT
pre-check) keep to the proxy variables, and a line in the log says so. The app's own requests follow one
decision made from the setting and the variables: :mod:`desktop.services.proxy_decision`.

Chromium takes its proxy from command-line flags, read once when the web engine starts; so the setting needs
a restart, and a proxy flag the person put in ``QTWEBENGINE_CHROMIUM_FLAGS`` gives way to an explicit setting
(which IT may have locked).
"""

from __future__ import annotations

SYSTEM = "system"
#: Chromium's proxy flags: an explicit setting replaces whichever of them the environment's flags carry.
CHROMIUM_PROXY_FLAGS = ("--proxy-server", "--no-proxy-server", "--proxy-pac-url", "--proxy-auto-detect",
                        "--proxy-bypass-list")


def chromium_proxy_flags(setting: str) -> list[str]:
    """The Chromium flags for ``setting`` (already validated by the schema)."""
    if setting == SYSTEM:
        return []
    if setting == "none":
        return ["--no-proxy-server"]
    if setting.startswith("pac:"):
        return [f"--proxy-pac-url={setting[4:]}"]
    return [f"--proxy-server={setting}"]
