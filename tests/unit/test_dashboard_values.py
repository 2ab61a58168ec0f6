"""Every value the hub sends is a var of the page state it is applied to, by name."""

from __future__ import annotations

from datetime import UTC, datetime

from gym_live.domain.feed import FeedItem, FeedKind
from gym_live.domain.stats import DayCounts, day_window, stats_from
from gym_live.live.rooms import KIOSK_VALUES
from gym_live.presentation import LOCATIONS, RELAY_NOTICE, UPDATED_AT, dashboard_values
from gym_live.reflex_compat import declared_vars
from gym_live.services.live_view import InsideNow, LocationView
from gym_live.states.kiosk import KioskState
from gym_live.states.live import PAGE_VARS, LiveState
from tests.helpers.stats import BERLIN, NOW

AT = datetime(2026, 1, 14, 9, tzinfo=UTC)


def full_view() -> LocationView:
    counts = DayCounts(
        inside_now=1,
        hourly_checkins=(0,) * 24,
        stays_ended=0,
        stay_minutes_total=0.0,
        peak=1,
    )
    return LocationView(
        location_id=1,
        location_name="Downtown",
        timezone="Europe/Berlin",
        stats=stats_from(counts, capacity=40, window=day_window(NOW, BERLIN), now=NOW),
        feed=[FeedItem("in-1", FeedKind.CHECK_IN, "Anna", "Downtown", AT)],
        inside=[InsideNow("10000001", "Anna", AT)],
    )


def test_the_dashboard_values_are_exactly_the_dashboard_states_vars() -> None:
    sent = set(dashboard_values(full_view())) | {UPDATED_AT, LOCATIONS, RELAY_NOTICE}
    assert sent == declared_vars(LiveState) - set(PAGE_VARS)
    assert set(PAGE_VARS) <= declared_vars(LiveState)


def test_what_a_kiosk_is_sent_is_part_of_the_kiosk_state() -> None:
    assert set(KIOSK_VALUES) <= set(dashboard_values(full_view()))
    assert {*KIOSK_VALUES, "paired"} <= declared_vars(KioskState)
