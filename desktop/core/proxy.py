"""The ``proxy`` setting, applied the same way to Qt WebEngine (the phone) and to the app's own HTTP (httpx).

``system`` leaves both to the OS: Chromium reads the desktop's proxy settings and the proxy variables, httpx the
variables. ``none`` turns proxies off in both. ``http://host:port`` sends both through that proxy. ``pac:URL``
gives Chromium the PAC script; httpx cannot run one, so the app's own few requests (the JWT pre-check) keep to
the proxy variables, and a line in the log says so.

Chromium takes its proxy from command-line flags, read once when the web engine starts; so the setting needs
a restart, and a proxy flag the person put in ``QTWEBENGINE_CHROMIUM_FLAGS`` gives way to an explicit setting
(which IT may have locked).
"""

from __future__ import annotations

from typing import Any

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


def httpx_proxy_options(setting: str) -> dict[str, Any]:
    """Keyword arguments for ``httpx.AsyncClient`` that follow ``setting`` (TLS trust is passed separately)."""
    if setting == "none":
        return {"trust_env": False}
    if setting == SYSTEM or setting.startswith("pac:"):
        return {}  # the proxy variables, as httpx reads them by default
    return {"proxy": setting, "trust_env": False}


def proxy_environment(setting: str) -> dict[str, str] | None:
    """The proxy variables a probe should choose from, as if ``setting`` were the environment (None: the real
    environment). Used by ``diagnose`` so its report goes the way the app's requests go."""
    if setting == "none":
        return {}
    if setting == SYSTEM or setting.startswith("pac:"):
        return None
    return {"HTTPS_PROXY": setting, "HTTP_PROXY": setting}
