"""Stats from the database agree with the domain and read only today's visits through indexes."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gym_live.adapters.db import read_session
from gym_live.domain.checkin import Source
from gym_live.models import Location, Member, Visit
from gym_live.services import checkin
from gym_live.services.deps import Deps
from gym_live.services.stats import location_stats, todays_visits_query
from tests.conftest import FakeClock
from tests.integration.helpers import gym, member


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


def test_years_of_history_are_not_read(deps: Deps, clock: FakeClock) -> None:
    """2,000 old visits change nothing, and the query plan never scans the visit table."""
    gym(deps)
    member(deps, "10000001")
    with read_session(deps.engine) as session:
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
    _, stats = location_stats(deps=deps)
    assert (stats.checkins_today, stats.avg_stay_minutes, stats.peak_today) == (0, None, 0)
    if deps.settings.database_url.startswith("sqlite"):
        _assert_sqlite_uses_indexes(deps)


def _assert_sqlite_uses_indexes(deps: Deps) -> None:
    query = todays_visits_query(1, deps.clock(), ZoneInfo("Europe/Berlin"))
    compiled = query.compile(deps.engine)
    params = tuple(str(compiled.params[name]) for name in compiled.positiontup or ())
    with deps.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
    steps = [row[-1] for row in plan]
    assert not [s for s in steps if s.startswith("SCAN visit")], steps
    assert any("USING INDEX" in s or "USING COVERING INDEX" in s for s in steps), steps
