"""The one record of what the widget said about itself, and how a reload or crash wipes it."""

from desktop.core.widget_status import WidgetStatus


def test_calls_are_taken_only_when_signed_in_and_ready() -> None:
    status = WidgetStatus()
    assert status.signed_in is None and not status.takes_calls
    assert status.login(True) is None  # the first report: nothing was known before
    assert not status.takes_calls  # the dialer has not said ready
    status.dialer(True)
    assert status.takes_calls
    assert status.login(False) is True  # a sign-out: the caller can tell it from a first report
    assert not status.dialer_ready and not status.takes_calls


def test_a_replaced_page_forgets_everything_until_it_speaks() -> None:
    status = WidgetStatus()
    assert not status.page_replaced()  # nothing known: nothing to tell anyone
    status.login(True)
    status.dialer(True)
    assert status.page_replaced()
    assert status.signed_in is None and not status.dialer_ready and not status.takes_calls
