"""Races the database must win: simultaneous scans of one card, simultaneous sweeps."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from gym_live.domain.checkin import Action, Source
from gym_live.domain.errors import AlreadyCheckedIn
from gym_live.domain.memberships import PASS_VISITS
from gym_live.models import Visit
from gym_live.services import checkin, member_changes, sweep
from gym_live.services.deps import Deps
from tests.helpers.builders import count, gym, member, on_a_pass, open_visits, visits_left
from tests.helpers.concurrency import all_at_once, on_own_connection
from tests.helpers.fakes import FakeClock

SCANS = 50


@pytest.mark.timeout(120)
def test_fifty_concurrent_scans_of_one_card_leave_one_open_visit(deps: Deps) -> None:
    gym(deps)
    member(deps, "10000001")
    clients = [on_own_connection(deps) for _ in range(SCANS)]
    outcomes = all_at_once(
        [partial(checkin.scan, "10000001", source=Source.KIOSK, deps=c) for c in clients]
    )
    entered = [o for o in outcomes if getattr(o, "action", None) is Action.CHECK_IN]
    repeats = [o for o in outcomes if isinstance(o, AlreadyCheckedIn)]
    assert len(entered) == 1, outcomes
    assert len(repeats) == SCANS - 1, [o for o in outcomes if not isinstance(o, AlreadyCheckedIn)]
    assert all("Already checked in at" in r.message for r in repeats)
    assert open_visits(deps) == 1 and count(deps, Visit) == 1


def test_the_database_refuses_a_second_open_visit_even_without_the_check(deps: Deps) -> None:
    gym(deps)
    member(deps, "10000001")
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    with deps.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
        first = conn.execute(sa.select(Visit.member_id, Visit.location_id)).one()
        conn.execute(
            sa.insert(Visit).values(
                member_id=first.member_id,
                location_id=first.location_id,
                checked_in_at=deps.clock(),
                source="cli",
            )
        )


def test_concurrent_sweeps_close_each_overdue_visit_once(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    for i in range(12):
        member(deps, f"3000{i:04d}", f"Member {i}")
        checkin.scan(f"3000{i:04d}", source=Source.KIOSK, deps=deps)
        clock.advance(minutes=1)
    clock.advance(hours=4, minutes=-6)  # the first six are now past four hours
    deps.bus.events.clear()
    results = all_at_once(
        [partial(sweep.auto_checkout, deps=on_own_connection(deps)) for _ in range(4)]
    )
    closed = [event for batch in results for event in batch]
    assert len(closed) == 6
    assert len({e.visit_id for e in closed}) == 6
    assert all(e.reason == "auto" and e.stay_seconds == 4 * 3600 for e in closed)
    assert open_visits(deps) == 6
    with deps.engine.connect() as conn:
        rows = conn.execute(
            sa.select(Visit.checked_in_at, Visit.checked_out_at).where(
                Visit.checkout_reason == "auto"
            )
        ).all()
    assert all(out - arrived == timedelta(hours=4) for arrived, out in rows)


@pytest.mark.timeout(120)
def test_fifty_concurrent_scans_of_a_one_visit_pass_use_exactly_one_visit(deps: Deps) -> None:
    gym(deps)
    on_a_pass(deps, "10000001", visits=1)
    clients = [on_own_connection(deps) for _ in range(SCANS)]
    outcomes = all_at_once(
        [partial(checkin.scan, "10000001", source=Source.KIOSK, deps=c) for c in clients]
    )
    entered = [o for o in outcomes if getattr(o, "action", None) is Action.CHECK_IN]
    assert len(entered) == 1 and entered[0].visits_left == 0, outcomes
    assert all(isinstance(o, AlreadyCheckedIn) for o in outcomes if o not in entered), outcomes
    assert visits_left(deps, "10000001") == 0 and count(deps, Visit) == 1


@pytest.mark.timeout(120)
def test_a_pass_sold_while_its_last_visit_is_used_loses_neither(deps: Deps) -> None:
    gym(deps)
    codes = [f"1100{i:04d}" for i in range(10)]
    for code in codes:
        on_a_pass(deps, code, visits=1)
    scanner, desk = on_own_connection(deps), on_own_connection(deps)
    for code in codes:
        all_at_once(
            [
                partial(checkin.scan, code, source=Source.KIOSK, deps=scanner),
                partial(member_changes.add_pass, code, deps=desk),
            ]
        )
    assert [visits_left(deps, code) for code in codes] == [PASS_VISITS] * len(codes)
