"""The settings schema: the single source for validation, ``--help``, ``config show`` and the docs.

Keys are flat and dotted. Global keys (``environment``, ``browser``, ...) and per-environment keys
``environments.<name>.<field>``. ``production`` and ``sandbox`` are built in (their app server is fixed);
any other name is a custom environment a person or IT defines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from desktop.core.hotkeys import convert as _hotkey
from desktop.core.records import record
from desktop.core.urls import check_app_server, check_widget_url

PRODUCTION_SERVER = "https://platform.ringcentral.com"
SANDBOX_SERVER = "https://platform.devtest.ringcentral.com"
DEFAULT_WIDGET_URL = "https://apps.ringcentral.com/integration/ringcentral-embeddable/latest/app.html"
#: Fixed so it can be registered in the developer console; RingCentral matches redirect URIs exactly.
DEFAULT_REDIRECT_PORT = 47612
BUILT_IN_SERVERS = {"production": PRODUCTION_SERVER, "sandbox": SANDBOX_SERVER}
AUTH_MODES = ("pkce", "jwt", "authorization_code")
ENV_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._~-]{1,200}$")
#: Said of every hotkey setting (each is its own policy in the ADMX, read on its own).
_RESERVED = "; one the desktop or terminals keep (Ctrl+Shift+C, Ctrl+Alt+Delete, Alt+Tab, Print, F1...) is refused"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def _client_id(value: Any) -> str:
    text = _text(value)
    if not _CLIENT_ID.match(text):
        raise ValueError(f"{text!r} is not a client id (letters, digits, '-', '_', '.', '~')")
    return text


def _port(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a port number, got true/false")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValueError(f"{value!r} is not a port number (1-65535)")
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
        return value.lower() in ("true", "1", "yes", "on")
    raise ValueError(f"{value!r} is not true or false")


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        text = _text(value)
        if text == "password":
            raise ValueError("the password grant is not offered: public apps cannot use it, and RFC 9700 "
                             "(OAuth security BCP) says it must not be used; use pkce, or jwt for a service user")
        if text not in choices:
            raise ValueError(f"{text!r} is not one of {', '.join(choices)}")
        return text
    return convert


def _proxy(value: Any) -> str:
    """``system``, ``none``, ``http(s)://host:port`` or ``pac:URL`` (a PAC script)."""
    text = _text(value).strip()
    if text in ("system", "none"):
        return text
    if text.startswith("pac:"):
        pac = urlsplit(text[4:])
        if pac.scheme not in ("http", "https", "file") or not (pac.netloc or pac.scheme == "file"):
            raise ValueError(f"{text!r}: after pac: comes the URL of the PAC script (http, https or file)")
        return text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{text!r} is not a proxy: use system, none, http://host:port or pac:URL")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or parts.path not in ("", "/") or parts.query or parts.username or parts.password:
        raise ValueError(f"{text!r}: a proxy is scheme://host:port, with the port and nothing else (no user or "
                         "password: the system's proxy settings keep those)")
    return f"{parts.scheme}://{parts.hostname}:{port}"


def _env_name(value: Any) -> str:
    text = _text(value)
    if not ENV_NAME.match(text):
        raise ValueError(f"{text!r} is not an environment name (lower-case letters, digits, '-', '_')")
    return text


def _command(value: Any) -> str:
    text = _text(value).strip()
    if not text:
        raise ValueError("the command is empty")
    return text


def _server(value: Any) -> str:
    return check_app_server(_text(value), "value").url


def _widget(value: Any) -> str:
    return check_widget_url(_text(value), "value").url


@record
class Setting:
    """One setting. ``convert`` validates a value from any layer and returns it normalised."""

    field: str
    kind: str  # for help and docs: "text", "url", "port", "true/false", "one of ..."
    default: Any
    description: str
    convert: Callable[[Any], Any]
    restart_required: bool = False
    per_environment: bool = False


GLOBAL_SETTINGS: dict[str, Setting] = {s.field: s for s in (
    Setting("environment", "environment name", "production", "the environment the app starts in", _env_name),
    Setting("browser", "command", None, "command that opens sign-in pages and links; the URL is added as last "
            "argument (default: the system browser)", _command),
    Setting("allow_environment_switching", "true/false", True, "whether people may switch environments "
            "(menu and --env); IT sets this to false to pin one", _flag),
    Setting("allow_custom_environments", "true/false", True, "whether ad-hoc and user-defined custom "
            "environments may be used", _flag, restart_required=True),
    # The agent's desktop: how the window behaves all day (docs: README "Everyday use").
    Setting("close_to_tray", "true/false", True, "closing the window keeps the phone running in the tray "
            "(where the desktop has one); Quit ends it", _flag),
    Setting("start_minimized", "true/false", False, "start hidden in the tray (minimized where there is no "
            "tray); also --minimized", _flag, restart_required=True),
    Setting("always_on_top", "true/false", False, "keep the phone window above other windows", _flag),
    Setting("autostart", "true/false", False, "start the phone when you log in to the computer", _flag),
    Setting("raise_on_ring", "true/false", True, "bring the window to the front when a call rings", _flag),
    Setting("notifications", "true/false", True, "desktop notifications for incoming calls and messages", _flag),
    Setting("devtools", "true/false", False, "allow the developer tools (F12); also --devtools", _flag),
    Setting("performance_tuning", "true/false", True, "shed what the phone does not need, decided for each "
            "computer at start (the page's garbage collected when the phone is ready and while hidden; on Linux "
            "one Chromium zygote instead of two; no GL where there is no GPU; what importing PySide6 compiles kept "
            "for the next start: in the person's cache folder for a pip install, while the installed packages "
            "carry it in their installation); false runs Chromium, Qt and PySide6 as they are, in "
            "case a graphics driver misbehaves or only code an administrator installed may run", _flag,
            restart_required=True),
    Setting("allow_no_sandbox", "true/false", False, "run the phone without Chromium's sandbox where this "
            "computer does not let it start (Ubuntu 23.10 and later without the app's AppArmor profile, user "
            "namespaces turned off); false stops with a line that names the fix instead. Without the sandbox a web "
            "page that breaks into its renderer runs with the person's rights", _flag, restart_required=True),
    Setting("proxy", "proxy", "system", "the proxy for the phone and the app's own requests: system (the OS "
            "settings and proxy variables), none, http://host:port or pac:URL (a PAC script)", _proxy,
            restart_required=True),
    # Global hotkeys (docs: README "Global hotkeys"; desktop.core.hotkeys): off unless a person or IT sets them.
    Setting("hotkey_answer", "hotkey", "off", "a key combination, e.g. Ctrl+Alt+A, that answers a ringing call "
            f"or hangs up the active one from any program; off turns it off{_RESERVED}", _hotkey,
            restart_required=True),
    Setting("hotkey_mute", "hotkey", "off", "a key combination, e.g. Ctrl+Alt+M, that mutes or unmutes the "
            f"active call from any program; off turns it off{_RESERVED}", _hotkey, restart_required=True),
    Setting("hotkey_show", "hotkey", "off", "a key combination, e.g. Ctrl+Alt+P, that shows the phone window "
            f"or hides it; off turns it off{_RESERVED}", _hotkey, restart_required=True),
    Setting("hotkey_dial", "hotkey", "off", "a key combination, e.g. Ctrl+Alt+C, that calls the selected "
            f"phone number or tel: link (else the one on the clipboard); off turns it off{_RESERVED}", _hotkey,
            restart_required=True),
)}

ENVIRONMENT_SETTINGS: dict[str, Setting] = {s.field: s for s in (
    Setting("app_server", "https URL", None, "platform URL (fixed for production and sandbox)", _server,
            restart_required=True, per_environment=True),
    Setting("client_id", "text", None, "your app's client id from the RingCentral developer console "
            "(sandbox and production ids differ)", _client_id, restart_required=True, per_environment=True),
    Setting("widget_url", "https URL", DEFAULT_WIDGET_URL, "URL of the widget's app.html", _widget,
            restart_required=True, per_environment=True),
    Setting("redirect_port", "port", DEFAULT_REDIRECT_PORT, "port of the sign-in listener on 127.0.0.1; "
            "register http://127.0.0.1:<port>/oauth/callback for the client id", _port,
            restart_required=True, per_environment=True),
    Setting("auth_mode", f"one of {', '.join(AUTH_MODES)}", "pkce", "how to sign in: pkce (browser), jwt "
            "(service user, secrets in the keychain), authorization_code (deprecated, debugging only)",
            _choice(AUTH_MODES), restart_required=True, per_environment=True),
)}


def env_key(env: str, field: str) -> str:
    return f"environments.{env}.{field}"


def environment_names(keys: Iterable[str]) -> list[str]:
    """The environments: the built-in ones first, then each one ``keys`` (dotted settings keys) names, in
    first-seen order. The one definition the menus, ``config show``, ``secrets`` and the variable layer use."""
    names = list(BUILT_IN_SERVERS)
    for key in keys:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "environments" and parts[1] not in names:
            names.append(parts[1])
    return names


def lookup(key: str) -> Setting:
    """The schema entry for ``key``.

    Raises:
        KeyError: with a message that says what is wrong and suggests the closest key.
    """
    if key in GLOBAL_SETTINGS:
        return GLOBAL_SETTINGS[key]
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "environments" and parts[2] in ENVIRONMENT_SETTINGS:
        if not ENV_NAME.match(parts[1]):
            raise KeyError(f"{parts[1]!r} in {key!r} is not an environment name (lower-case letters, digits, "
                           "'-', '_')")
        return ENVIRONMENT_SETTINGS[parts[2]]
    raise KeyError(f"unknown setting {key!r}{did_you_mean(key)}")


def did_you_mean(key: str) -> str:
    import difflib  # only needed when a key is wrong
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "environments":
        fields = difflib.get_close_matches(parts[2], list(ENVIRONMENT_SETTINGS), n=1)
        return f"; did you mean {env_key(parts[1], fields[0])!r}?" if fields else ""
    candidates = [*GLOBAL_SETTINGS, *(env_key("<name>", f) for f in ENVIRONMENT_SETTINGS)]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
