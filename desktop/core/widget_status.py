"""What the widget has said about itself: signed in or out (or nothing yet), and whether its dialer is ready.

The one place this is kept. The window, the tray, the dial queue and the service-user sign-in all read it
here, so none can believe the widget is signed in after a reload or a crash that another has noticed: a new
document has said nothing until it says it again.
"""

from __future__ import annotations

from desktop.core.records import record


@record(frozen=False)
class WidgetStatus:
    #: None until the current document reports (``rc-login-status-notify``).
    signed_in: bool | None = None
    #: The widget drops ``rc-adapter-new-call`` until ``rc-dialer-status-notify`` says ready.
    dialer_ready: bool = False

    @property
    def takes_calls(self) -> bool:
        return self.signed_in is True and self.dialer_ready

    def login(self, signed_in: bool) -> bool | None:
        """Record a login status; returns what was believed before (to tell a sign-out from a first report)."""
        before, self.signed_in = self.signed_in, signed_in
        if not signed_in:
            self.dialer_ready = False
        return before

    def dialer(self, ready: bool) -> None:
        self.dialer_ready = ready

    def page_replaced(self) -> bool:
        """A reload or a crash: forget everything; returns whether anything was known."""
        known = self.signed_in is not None or self.dialer_ready
        self.signed_in, self.dialer_ready = None, False
        return known
