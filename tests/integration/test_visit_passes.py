"""Visit passes on real databases: a check-in takes one visit, a repeated scan and a
check-out none; the last one used, the door refuses; the desk sells them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from gym_live.domain.checkin import Action, Source
from gym_live.domain.errors import AlreadyCheckedIn, InvalidInput, NoVisitsLeft
from gym_live.domain.members import Plan
from gym_live.domain.memberships import PASS_UNTIL, PASS_VISITS
from gym_live.models import AuditEvent, DeniedAttempt
from gym_live.services import checkin, member_changes, members
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member, on_a_pass, visits_left
from tests.helpers.fakes import FakeClock


def scan(deps: Deps, code: str = "20000001"):
    return checkin.scan(code, source=Source.KIOSK, deps=deps)


def test_a_check_in_takes_one_visit_and_nothing_else_does(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    on_a_pass(deps, "20000001", visits=2)
    came = scan(deps)
    assert (came.action, came.visits_left) == (Action.CHECK_IN, 1)
    with pytest.raises(AlreadyCheckedIn):
        scan(deps)  # a double read at the door
    assert visits_left(deps, "20000001") == 1
    clock.advance(minutes=60)
    assert scan(deps).action is Action.CHECK_OUT  # leaving takes none
    clock.advance(minutes=60)
    assert scan(deps).visits_left == 0  # the last one
    checkin.check_out("20000001", source=Source.STAFF, deps=deps)
    clock.advance(minutes=60)
    with pytest.raises(NoVisitsLeft, match="no visits left"):
        scan(deps)
    with pytest.raises(NoVisitsLeft):  # the desk applies the same rule
        checkin.check_in("20000001", source=Source.STAFF, deps=deps)
    assert visits_left(deps, "20000001") == 0
    reasons = sa.select(DeniedAttempt.reason)
    with deps.engine.connect() as conn:
        assert conn.execute(reasons).scalars().all() == ["no_visits_left"] * 2


def test_a_time_member_keeps_the_pass_for_when_the_time_runs_out(
    deps: Deps, clock: FakeClock
) -> None:
    gym(deps)
    today = clock.now.date()
    member(deps, "20000002", "Tim Time", valid_until=today)
    member_changes.add_pass("20000002", deps=deps)
    assert scan(deps, "20000002").visits_left is None  # today: on time
    assert visits_left(deps, "20000002") == PASS_VISITS
    clock.advance(days=1)
    assert scan(deps, "20000002").action is Action.CHECK_OUT
    clock.advance(minutes=30)
    assert scan(deps, "20000002").visits_left == PASS_VISITS - 1  # the time ran out


def test_the_desk_enrols_on_a_pass_and_sells_more(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    today = clock.now.date()
    form = {"code": "20000003", "valid_until": "", "email": "", "phone": "", "pin": ""}
    made = members.enrol("Pia Pass", plan="visits", pass_until="", by=None, deps=deps, **form)
    assert (made.plan, made.visits_left, made.valid_until) == (Plan.VISITS, PASS_VISITS, None)
    with pytest.raises(InvalidInput) as refused:
        member_changes.add_pass("20000003", until=str(today - timedelta(days=1)), deps=deps)
    assert refused.value.field == PASS_UNTIL
    until = today + timedelta(days=90)
    more = member_changes.add_pass("20000003", until=until.isoformat(), deps=deps)
    assert (more.visits_left, more.pass_until) == (2 * PASS_VISITS, None)  # none wins
    # Extending a visits-only member starts a time membership today.
    timed = member_changes.extend("20000003", 1, deps=deps)
    assert timed.plan is Plan.TIME and timed.valid_until is not None
    with deps.engine.connect() as conn:
        trail = conn.execute(
            sa.select(AuditEvent.kind, AuditEvent.detail)
            .where(AuditEvent.kind != "location_added")
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(line) for line in trail] == [
        ("member_added", "card 20000003, 10 visits"),
        ("pass_added", "10 visits → 20 visits"),
        ("member_extended", f"visits only → {timed.valid_until} (+1 month)"),
    ]
