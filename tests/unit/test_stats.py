"""The one definition of the numbers, with fixed `now` and non-UTC days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from gym_live.domain.stats import VisitSpan, compute_stats, day_window

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)  # 18:00 in Berlin


def at(hour: int, minute: int = 0, day: int = 14) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def stats(spans: list[VisitSpan], now: datetime = NOW, zone: ZoneInfo = BERLIN, capacity: int = 40):
    return compute_stats(spans, capacity=capacity, zone=zone, now=now)


def test_empty_day() -> None:
    result = stats([])
    assert (result.inside_now, result.checkins_today, result.peak_today) == (0, 0, 0)
    assert result.avg_stay_minutes is None
    assert result.hourly_checkins == (0,) * 24
    assert result.capacity_used_pct == 0


def test_numbers_for_a_small_day() -> None:
    spans = [
        VisitSpan(at(7), at(8, 30), "member"),  # 90 min
        VisitSpan(at(8), at(9), "staff"),  # 60 min
        VisitSpan(at(8, 15), at(12, 15), "auto"),  # auto: not an observed stay
        VisitSpan(at(17, 10), None, None),
        VisitSpan(at(17, 40), None, None),
    ]
    result = stats(spans)
    assert result.inside_now == 2
    assert result.checkins_today == 5
    assert result.avg_stay_minutes == 75.0
    assert result.peak_today == 3  # 08:15 to 08:30
    assert result.hourly_checkins[7] == 1 and result.hourly_checkins[8] == 2
    assert result.hourly_checkins[17] == 2
    assert result.capacity_used_pct == 5
    assert result.day.isoformat() == "2026-01-14"


def test_today_is_the_location_day_not_the_utc_day() -> None:
    # 00:30 Berlin on the 14th is 23:30 UTC on the 13th: it belongs to Berlin's 14th.
    just_after_midnight = VisitSpan(at(0, 30), at(1, 30), "member")
    yesterday_late = VisitSpan(at(23, 0, day=13), at(23, 50, day=13), "member")
    result = stats([just_after_midnight, yesterday_late])
    assert result.checkins_today == 1
    assert result.hourly_checkins[0] == 1
    assert result.avg_stay_minutes == 60.0
    # The same visits seen from New York: both are on the 13th there, and now is the 14th.
    assert (
        stats(
            [just_after_midnight, yesterday_late], zone=ZoneInfo("America/New_York")
        ).checkins_today
        == 0
    )


def test_a_visit_crossing_midnight() -> None:
    night_owl = VisitSpan(at(23, 30, day=13), at(0, 45), "member")
    result = stats([night_owl])
    assert result.checkins_today == 0  # checked in yesterday
    assert result.avg_stay_minutes == 75.0  # but completed today
    assert result.peak_today == 1  # inside at midnight
    assert result.inside_now == 0


def test_someone_still_inside_from_yesterday_counts_now_and_in_the_peak() -> None:
    result = stats([VisitSpan(at(23, 0, day=13), None, None)])
    assert (result.inside_now, result.peak_today, result.checkins_today) == (1, 1, 0)


def test_a_departure_and_an_arrival_at_the_same_moment_do_not_inflate_the_peak() -> None:
    spans = [VisitSpan(at(9), at(10), "member"), VisitSpan(at(10), at(11), "member")]
    assert stats(spans).peak_today == 1


def test_day_window_follows_daylight_saving_changes() -> None:
    spring = day_window(datetime(2026, 3, 29, 12, tzinfo=UTC), BERLIN)
    assert spring.end - spring.start == timedelta(hours=23)
    autumn = day_window(datetime(2026, 10, 25, 12, tzinfo=UTC), BERLIN)
    assert autumn.end - autumn.start == timedelta(hours=25)
    assert autumn.start == datetime(2026, 10, 24, 22, tzinfo=UTC)


def test_capacity_percentage_rounds_and_reaches_100() -> None:
    full = [VisitSpan(at(17), None, None)] * 3
    assert stats(full, capacity=3).capacity_used_pct == 100
    assert stats(full[:1], capacity=3).capacity_used_pct == 33


STATS_KEYS = frozenset(
    {
        "inside_now",
        "checkins_today",
        "avg_stay_minutes",
        "peak_today",
        "hourly_checkins",
        "capacity",
        "capacity_used_pct",
        "day",
        "as_of",
    }
)


def test_to_dict_has_stable_keys() -> None:
    assert set(stats([]).to_dict()) == STATS_KEYS
