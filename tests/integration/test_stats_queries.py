"""Stats from the database agree with the domain and read only today's visits through indexes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from gym_live.adapters.db import write_session
from gym_live.domain.checkin import Source
from gym_live.domain.stats import Stats
from gym_live.models import Location, Member, Visit
from gym_live.services import checkin
from gym_live.services.deps import Deps
from gym_live.services.live_view import load_views
from gym_live.services.stats import location_stats, stats_for
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock
from tests.helpers.stats import NOW, at


def test_stats_after_real_check_ins(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    for i in range(3):
        member(deps, f"1000000{i}", f"Member {i}")
        checkin.scan(f"1000000{i}", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=50)
    checkin.scan("10000000", source=Source.KIOSK, deps=deps)
    location, stats = location_stats(deps=deps)
    assert location.name == "Downtown"
    assert (stats.inside_now, stats.checkins_today, stats.peak_today) == (2, 3, 3)
    assert stats.avg_stay_minutes == 50.0
    assert stats.hourly_checkins[10] == 3  # 10:00 in Berlin
    assert stats.capacity_used_pct == 4


def _years_of_visits(deps: Deps, clock: FakeClock) -> None:
    """2,000 closed visits of Anna's, one a day before today, at the only location."""
    gym(deps)
    member(deps, "10000001")
    with write_session(deps.engine) as session:
        location = session.exec(sa.select(Location)).scalars().one()
        anna = session.exec(sa.select(Member)).scalars().one()
        session.add_all(
            Visit(
                member_id=anna.id,
                location_id=location.id,
                source="kiosk",
                checked_in_at=clock.now - timedelta(days=d, hours=2),
                checked_out_at=clock.now - timedelta(days=d, hours=1),
                checkout_reason="member",
            )
            for d in range(1, 2001)
        )
        session.commit()


def test_years_of_history_are_not_read(deps: Deps, clock: FakeClock) -> None:
    """2,000 old visits change nothing, and the query plan never scans the visit table."""
    _years_of_visits(deps, clock)
    _, stats = location_stats(deps=deps)
    assert (stats.checkins_today, stats.avg_stay_minutes, stats.peak_today) == (0, None, 0)
    if deps.settings.database_url.startswith("sqlite"):
        statements = _visit_statements(deps, lambda: location_stats(deps=deps))
        assert len(statements) == 3  # no check-in today has kept a peak: it is counted
        for steps in _plans(deps, statements):
            assert not [s for s in steps if s.startswith("SCAN visit")], steps
            searches = ("USING INDEX", "USING COVERING INDEX", "USING INTEGER PRIMARY KEY")
            assert any(way in s for s in steps for way in searches), steps


def test_who_is_inside_is_read_from_the_open_visits_alone(deps: Deps, clock: FakeClock) -> None:
    """The dashboard's "who is inside" goes through the open visits' index, not through a
    location's whole history in check-in order (which once cost 125 ms at 400,000 visits)."""
    _years_of_visits(deps, clock)
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    [view] = load_views(deps=deps).values()
    assert [row.member_code for row in view.inside] == ["10000001"]
    if deps.settings.database_url.startswith("sqlite"):
        statements = _visit_statements(deps, lambda: load_views(deps=deps, numbers=False))
        inside = [s for s in statements if "checked_out_at IS NULL" in s[0]]
        assert len(inside) == 1
        [steps] = _plans(deps, inside)
        assert any("USING INDEX ix_visit_open_location" in s for s in steps), steps


def _visit_statements(deps: Deps, run: Callable[[], object]) -> list[tuple[str, tuple]]:
    """The statements about visits that `run` sends, with their parameters."""
    statements: list[tuple[str, tuple[object, ...]]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "visit" in statement:
            statements.append((statement, tuple(parameters)))

    sa.event.listen(deps.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(deps.engine, "before_cursor_execute", record)
    return statements


def _plans(deps: Deps, statements: list[tuple[str, tuple]]) -> list[list[str]]:
    with deps.engine.connect() as conn:
        return [
            [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()]
            for sql, params in statements
        ]


# The day's rules, each on a real database: the unit tests' fixed `now`, a location in Berlin.
Span = tuple[datetime, datetime | None, str | None]


def day_stats(
    deps: Deps, spans: list[Span], *, zone: str = "Europe/Berlin", capacity: int = 40
) -> Stats:
    """The visits, one member each, at a fresh location; then its numbers at NOW."""
    with write_session(deps.engine) as session:
        location = Location(name=f"Gym {uuid.uuid4().hex[:8]}", capacity=capacity, timezone=zone)
        session.add(location)
        session.flush()
        for n, (arrived, left, reason) in enumerate(spans):
            person = Member(
                member_code=f"{uuid.uuid4().int % 10**8:08d}", full_name=f"M {n}", created_at=NOW
            )
            session.add(person)
            session.flush()
            session.add(
                Visit(
                    member_id=person.id,
                    location_id=location.id,
                    source="kiosk",
                    checked_in_at=arrived,
                    checked_out_at=left,
                    checkout_reason=reason,
                )
            )
        session.commit()
        return stats_for(session, location, NOW)


def test_an_empty_day(deps: Deps) -> None:
    result = day_stats(deps, [])
    assert (result.inside_now, result.checkins_today, result.peak_today) == (0, 0, 0)
    assert result.avg_stay_minutes is None
    assert result.hourly_checkins == (0,) * 24


def test_numbers_for_a_small_day(deps: Deps) -> None:
    result = day_stats(
        deps,
        [
            (at(7), at(8, 30), "member"),  # 90 min
            (at(8), at(9), "staff"),  # 60 min
            (at(8, 15), at(12, 15), "auto"),  # auto: not an observed stay
            (at(17, 10), None, None),
            (at(17, 40), None, None),
        ],
    )
    assert result.inside_now == 2
    assert result.checkins_today == 5
    assert result.avg_stay_minutes == 75.0
    assert result.peak_today == 3  # 08:15 to 08:30
    assert result.hourly_checkins[7] == 1 and result.hourly_checkins[8] == 2
    assert result.hourly_checkins[17] == 2
    assert result.capacity_used_pct == 5
    assert result.day.isoformat() == "2026-01-14"


def test_today_is_the_location_day_not_the_utc_day(deps: Deps) -> None:
    # 00:30 Berlin on the 14th is 23:30 UTC on the 13th: it belongs to Berlin's 14th.
    just_after_midnight = (at(0, 30), at(1, 30), "member")
    yesterday_late = (at(23, 0, day=13), at(23, 50, day=13), "member")
    result = day_stats(deps, [just_after_midnight, yesterday_late])
    assert result.checkins_today == 1
    assert result.hourly_checkins[0] == 1
    assert result.avg_stay_minutes == 60.0
    # The same visits seen from New York: both are on the 13th there, and now is the 14th.
    in_new_york = day_stats(deps, [just_after_midnight, yesterday_late], zone="America/New_York")
    assert in_new_york.checkins_today == 0


def test_a_visit_crossing_midnight(deps: Deps) -> None:
    result = day_stats(deps, [(at(23, 30, day=13), at(0, 45), "member")])
    assert result.checkins_today == 0  # checked in yesterday
    assert result.avg_stay_minutes == 75.0  # but completed today
    assert result.peak_today == 1  # inside at midnight
    assert result.inside_now == 0


def test_someone_still_inside_from_yesterday_counts_now_and_in_the_peak(deps: Deps) -> None:
    result = day_stats(deps, [(at(23, 0, day=13), None, None)])
    assert (result.inside_now, result.peak_today, result.checkins_today) == (1, 1, 0)


def test_a_departure_and_an_arrival_at_the_same_moment_do_not_inflate_the_peak(
    deps: Deps,
) -> None:
    result = day_stats(deps, [(at(9), at(10), "member"), (at(10), at(11), "member")])
    assert result.peak_today == 1


def test_the_peak_follows_a_busy_day(deps: Deps) -> None:
    """Thirty overlapping visits: the peak is the most at once, not the most in total."""
    spans: list[Span] = [(at(6, 2 * n), at(7, 2 * n), "member") for n in range(30)]
    result = day_stats(deps, spans)
    assert result.peak_today == 30  # all inside from 06:58 to 07:00
    assert result.checkins_today == 30 and result.hourly_checkins[6] == 30
    assert result.avg_stay_minutes == 60.0


def test_capacity_percentage_uses_the_people_inside(deps: Deps) -> None:
    full = [(at(17, n), None, None) for n in range(3)]
    assert day_stats(deps, full, capacity=3).capacity_used_pct == 100
