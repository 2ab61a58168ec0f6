"""Admit anyway on real databases: a refused member checked in by the desk with a reason,
once, whoever clicks; the feed, the audit trail and the refusing kiosk hear of it."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from gym_live.domain.checkin import Source
from gym_live.domain.errors import (
    AlreadyCheckedIn,
    Conflict,
    InvalidInput,
    LocationFull,
    MembershipExpired,
    NoVisitsLeft,
    ScanRefused,
    WrongPin,
)
from gym_live.domain.events import EventKind
from gym_live.domain.overrides import REASON
from gym_live.models import AuditEvent, DeniedAttempt, Visit
from gym_live.presentation import feed_row
from gym_live.services import checkin, kiosks, member_changes, overrides, staff
from gym_live.services.deps import Deps
from gym_live.services.live_view import load_views
from tests.helpers.builders import count, gym, member, on_a_pass, visits_left
from tests.helpers.concurrency import all_at_once, on_own_connection
from tests.helpers.fakes import FakeClock

PASSWORD = "correct horse battery staple 9"


@pytest.fixture
def door(deps: Deps, clock: FakeClock) -> str:
    """A kiosk at Downtown (capacity 2), the desk's Maria, and members to refuse."""
    gym(deps, capacity=2)
    today = clock.now.date()
    member(deps, "10000001", "Ella Expired", valid_until=today - timedelta(days=3))
    member(deps, "10000002", "Anna Schmidt")
    member(deps, "10000003", "Ben Okafor")
    on_a_pass(deps, "10000004", visits=0, name="Pia Pass")
    staff.add_staff("maria", role="front_desk", password=PASSWORD, display_name="Maria", deps=deps)
    _, code = kiosks.add_kiosk("Downtown", name="Front door", deps=deps)
    return kiosks.pair(code, deps=deps)[1]


def refused_at(token: str, code: str, deps: Deps) -> int:
    """Scan at the kiosk, expecting a refusal; the id of the refusal it recorded."""
    with pytest.raises(ScanRefused):
        kiosks.kiosk_scan(token, code, deps=deps)
    with deps.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(DeniedAttempt.id))).scalar_one()


def maria(deps: Deps) -> int:
    return next(m.id for m in staff.list_staff(deps=deps) if m.username == "maria")


def test_a_refused_member_is_admitted_with_the_reason_recorded_everywhere(
    deps: Deps, door: str
) -> None:
    denial = refused_at(door, "10000001", deps)
    [refusal] = [r for r in load_views(deps=deps)[1].feed or [] if r.kind == "denied"]
    assert refusal.admittable and refusal.at_kiosk
    deps.bus.events.clear()
    done = overrides.admit_anyway(denial, "  Paid at   the desk ", by=maria(deps), deps=deps)
    assert done.member.full_name == "Ella Expired"
    with deps.engine.connect() as conn:
        visit = conn.execute(sa.select(Visit)).one()
        admitted = conn.execute(sa.select(DeniedAttempt.admitted_visit_id)).scalar_one()
        trail = conn.execute(
            sa.select(AuditEvent.subject, AuditEvent.detail).where(
                AuditEvent.kind == "admitted_anyway"
            )
        ).one()
    assert (visit.override_reason, visit.checked_in_by, admitted) == (
        "Paid at the desk",
        maria(deps),
        visit.id,
    )
    assert tuple(trail) == ("Ella Expired", "expired · Paid at the desk · Downtown")
    [event] = deps.bus.events
    kiosk_id = kiosks.authenticate(door, deps=deps).id
    assert (event.kind, event.admitted_at_kiosk) == (EventKind.CHECK_IN, kiosk_id)
    # The feed: the check-in says who and why; the refusal cannot be admitted twice.
    feed = load_views(deps=deps)[1].feed or []
    arrival = next(item for item in feed if item.kind == "check_in")
    assert feed_row(arrival)["detail"] == "admitted by Maria · Paid at the desk"
    assert not next(item for item in feed if item.kind == "denied").admittable
    # The kiosk that refused her may welcome her, by first name, for a minute.
    assert kiosks.admitted_here(door, deps=deps).first_name == "Ella"


def test_a_second_click_or_a_member_inside_by_now_gets_a_clear_refusal(
    deps: Deps, door: str, clock: FakeClock
) -> None:
    first = refused_at(door, "10000001", deps)
    overrides.admit_anyway(first, "Paid at the desk", by=maria(deps), deps=deps)
    with pytest.raises(Conflict, match="already admitted anyway by Maria"):
        overrides.admit_anyway(first, "Renewing today", by=None, deps=deps)
    # Anna was refused (the gym was full); she got in by the time the desk clicks.
    checkin.check_in("10000003", source=Source.STAFF, deps=deps)
    with pytest.raises(LocationFull):
        checkin.check_in("10000002", source=Source.STAFF, deps=deps)
    with deps.engine.connect() as conn:
        full = conn.execute(sa.select(sa.func.max(DeniedAttempt.id))).scalar_one()
    checkin.check_out("10000003", source=Source.STAFF, deps=deps)
    checkin.check_in("10000002", source=Source.STAFF, deps=deps)
    with pytest.raises(AlreadyCheckedIn, match="Anna Schmidt is already checked in"):
        overrides.admit_anyway(full, "Trial visit", by=None, deps=deps)
    assert count(deps, Visit, Visit.override_reason.is_not(None)) == 1


def test_only_a_membership_s_refusal_is_admitted_and_a_reason_is_needed(
    deps: Deps, door: str
) -> None:
    unknown = refused_at(door, "99999999", deps)
    with pytest.raises(InvalidInput, match="unknown card"):
        overrides.admit_anyway(unknown, "Paid at the desk", by=None, deps=deps)
    member_changes.set_pin("10000002", "2468", deps=deps)
    with pytest.raises(WrongPin):
        kiosks.kiosk_scan(door, "10000002", pin="1111", deps=deps)
    with deps.engine.connect() as conn:
        wrong_pin = conn.execute(sa.select(sa.func.max(DeniedAttempt.id))).scalar_one()
    with pytest.raises(InvalidInput, match="expired, frozen, used-up or full"):
        overrides.admit_anyway(wrong_pin, "Paid at the desk", by=None, deps=deps)
    expired = refused_at(door, "10000001", deps)
    for bad in ("", "   ", "x" * 81, "Paid\u202e"):
        with pytest.raises(InvalidInput) as refused:
            overrides.admit_anyway(expired, bad, by=None, deps=deps)
        assert refused.value.field == REASON
    with pytest.raises(Exception, match="not known"):
        overrides.admit_anyway(10_000, "Paid at the desk", by=None, deps=deps)
    assert count(deps, Visit) == 0


def test_admitted_anyway_takes_no_visit_and_may_pass_a_full_room(deps: Deps, door: str) -> None:
    with pytest.raises(NoVisitsLeft):
        checkin.check_in("10000004", source=Source.STAFF, deps=deps)
    with deps.engine.connect() as conn:
        used_up = conn.execute(sa.select(sa.func.max(DeniedAttempt.id))).scalar_one()
    overrides.admit_anyway(used_up, "Renewing today", by=None, deps=deps)
    assert visits_left(deps, "10000004") == 0
    checkin.check_in("10000002", source=Source.STAFF, deps=deps)  # now 2 of 2 inside
    with pytest.raises(MembershipExpired):
        checkin.check_in("10000001", source=Source.STAFF, deps=deps)
    with deps.engine.connect() as conn:
        expired = conn.execute(sa.select(sa.func.max(DeniedAttempt.id))).scalar_one()
    overrides.admit_anyway(expired, "Manager's approval", by=None, deps=deps)
    assert count(deps, Visit, Visit.checked_out_at.is_(None)) == 3  # over capacity, on purpose


@pytest.mark.timeout(120)
def test_ten_desks_admitting_one_refusal_at_once_admit_once(deps: Deps, door: str) -> None:
    denial = refused_at(door, "10000001", deps)
    clients = [on_own_connection(deps) for _ in range(10)]
    outcomes = all_at_once(
        [partial(overrides.admit_anyway, denial, "Paid", by=None, deps=c) for c in clients]
    )
    admitted = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(admitted) == 1, outcomes
    assert all(isinstance(o, Conflict | AlreadyCheckedIn) for o in outcomes if o not in admitted)
    assert count(deps, Visit) == 1
