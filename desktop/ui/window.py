"""The main window: the widget view, the notice bar, and the wiring between page, bridge and login."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWebEngineCore import QWebEngineLoadingInfo, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMainWindow, QMessageBox, QVBoxLayout, QWidget

from desktop import APP_NAME, __version__
from desktop.core.errors import LauncherError, PopupRefused, WidgetLoadFailed
from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution
from desktop.core.widget_url import build_widget_url
from desktop.services.app_state import AppState
from desktop.ui.account import AccountMenu
from desktop.ui.bridge import PageBridge
from desktop.ui.dialing import DialQueue
from desktop.ui.environment_menu import EnvironmentMenu
from desktop.ui.errors import ErrorPresenter, NoticeBar
from desktop.ui.links import LinkRouter
from desktop.ui.recovery import CrashRecovery
from desktop.ui.screens import EnvironmentStrip, MissingSettingsScreen
from desktop.ui.widget_page import WidgetPage

if TYPE_CHECKING:
    import asyncio

    from desktop.services.login import LoginFlow
    from desktop.ui.service_user import ServiceUserSignIn
    from desktop.ui.settings_dialog import SettingsDialog

log = logging.getLogger("desktop.ui")
#: The widget's call events that start a call (ringing included) and that end one.
CALL_STARTED = frozenset({"rc-call-ring-notify", "rc-call-init-notify", "rc-call-start-notify"})
CALL_ENDED = "rc-call-end-notify"

DEMO_CLIENT_NOTICE = (
    "No client id is configured, so the widget's demo client signs you in inside this window. "
    "Single sign-on may fail there; register your own app and start with --client-id for sign-in "
    "through your browser."
)


class MainWindow(QMainWindow):
    #: The person (or the OS) asked to quit; the app stops its loop and shuts down in order.
    quit_requested = Signal()
    #: The person chose another environment (already confirmed if a call was active).
    switch_requested = Signal(str)

    def __init__(self, options: LaunchOptions, profile: QWebEngineProfile, *, log_path: str,
                 resolution: Resolution | None = None, notices: Sequence[str] = (),
                 extra_ca_file: Path | None = None, settings_path: Path | None = None) -> None:
        super().__init__()
        self.options = options
        self.resolution = resolution
        self._notices = list(notices)
        self.signed_in: bool | None = None
        self._tasks: set[asyncio.Task[None]] = set()

        title = APP_NAME if options.env_name == "production" else f"{APP_NAME} — {options.env_name}"
        self.setWindowTitle(title)
        self.resize(380, 640)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.environment_strip = EnvironmentStrip(options.env_name, options.app_server, central)
        self.notice_bar = NoticeBar(central)
        self.view = QWebEngineView(central)
        layout.addWidget(self.environment_strip)
        layout.addWidget(self.notice_bar)
        layout.addWidget(self.view, 1)
        self.missing_settings = resolution.missing_required() if resolution else []
        if self.missing_settings and resolution is not None:
            self.view.hide()
            layout.addWidget(MissingSettingsScreen(self.missing_settings, resolution.policy.source, central), 1)
        self.setCentralWidget(central)
        self.errors = ErrorPresenter(self.notice_bar, log_path)

        # Keep our own reference: in PySide6 6.12, calling page.profile() hands the profile's ownership to the
        # page, and deleting the page (an environment switch) then deletes the profile other windows share.
        self.profile = profile
        self.links = LinkRouter(self)
        self.page = WidgetPage(profile, options, self.view, open_in_app=self.links.open_login_popup,
                               reload_blocked=self.login_pending)
        self.view.setPage(self.page)
        self.bridge = PageBridge(self.page)
        self.bridge.message_received.connect(self._on_widget_message)
        self.page.popup_requested.connect(self.links.route)
        self.page.loadingChanged.connect(self._on_loading_changed)

        self.login: LoginFlow | None = None
        self._after_sign_out: list[Callable[[], None]] = []
        self._build_menus(resolution, settings_path)
        self.active_calls: set[str] = set()
        self.dialing = DialQueue(self)
        self.recovery = CrashRecovery(self)
        #: Asks the person a yes/no question; replaced in tests (a modal dialog cannot be clicked offscreen).
        self.confirm: Callable[[str, str], bool] = self._confirm_dialog
        self.closing_for_switch = False
        self.service_user: ServiceUserSignIn | None = None
        if options.auth_mode != "pkce":
            # Imported only here: httpx and keyring stay off the start-up path of the usual PKCE mode.
            from desktop.ui.service_user import ServiceUserSignIn

            state = AppState(options.data_dir / "state.json")
            self.service_user = ServiceUserSignIn(self, state, extra_ca_file)

    def _build_menus(self, resolution: Resolution | None, settings_path: Path | None) -> None:
        self.account = AccountMenu(self)
        if resolution is not None:
            self.environment_menu = EnvironmentMenu(self, resolution)
            if settings_path is not None:
                settings = self.menuBar().addAction("&Settings…")
                settings.triggered.connect(lambda: self.open_settings(resolution, settings_path))

    def start_login_service(self) -> None:
        """Set up the system-browser sign-in; called right after the widget load has started.

        Imported here so asyncio and the listener stay off the start-up path before the first load().
        """
        from desktop.services.login import LoginFlow

        if self.options.uses_loopback_login and self.options.client_id is not None and self.login is None:
            self.login = LoginFlow(
                app_server=self.options.app_server,
                client_id=self.options.client_id,
                redirect_uri=self.options.redirect_uri,
                port=self.options.redirect_port,
                open_browser=self.links.open_in_browser,
                observer=self,
            )
            try:
                self.login.listener.check_port()
            except LauncherError as exc:
                self.errors.show_error(exc)

    def start(self) -> None:
        """Load the phone: at once with PKCE, after reading and checking the secrets in the other modes."""
        if self.service_user is None:
            self.load_widget()
        elif not self.missing_settings:
            self.spawn(self.service_user.start())

    def reload_widget(self) -> None:
        """Load the widget again the way it was first loaded (the secret modes re-read their secrets)."""
        if self.service_user is not None:
            self.spawn(self.service_user.start())
        else:
            self.load_widget()

    def load_widget(self, *, client_secret: str | None = None, jwt: str | None = None) -> None:
        if self.missing_settings:
            log.warning("not loading the phone: required settings missing: %s", ", ".join(self.missing_settings))
            return
        url = build_widget_url(self.options, __version__, client_secret=client_secret, jwt=jwt)
        log.info("loading the widget from %s", self.options.widget_url)
        self.page.load(QUrl(url))

    def show_startup_notices(self) -> None:
        self.dialing.add(self.options.dial)
        for warning in [*self.options.warnings, *self._notices]:
            self.errors.show_notice(warning, "warning")
        if self.options.client_id is None:
            self.errors.show_notice(DEMO_CLIENT_NOTICE, "warning")

    def login_pending(self) -> bool:
        return self.login is not None and self.login.pending

    # --- events from the widget -------------------------------------------------------------------
    def _on_widget_message(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "rc-login-popup-notify":
            self.start_login(message.get("oAuthUri"))
        elif kind == "rc-dialer-status-notify":
            self.dialing.dialer_status(bool(message.get("ready")))
        elif kind in CALL_STARTED or kind == CALL_ENDED:
            self._track_call(kind, message.get("call"))
        elif kind == "rc-login-status-notify":
            self.signed_in = bool(message.get("loggedIn"))
            log.info("widget login status: %s", "signed in" if self.signed_in else "signed out")
            self.account.update(signed_in=self.signed_in)
            if self.service_user is not None:
                self.service_user.login_status(self.signed_in)
            self.dialing.login_status(self.signed_in)
            if not self.signed_in:
                waiting, self._after_sign_out = self._after_sign_out, []
                for callback in waiting:
                    callback()

    def open_settings(self, resolution: Resolution, settings_path: Path) -> SettingsDialog:
        from desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(resolution, settings_path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _track_call(self, kind: str, call: object) -> None:
        call_id = str(call.get("id") or call.get("callId")) if isinstance(call, dict) else "unknown"
        if kind == CALL_ENDED:
            self.active_calls.discard(call_id)
        else:
            self.active_calls.add(call_id)

    def request_switch(self, env: str) -> None:
        """Switch to ``env``, asking first while a call is active."""
        if env == self.options.env_name:
            return
        if self.resolution is not None and self.resolution.is_locked("environment"):
            log.warning("switch to %s refused: IT policy pins the environment", env)
            return
        if self.active_calls and not self.confirm(
            "Switch environment during a call?",
            f"A call is active. Switching to {env} ends it. Switch anyway?",
        ):
            self.environment_menu.actions[self.options.env_name].setChecked(True)
            return
        self.switch_requested.emit(env)

    def _confirm_dialog(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def after_sign_out(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the widget reports that it signed out."""
        self._after_sign_out.append(callback)

    def start_login(self, url: object) -> None:
        if self.login is None:
            log.warning("ignored rc-login-popup-notify: no client id, the widget uses its own popup")
            return
        if not isinstance(url, str):
            self.errors.show_error(PopupRefused("The widget asked to sign in without a sign-in address."))
            return
        self.spawn(self.login.begin(url))

    def _on_loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            log.info("widget page loaded")
        elif status == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            # Never leave a blank window without a word: say what failed and where.
            where = info.url().toString().split("?", 1)[0]  # the query carries the client id
            self.errors.show_error(WidgetLoadFailed(
                f"{where} did not load ({info.errorString() or info.errorDomain().name}).",
                help_hint="Check the network connection (and --widget-url), then restart the app.",
            ))

    # --- LoginObserver ----------------------------------------------------------------------------
    def deliver_callback(self, callback_uri: str) -> None:
        started = time.perf_counter()
        self.bridge.post({"type": "rc-adapter-authorization-code", "callbackUri": callback_uri})
        log.info("sign-in callback handed to the widget in %.1f ms", (time.perf_counter() - started) * 1000)
        self.bring_to_front()

    def login_failed(self, error: LauncherError) -> None:
        self.errors.show_error(error)

    # --- helpers ----------------------------------------------------------------------------------
    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def spawn(self, coro: Any) -> None:
        """Run ``coro`` on the asyncio loop; its errors reach the excepthook and the notice bar."""
        import asyncio

        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def shutdown(self) -> None:
        """Close the listener and any login window; the app then deletes the page before the profile."""
        if self.login is not None:
            await self.login.aclose()
        self.links.close_popups()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # No tray yet: closing the window quits the app (through the event loop, so storage is saved).
        event.accept()
        if not self.closing_for_switch:
            self.quit_requested.emit()
