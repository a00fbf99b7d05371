"""The widget starts loading before the window is built, so the two overlap (start-up, issue 12).

Chromium fetches, parses and runs the widget's scripts in its own threads and processes; what start-up still has
to do in Python (import and build the window, its menus and the tray) then happens while it does, not before.
At start-up this module is all of the app's UI that is imported before ``load()``: the profile, the page and
the bridge, nothing of the window.

Nothing the page says is lost: the bridge's script is in place before the load, and no Qt event is processed
between this load and the window taking the page over (``MainWindow(..., loading=...)``), so every signal
the page emits reaches the window's handlers. Only the usual mode qualifies: the secret modes read their
secrets first, and a window that misses required settings loads nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWebEngineCore import QWebEngineNewWindowRequest, QWebEngineProfile
from PySide6.QtWidgets import QWidget

from desktop.core.options import LaunchOptions
from desktop.core.settings import Resolution
from desktop.ui.phone.bridge import PageBridge
from desktop.ui.phone.profile import create_profile
from desktop.ui.phone.widget_page import WidgetPage


@dataclass(frozen=True)
class LoadingPage:
    """The environment's profile, and the widget's page on it, loading (without a parent until the app and the
    window adopt them)."""

    profile: QWebEngineProfile
    page: WidgetPage
    bridge: PageBridge


def start_loading(options: LaunchOptions, resolution: Resolution | None,
                  extra_ca_file: Path | None) -> LoadingPage | None:
    """Create the profile and the page and start loading the widget; None where the window loads it later (the
    service-user modes) or never (required settings missing)."""
    if options.auth_mode != "pkce" or (resolution is not None and resolution.missing_required()):
        return None
    profile = create_profile(options.profile_name, options.data_dir, None, extra_ca_file=extra_ca_file)
    page = WidgetPage(profile, options, None)
    bridge = PageBridge(page)
    page.load_widget()
    return LoadingPage(profile, page, bridge)


def take_page(profile: QWebEngineProfile, options: LaunchOptions, view: QWidget, loading: LoadingPage | None, *,
              open_in_app: Callable[[QWebEngineNewWindowRequest], None],
              reload_blocked: Callable[[], str | None]) -> tuple[WidgetPage, PageBridge]:
    """The page and bridge for a window's ``view``: the one already loading (start-up), or a new one. No event
    has reached a loading page yet, so the wiring the window does next misses nothing it said."""
    if loading is None:
        page = WidgetPage(profile, options, view, open_in_app=open_in_app, reload_blocked=reload_blocked)
        return page, PageBridge(page)
    loading.page.attach(view, open_in_app=open_in_app, reload_blocked=reload_blocked)
    return loading.page, loading.bridge
