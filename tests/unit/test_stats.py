"""The day, its local hours, and what the database's counts add up to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from gym_live.domain.stats import (
    QUARTER_SECONDS,
    DayCounts,
    day_window,
    hourly_from_quarters,
    peak_of,
    stats_from,
)
from tests.helpers.stats import BERLIN, NOW, STATS_KEYS, at


def counts(**fields: object) -> DayCounts:
    base: dict[str, object] = {
        "inside_now": 0,
        "hourly_checkins": (0,) * 24,
        "stays_ended": 0,
        "stay_minutes_total": 0.0,
        "peak": 0,
    }
    return DayCounts(**(base | fields))  # type: ignore[arg-type]


def stats(day: DayCounts, capacity: int = 40):
    return stats_from(day, capacity=capacity, window=day_window(NOW, BERLIN), now=NOW)


def test_an_empty_day() -> None:
    result = stats(counts())
    assert (result.inside_now, result.checkins_today, result.peak_today) == (0, 0, 0)
    assert result.avg_stay_minutes is None
    assert result.capacity_used_pct == 0
    assert result.day.isoformat() == "2026-01-14"


def test_check_ins_add_up_over_the_hours_and_the_average_rounds_to_a_tenth() -> None:
    hourly = tuple(2 if hour in (7, 17) else 0 for hour in range(24))
    result = stats(counts(hourly_checkins=hourly, stays_ended=3, stay_minutes_total=200.0))
    assert result.checkins_today == 4
    assert result.avg_stay_minutes == 66.7


def test_the_peak_is_who_was_inside_at_midnight_plus_the_highest_rise_since() -> None:
    assert peak_of(2, 3) == 5
    # Departures before any arrival make the running sum negative: the peak was midnight.
    assert peak_of(2, -1) == 2
    assert peak_of(2, None) == 2  # no move at all today


def test_the_peak_is_never_below_the_people_inside_now() -> None:
    assert stats(counts(peak=4, inside_now=2)).peak_today == 4
    assert stats(counts(peak=1, inside_now=3)).peak_today == 3


def test_capacity_percentage_rounds_and_reaches_100() -> None:
    assert stats(counts(inside_now=3), capacity=3).capacity_used_pct == 100
    assert stats(counts(inside_now=1), capacity=3).capacity_used_pct == 33


def test_day_window_follows_daylight_saving_changes() -> None:
    spring = day_window(datetime(2026, 3, 29, 12, tzinfo=UTC), BERLIN)
    assert spring.end - spring.start == timedelta(hours=23)
    autumn = day_window(datetime(2026, 10, 25, 12, tzinfo=UTC), BERLIN)
    assert autumn.end - autumn.start == timedelta(hours=25)
    assert autumn.start == datetime(2026, 10, 24, 22, tzinfo=UTC)


def quarters_at(window_start: datetime, *local_times: datetime) -> dict[int, int]:
    """What the database's per-quarter count would be for arrivals at these moments."""
    counted: dict[int, int] = {}
    for moment in local_times:
        quarter = int((moment - window_start).total_seconds()) // QUARTER_SECONDS
        counted[quarter] = counted.get(quarter, 0) + 1
    return counted


def test_quarters_fall_in_their_local_hour() -> None:
    window = day_window(NOW, BERLIN)
    arrivals = [at(0), at(7, 59), at(8), at(8, 14), at(23, 45)]
    hourly = hourly_from_quarters(quarters_at(window.start, *arrivals), window, BERLIN)
    assert hourly[0] == 1 and hourly[7] == 1 and hourly[8] == 2 and hourly[23] == 1
    assert sum(hourly) == 5


def test_hours_on_daylight_saving_days() -> None:
    spring = day_window(datetime(2026, 3, 29, 12, tzinfo=UTC), BERLIN)
    # 01:30 and 03:30 local are one hour apart on the day 02:00 never happens.
    arrivals = [spring.start + timedelta(hours=1, minutes=30), spring.start + timedelta(hours=2)]
    hourly = hourly_from_quarters(quarters_at(spring.start, *arrivals), spring, BERLIN)
    assert hourly[1] == 1 and hourly[2] == 0 and hourly[3] == 1
    autumn = day_window(datetime(2026, 10, 25, 12, tzinfo=UTC), BERLIN)
    # 02:30 happens twice: both count in hour 2.
    twice = [
        autumn.start + timedelta(hours=2, minutes=30),
        autumn.start + timedelta(hours=3, minutes=30),
    ]
    hourly = hourly_from_quarters(quarters_at(autumn.start, *twice), autumn, BERLIN)
    assert hourly[2] == 2 and sum(hourly) == 2


def test_hours_in_a_half_hour_zone() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    window = day_window(NOW, kolkata)
    arrival = window.start + timedelta(hours=1, minutes=29)  # 01:29 in Kolkata
    hourly = hourly_from_quarters(quarters_at(window.start, arrival), window, kolkata)
    assert hourly[1] == 1


def test_to_dict_has_stable_keys() -> None:
    assert set(stats(counts()).to_dict()) == STATS_KEYS
