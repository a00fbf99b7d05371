"""One environment's phone in its window: the widget's page, bridge and events, calls, dialing, sign-in and
recovery, wired to each other and to the window's layout (:class:`MainWindow`).

Every part names what it uses of the window as a protocol of its own (``phone/shell.py`` and beside each part);
this class provides them. The menus are added by :mod:`desktop.ui.window.assembly`, which the controller uses
to open a window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEngineProfile

from desktop import __version__
from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution
from desktop.core.widget_status import WidgetStatus
from desktop.core.widget_url import build_widget_url
from desktop.ui.phone.bridge import PageBridge
from desktop.ui.phone.calls import CallMonitor
from desktop.ui.phone.dialing import DialQueue
from desktop.ui.phone.links import LinkRouter
from desktop.ui.phone.page_memory import PageMemory
from desktop.ui.phone.phone import Phone
from desktop.ui.phone.widget_events import WidgetEvents
from desktop.ui.phone.widget_page import WidgetPage
from desktop.ui.signin.browser_sign_in import BrowserSignIn
from desktop.ui.system.first_loop import Hold, never_held
from desktop.ui.system.notifier import Notifier
from desktop.ui.window.errors import ErrorPresenter
from desktop.ui.window.main_window import MainWindow
from desktop.ui.window.recovery import CrashRecovery
from desktop.ui.window.screens import DEMO_CLIENT_NOTICE

if TYPE_CHECKING:
    import asyncio

    from desktop.services.login import LoginFlow
    from desktop.ui.menus.account import AccountMenu
    from desktop.ui.menus.desk_menu import DeskMenu
    from desktop.ui.menus.environment_menu import EnvironmentMenu
    from desktop.ui.menus.help_menu import HelpMenu
    from desktop.ui.signin.service_user import ServiceUserSignIn
    from desktop.ui.system.tray import AppTray

log = logging.getLogger("desktop.ui")


class PhoneWindow(MainWindow):
    notifier: Notifier
    _shut_down = False
    # Added by desktop.ui.window.assembly once the window exists.
    desk: DeskMenu
    account: AccountMenu
    environment_menu: EnvironmentMenu
    help: HelpMenu

    def __init__(self, options: LaunchOptions, profile: QWebEngineProfile, *, log_path: str,
                 resolution: Resolution | None = None, notices: Sequence[str] = (),
                 extra_ca_file: Path | None = None, tray: AppTray | None = None, notifier: Notifier | None = None,
                 hold: Hold = never_held) -> None:
        self._own_notifier = notifier is None  # the app's is shared by its windows and closed by the app
        super().__init__(options, resolution, tray=tray,
                         notifier=notifier or Notifier(tray, enabled=lambda: self.options.desktop.notifications))
        if self._own_notifier:  # the app connects its shared one to whichever window is current
            self.notifier.activated.connect(self.bring_to_front)
        self._hold = hold  # start-up's first loop keeps tasks until asyncio runs (first_loop.py)
        self.resolution = resolution
        self.extra_ca_file = extra_ca_file  # trusted by the profile; diagnose checks TLS with the same CAs
        self._notices = list(notices)
        #: What the widget said about itself; the one copy (tray, dial queue and service user read it).
        self.status = WidgetStatus()
        self._tasks: set[asyncio.Task[None]] = set()
        self.errors = ErrorPresenter(self.notice_bar, log_path)
        self.sign_in = BrowserSignIn(self)
        self.sign_in_reopen_requested.connect(self.sign_in.open_again)
        self.sign_in_cancel_requested.connect(self.sign_in.cancel)
        self.retry_requested.connect(self.reload_widget)

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
        self.set_always_on_top(options.desktop.always_on_top)
        self.dialing = DialQueue(self, self.status)
        #: Set by the assembly in the secret modes (JWT, authorization code), after the Account menu exists.
        self.service_user: ServiceUserSignIn | None = None

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

    def request_switch(self, env: str) -> None:
        self.environment_menu.request(env)

    def after_sign_out(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the widget reports that it signed out."""
        self.events.after_sign_out.append(callback)

    def start_login(self, url: object) -> None:
        self.sign_in.begin(url)

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
