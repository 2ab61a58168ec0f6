"""Today's peak, kept by each check-in (services.peaks), equals the peak counted from the
visits at every step of a seeded day: visits crossing midnight, check-outs, a member who
moves to another location long after the longest stay, and the sweep's auto check-outs,
which close visits at a moment before arrivals already counted."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gym_live.domain.checkin import Action, Source
from gym_live.domain.stats import day_window
from gym_live.models import Location, Visit
from gym_live.services import checkin, sweep
from gym_live.services.deps import Deps
from gym_live.services.stats import location_stats
from tests.helpers.builders import gym, member
from tests.helpers.databases import fresh_postgres_database, services_deps
from tests.helpers.fakes import FakeClock
from tests.helpers.stats import BERLIN

BERLIN_EVENING = datetime(2026, 1, 13, 21, 0, tzinfo=UTC)  # 22:00 in Berlin, the 13th


def midnight(at: datetime) -> datetime:
    """The start of `at`'s day in Berlin, where the test's locations are."""
    return day_window(at, BERLIN).start


def counted_peak(deps: Deps, location: str) -> int:
    """The most people inside at once since the location's midnight, from its visits, by
    hand: at midnight and at every arrival since (a departure at the same moment first)."""
    with deps.engine.connect() as conn:
        place = conn.execute(sa.select(Location).where(Location.name == location)).one()
        visits = conn.execute(
            sa.select(Visit.checked_in_at, Visit.checked_out_at).where(
                Visit.location_id == place.id
            )
        ).all()
    now = deps.clock()
    start = midnight(now)
    moments = [start, *(a for a, _ in visits if start < a <= now)]
    return max(
        sum(1 for a, left in visits if a <= t and (left is None or left > t)) for t in moments
    )


def agreeing(deps: Deps, location: str) -> int:
    """The peak shown, once it equals the peak counted by hand."""
    peak = counted_peak(deps, location)
    assert shown_peak(deps, location) == peak, (deps.clock(), location)
    return peak


def kept(deps: Deps, location: str) -> tuple[datetime | None, int]:
    with deps.engine.connect() as conn:
        row = conn.execute(
            sa.select(Location.peak_since, Location.peak_inside).where(Location.name == location)
        ).one()
    return row.peak_since, row.peak_inside


def shown_peak(deps: Deps, location: str) -> int:
    return location_stats(location, deps=deps)[1].peak_today


def test_the_kept_peak_equals_the_counted_one_through_a_day(deps: Deps, clock: FakeClock) -> None:
    clock.now = BERLIN_EVENING
    gym(deps, name="Downtown")
    gym(deps, name="Harbour")
    codes = [f"3000{n:04d}" for n in range(20)]
    for code in codes:
        member(deps, code, f"Member {code}")

    def scan(n: int, where: str = "Downtown") -> None:
        checkin.scan(codes[n], location=where, source=Source.KIOSK, deps=deps)

    def agrees(where: str = "Downtown") -> int:
        return agreeing(deps, where)

    for n in (0, 1, 2):  # 22:00 on the 13th
        scan(n)
    clock.advance(minutes=10)
    scan(3)
    assert agrees() == 4
    assert kept(deps, "Downtown")[1] == 4  # kept by the check-ins
    clock.advance(minutes=20)
    scan(0)  # out at 22:30
    assert agrees() == 4

    clock.now = datetime(2026, 1, 13, 23, 30, tzinfo=UTC)  # 00:30 in Berlin, the 14th
    scan(2)  # out: a stay across midnight
    assert agrees() == 3  # 1, 2 and 3 were inside at midnight: the peak is midnight's
    assert kept(deps, "Downtown")[0] == midnight(BERLIN_EVENING)  # no check-in today yet

    clock.now = datetime(2026, 1, 14, 6, 0, tzinfo=UTC)  # 07:00: members 1 and 3 overstay
    for n in range(4, 12):
        scan(n)
        clock.advance(minutes=5)
        if n % 3 == 0:
            scan(n)  # a short visit: out again
        agrees()
    assert kept(deps, "Downtown") == (midnight(clock.now), agrees())

    # Member 1, inside since 22:00 yesterday, checks in at Harbour at 07:45: their visit at
    # Downtown is closed when the longest stay ended (02:00), before this morning's arrivals
    # that counted them as inside.
    before = agrees()
    scan(1, "Harbour")
    assert kept(deps, "Downtown")[0] is None  # forgotten, counted again
    assert agrees() == before - 1
    assert agrees("Harbour") == 1

    # The sweep closes member 3's visit at 02:10, before this morning's arrivals too.
    clock.advance(minutes=5)
    closed = sweep.auto_checkout(deps=deps)
    assert [event.member_id for event in closed] and kept(deps, "Downtown")[0] is None
    lowered = agrees()
    assert lowered == before - 2
    scan(12)  # the next check-in counts the peak again, and keeps it
    assert kept(deps, "Downtown") == (midnight(clock.now), agrees())
    for n in range(13, 20):  # a rush: a new peak
        scan(n)
        clock.advance(minutes=1)
    assert agrees() == kept(deps, "Downtown")[1] > lowered


def test_a_look_with_a_kept_peak_does_not_count_the_day(deps: Deps, clock: FakeClock) -> None:
    """Once a check-in today has kept the peak, the numbers are two statements, not three
    (the third, a running sum over the day's visits, is what cost 22 ms on a busy day);
    the first look also counts the day's settled quarter hours, in three more
    (services.stats)."""
    gym(deps)
    member(deps, "10000001")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if "visit" in statement:
            statements.append(statement)

    sa.event.listen(deps.engine, "before_cursor_execute", record)
    try:
        location_stats(deps=deps)
        before_check_in = len(statements)
        checkin.scan("10000001", source=Source.KIOSK, deps=deps)
        statements.clear()
        _, stats = location_stats(deps=deps)
    finally:
        sa.event.remove(deps.engine, "before_cursor_execute", record)
    assert (before_check_in, len(statements)) == (6, 2)
    assert stats.peak_today == 1
    yesterday = clock.now
    clock.advance(hours=16)  # 02:00 the next day: the kept peak is yesterday's
    assert kept(deps, "Downtown")[0] == midnight(yesterday) != midnight(clock.now)
    assert location_stats(deps=deps)[1].peak_today == 1  # counted: inside at midnight


@pytest.fixture
def pg_deps(postgres_base_url: str, postgres_template: str, clock: FakeClock) -> Iterator[Deps]:
    url = fresh_postgres_database(postgres_base_url, template=postgres_template)
    with services_deps(url, clock) as deps:
        yield deps


@pytest.mark.postgres
def test_a_move_caught_in_a_deadlock_over_two_locations_is_tried_again(
    pg_deps: Deps, clock: FakeClock
) -> None:
    """A check-in at Downtown that moves a member who overstayed at Harbour holds
    Downtown's row and then writes Harbour's kept peak; another transaction holds Harbour's
    and then asks for Downtown's. PostgreSQL ends the check-in (its shorter
    deadlock_timeout fires first); it is tried again once the other is done."""
    deps = pg_deps
    clock.now = BERLIN_EVENING
    gym(deps, name="Downtown")
    gym(deps, name="Harbour")
    member(deps, "40000001", "Mover")
    member(deps, "40000002", "Early Bird")
    checkin.scan("40000001", location="Harbour", source=Source.KIOSK, deps=deps)
    clock.now = datetime(2026, 1, 14, 6, 0, tzinfo=UTC)  # 07:00: overstayed since 02:00
    checkin.scan("40000002", location="Harbour", source=Source.KIOSK, deps=deps)
    assert kept(deps, "Harbour")[0] == midnight(clock.now)
    holding, done = threading.Event(), threading.Event()
    row = sa.select(Location.id).where(Location.name == sa.bindparam("name")).with_for_update()

    def the_other_transaction() -> None:
        with deps.engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SET LOCAL deadlock_timeout = '20s'")
            conn.execute(row, {"name": "Harbour"})
            holding.set()
            time.sleep(0.5)  # the check-in holds Downtown now, and waits for Harbour
            conn.execute(row, {"name": "Downtown"})  # granted once the check-in is ended
        done.set()

    other = threading.Thread(target=the_other_transaction)
    other.start()
    assert holding.wait(10)
    moved = checkin.scan("40000001", location="Downtown", source=Source.KIOSK, deps=deps)
    other.join(30)
    assert done.is_set()
    assert moved.action is Action.CHECK_IN and moved.location.name == "Downtown"
    assert kept(deps, "Harbour")[0] is None  # the move closed the visit at 02:00
    assert agreeing(deps, "Harbour") == 1
