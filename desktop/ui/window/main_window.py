"""The main window: the widget view, the notice bar, and the wiring between page, bridge and login."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from desktop import APP_NAME, __version__
from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution
from desktop.core.widget_status import WidgetStatus
from desktop.core.widget_url import build_widget_url
from desktop.services.app_state import AppState
from desktop.ui.menus.account import AccountMenu
from desktop.ui.menus.desk_menu import DeskMenu
from desktop.ui.menus.environment_menu import EnvironmentMenu
from desktop.ui.menus.help_menu import HelpMenu
from desktop.ui.phone.bridge import PageBridge
from desktop.ui.phone.calls import CallMonitor
from desktop.ui.phone.dialing import DialQueue
from desktop.ui.phone.links import LinkRouter
from desktop.ui.phone.page_memory import PageMemory
from desktop.ui.phone.phone import Phone
from desktop.ui.phone.widget_events import WidgetEvents
from desktop.ui.phone.widget_page import WidgetPage
from desktop.ui.signin.browser_sign_in import BrowserSignIn
from desktop.ui.signin.sign_in_bar import SignInBar
from desktop.ui.system.first_loop import Hold, never_held
from desktop.ui.system.notifier import Notifier
from desktop.ui.window.errors import ErrorPresenter, NoticeBar
from desktop.ui.window.offline import OfflineScreen
from desktop.ui.window.placement import WindowPlacement
from desktop.ui.window.recovery import CrashRecovery
from desktop.ui.window.screens import DEMO_CLIENT_NOTICE, EnvironmentStrip, MissingSettingsScreen

if TYPE_CHECKING:
    import asyncio

    from desktop.services.login import LoginFlow
    from desktop.ui.signin.service_user import ServiceUserSignIn
    from desktop.ui.system.tray import AppTray

log = logging.getLogger("desktop.ui")

class MainWindow(QMainWindow):
    #: The person (or the OS) asked to quit; the app stops its loop and shuts down in order.
    quit_requested = Signal()
    #: The person chose another environment (already confirmed if a call was active).
    switch_requested = Signal(str)
    #: Sign-in, call state or visibility changed (the tray shows them).
    state_changed = Signal()
    _shut_down = False
    _on_top = False  # a new window is not kept on top

    def __init__(self, options: LaunchOptions, profile: QWebEngineProfile, *, log_path: str,
                 resolution: Resolution | None = None, notices: Sequence[str] = (),
                 extra_ca_file: Path | None = None, settings_path: Path | None = None,
                 tray: AppTray | None = None, notifier: Notifier | None = None, hold: Hold = never_held) -> None:
        super().__init__()
        self._hold = hold  # start-up's first loop keeps tasks until asyncio runs (first_loop.py)
        self.tray = tray
        self._own_notifier = notifier is None  # the app's is shared by its windows and closed by the app
        self.notifier = notifier or Notifier(tray, enabled=lambda: self.options.desktop.notifications)
        if self._own_notifier:  # the app connects its shared one to whichever window is current
            self.notifier.activated.connect(self.bring_to_front)
        self.options = options
        self.resolution = resolution
        self.extra_ca_file = extra_ca_file  # trusted by the profile; diagnose checks TLS with the same CAs
        self._notices = list(notices)
        #: What the widget said about itself; the one copy (tray, dial queue and service user read it).
        self.status = WidgetStatus()
        self._tasks: set[asyncio.Task[None]] = set()

        # The app's name comes last: Qt appends the display name to a title on X11 and Windows unless the
        # title already ends with it ("custom — Embeddable Desktop", not "... — custom — Embeddable Desktop").
        title = APP_NAME if options.env_name == "production" else f"{options.env_name} — {APP_NAME}"
        self.setWindowTitle(title)
        self.placement = WindowPlacement(self, options.data_dir / "window.json")
        self.sign_in = BrowserSignIn(self)
        self._build_layout(options, resolution)
        self.errors = ErrorPresenter(self.notice_bar, log_path)

        # Keep our own reference: in PySide6 6.12, calling page.profile() hands the profile's ownership to the
        # page, and deleting the page (an environment switch) then deletes the profile other windows share.
        self.profile = profile
        self.links = LinkRouter(self, self)
        self.recovery: CrashRecovery = CrashRecovery(self)
        self.page = WidgetPage(profile, options, self.view, open_in_app=self.links.open_login_popup,
                               reload_blocked=self.recovery.reload_blocker)
        self.view.setPage(self.page)
        self.view.setZoomFactor(self.placement.zoom())
        self.bridge = PageBridge(self.page)
        self.events = WidgetEvents(self)
        self.bridge.message_received.connect(self.events.on_message)
        self.page.popup_requested.connect(self.links.route)
        self.page.loadingChanged.connect(self.offline.loading_changed)
        self.offline.page_lost.connect(self.recovery.page_lost)
        self.page.renderProcessTerminated.connect(self.recovery.terminated)
        self.page.renderProcessTerminated.connect(self.events.page_replaced)
        self.page.loadStarted.connect(self.events.page_replaced)
        self.page.navigation_refused.connect(self.recovery.show_refusal)

        self.login: LoginFlow | None = None
        self.calls = CallMonitor(self, self)
        #: Every action on the phone goes through this (the bridge is its own business).
        self.phone = Phone(self.bridge, self.calls.book, self.status, self)
        #: Collects the page's garbage when the phone is idle; only with the tuning, which exposes V8's collector.
        self.page_memory = PageMemory(self.bridge, self.status, self.calls.book, lambda: not self.isVisible(),
                                      changed=self.state_changed, parent=self) if options.performance_tuning else None
        self._build_menus(resolution, settings_path)
        self.set_always_on_top(options.desktop.always_on_top)
        self.dialing = DialQueue(self, self.status)
        #: Asks the person a yes/no question; replaced in tests (a modal dialog cannot be clicked offscreen).
        self.confirm: Callable[[str, str], bool] = self._confirm_dialog
        self.closing_for_switch = False
        self.service_user: ServiceUserSignIn | None = None
        if options.auth_mode != "pkce":
            # Imported only here: httpx and keyring stay off the start-up path of the usual PKCE mode.
            from desktop.ui.signin.service_user import ServiceUserSignIn

            state = AppState(options.data_dir / "state.json")
            self.service_user = ServiceUserSignIn(self, state, extra_ca_file)

    def _build_layout(self, options: LaunchOptions, resolution: Resolution | None) -> None:
        """Environment strip, notice bar, then the phone (or the offline or missing-settings screen)."""
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.environment_strip = EnvironmentStrip(options.env_name, options.app_server, central)
        self.notice_bar = NoticeBar(central)
        self.sign_in_bar = SignInBar(central, open_again=self.sign_in.open_again, cancel=self.sign_in.cancel)
        self.stack = QStackedWidget(central)
        self.view: QWebEngineView = QWebEngineView(self.stack)
        self.stack.addWidget(self.view)
        self.offline: OfflineScreen = OfflineScreen(self.reload_widget, self.stack, self.view)
        layout.addWidget(self.environment_strip)
        layout.addWidget(self.notice_bar)
        layout.addWidget(self.sign_in_bar)
        layout.addWidget(self.stack, 1)
        self.missing_settings = resolution.missing_required() if resolution else []
        if self.missing_settings and resolution is not None:
            self.stack.hide()
            layout.addWidget(MissingSettingsScreen(self.missing_settings, resolution.policy.source, central), 1)
        self.setCentralWidget(central)

    def _build_menus(self, resolution: Resolution | None, settings_path: Path | None) -> None:
        self.desk = DeskMenu(self, resolution, settings_path)
        self.account = AccountMenu(self)
        if resolution is not None:
            self.environment_menu = EnvironmentMenu(self, resolution)
            if settings_path is not None:
                settings = self.menuBar().addAction("&Settings…")
                settings.triggered.connect(lambda: self.desk.open_settings(resolution, settings_path))
        self.help = HelpMenu(self, settings_path)

    def start_login_service(self) -> None:
        self.sign_in.start_service()

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

    @property
    def signed_in(self) -> bool | None:
        """Read from :attr:`status`, the one copy."""
        return self.status.signed_in

    def login_pending(self) -> bool:
        return self.login is not None and self.login.pending

    @property
    def active_calls(self) -> set[str]:
        return self.calls.book.ids

    def set_always_on_top(self, on: bool) -> None:
        if on == self._on_top:  # kept, not read back: windowFlags() builds PySide6's Qt namespace (screens.py)
            return
        from PySide6.QtCore import Qt

        self._on_top, visible = on, self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if visible:  # changing window flags hides the window
            self.show()

    def request_switch(self, env: str) -> None:
        self.environment_menu.request(env)

    def _confirm_dialog(self, title: str, text: str) -> bool:
        from PySide6.QtWidgets import QMessageBox  # here: making its Qt type (and enums) is start-up time

        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def after_sign_out(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the widget reports that it signed out."""
        self.events.after_sign_out.append(callback)

    def start_login(self, url: object) -> None:
        self.sign_in.begin(url)

    # --- helpers ----------------------------------------------------------------------------------
    def bring_to_front(self) -> None:
        log.info("window brought to the front")
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def spawn(self, coro: Any) -> None:
        """Run ``coro`` on the asyncio loop; its errors reach the excepthook and the notice bar."""
        if self._hold(coro, self.spawn):  # start-up: asyncio starts now, and runs it (first_loop.py)
            return
        import asyncio

        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def shutdown(self) -> None:
        """Stop everything this window started; the app then deletes the page before the profile."""
        import asyncio

        if self._shut_down:
            return  # a quit while an environment switch closes this window: once is enough
        self._shut_down = True
        self.offline.stop()
        if self.page_memory is not None:
            self.page_memory.stop()
        self.bridge.message_received.disconnect(self.events.on_message)  # a closing phone rings no more
        for task in self._tasks - {asyncio.current_task()}:  # (a switch runs in one of them)
            task.cancel()
        if self.login is not None:
            await self.login.aclose()
        self.links.close_popups()
        self.desk.close()
        if self._own_notifier:
            await self.notifier.aclose()
        if self.isVisible():
            self.placement.save(self.view.zoomFactor())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.closing_for_switch:
            event.accept()
            return
        if self.tray is not None and self.tray.available and self.options.desktop.close_to_tray:
            # The phone must keep ringing: hide to the tray instead of quitting.
            event.ignore()
            self.hide()
            self.tray.first_close_notice(self)
            return
        # No tray (or closing to it is off): closing quits, through the event loop so storage is saved.
        event.accept()
        self.quit_requested.emit()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        if not event.spontaneous():  # hidden by us (to the tray), not minimised by the window manager
            self.placement.save(self.view.zoomFactor())
        self.state_changed.emit()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.state_changed.emit()
        super().showEvent(event)
