"""The phone's health (desktop/core/phone_health.py): each sequence the real widget posts, with the system's sleep
and the page's fate, gives the state an agent must be told, and the time calls stopped reaching them."""

from __future__ import annotations

import pytest

from desktop.core.phone_health import HISTORY, Health, PhoneHealth


def started_and_ready() -> PhoneHealth:
    health = PhoneHealth(0.0)
    health.login(1.0, True)
    health.connection(2.0, "connectionStatus-connecting")
    health.connection(3.0, "connectionStatus-connected")
    return health


def test_a_phone_is_connecting_until_signed_in_and_connected() -> None:
    health = PhoneHealth(0.0)
    assert health.health is Health.CONNECTING and not health.calls_reach_the_person
    health.connection(1.0, "connectionStatus-disconnected")  # posted before the first connection
    health.connection(1.5, "connectionStatus-connecting")
    assert health.health is Health.CONNECTING and health.since == 0.0
    health.connection(2.0, "connectionStatus-connected")
    assert health.health is Health.CONNECTING  # not signed in yet
    health.login(3.0, True)
    assert health.health is Health.READY and health.since == 3.0 and health.calls_reach_the_person
    assert health.reason == "calls can reach you" and health.health.words == "ready: calls can reach you"


def test_a_dropped_connection_is_unreachable_from_the_drop_until_it_is_back() -> None:
    health = started_and_ready()
    health.connection(100.0, "connectionStatus-connectError")
    assert health.health is Health.UNREACHABLE and health.since == 100.0
    assert health.reason == "the connection to the phone system was lost"
    for at, status in ((107.0, "reconnecting"), (123.0, "connecting"), (154.0, "reconnecting")):
        health.connection(at, status)  # SIP.js's retries: still the same outage, since the drop
    assert health.health is Health.UNREACHABLE and health.since == 100.0 and health.unreachable_for(160.0) == 60.0
    health.connection(223.0, "connectionStatus-connected")
    assert health.health is Health.READY and health.since == 223.0 and health.unreachable_for(300.0) == 0.0


def test_a_first_connection_that_fails_is_unreachable_not_connecting() -> None:
    health = PhoneHealth(0.0)
    health.login(1.0, True)
    health.connection(2.0, "connectFailed")
    assert health.health is Health.UNREACHABLE and health.reason == "the phone could not connect to the phone system"


def test_signed_out_and_another_window_are_their_own_states() -> None:
    health = started_and_ready()
    health.connection(10.0, "connectionStatus-inactive")  # another tab of the account holds the web phone
    assert health.health is Health.ELSEWHERE and health.health.words == "another window has the phone"
    health.connection(20.0, "connected")
    health.login(30.0, False)
    assert health.health is Health.SIGNED_OUT and health.since == 30.0 and not health.calls_reach_the_person


@pytest.mark.parametrize("why", ["the phone could not be loaded (offline)", "the phone's renderer ended"])
def test_a_page_that_is_gone_cannot_ring_until_a_new_one_loads(why: str) -> None:
    health = started_and_ready()
    health.page_gone(50.0, why)
    assert health.health is Health.UNREACHABLE and health.reason == why and health.since == 50.0
    health.page_loading(60.0)  # what the old page said no longer holds
    assert health.health is Health.CONNECTING
    health.login(61.0, True)
    health.connection(62.0, "connected")
    assert health.health is Health.READY


def test_sleep_makes_it_unreachable_and_resume_waits_for_the_widget_s_own_reconnect() -> None:
    health = started_and_ready()
    health.slept(40.0)
    assert health.health is Health.UNREACHABLE and health.reason == "the computer went to sleep"
    health.resumed(3640.0)
    # Chromium closed the WebSocket for the sleep: until the widget says connected again, calls cannot ring.
    assert health.health is Health.UNREACHABLE and health.since == 40.0
    health.connection(3645.0, "connectionStatus-reconnecting")
    health.connection(3646.0, "connectionStatus-connected")
    assert health.health is Health.READY and health.since == 3646.0


def test_the_history_keeps_each_change_once_and_the_last_ones() -> None:
    health = started_and_ready()
    health.connection(10.0, "connectError")
    health.connection(11.0, "reconnecting")  # no change of state: no new entry
    health.connection(12.0, "connected")
    assert [(c.at, c.health) for c in health.history] == [(0.0, Health.CONNECTING), (3.0, Health.READY),
                                                          (10.0, Health.UNREACHABLE), (12.0, Health.READY)]
    for n in range(HISTORY):
        health.connection(20.0 + 2 * n, "connectError")
        health.connection(21.0 + 2 * n, "connected")
    assert len(health.history) == HISTORY and health.history[-1].at == 21.0 + 2 * (HISTORY - 1)
