"""Check-in use cases on real databases: what is stored, and what is announced after commit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from gym_live.adapters.db import read_session
from gym_live.domain.checkin import Action, Source
from gym_live.domain.errors import (
    AlreadyCheckedIn,
    AlreadyCheckedOut,
    LocationFull,
    MembershipExpired,
    MembershipFrozen,
    NotCheckedIn,
    NotFound,
    UnknownCode,
)
from gym_live.domain.events import EventKind
from gym_live.models import DeniedAttempt, Visit
from gym_live.services import checkin
from gym_live.services.deps import Deps
from tests.helpers.builders import count, gym, member, open_visits
from tests.helpers.fakes import FakeClock

KIOSK = Source.KIOSK


@pytest.fixture
def anna(deps: Deps) -> str:
    gym(deps)
    member(deps, "10000001", valid_until=date(2026, 12, 31))
    return "10000001"


def test_scan_toggles_in_and_out_and_publishes_after_commit(
    deps: Deps, clock: FakeClock, anna: str
) -> None:
    entered = checkin.scan(anna, source=KIOSK, deps=deps)
    assert entered.action is Action.CHECK_IN and entered.location.inside_now == 1
    assert [e.kind for e in deps.bus.events] == [EventKind.CHECK_IN]
    assert deps.bus.events[0].member_name == "Anna Schmidt"

    clock.advance(minutes=72)
    left = checkin.scan(anna, source=KIOSK, deps=deps)
    assert left.action is Action.CHECK_OUT and left.stay_seconds == 72 * 60
    out = deps.bus.events[-1]
    assert (out.kind, out.stay_seconds, out.reason, out.visit_id) == (
        EventKind.CHECK_OUT,
        4320,
        "member",
        entered.visit_id,
    )
    assert open_visits(deps) == 0 and count(deps, Visit) == 1


def test_double_scans_change_nothing(deps: Deps, clock: FakeClock, anna: str) -> None:
    checkin.scan(anna, source=KIOSK, deps=deps)
    clock.advance(seconds=5)
    with pytest.raises(AlreadyCheckedIn, match="Already checked in at 10:00"):
        checkin.scan(anna, source=KIOSK, deps=deps)
    clock.advance(minutes=30)
    checkin.scan(anna, source=KIOSK, deps=deps)
    clock.advance(seconds=3)
    with pytest.raises(AlreadyCheckedOut):
        checkin.scan(anna, source=KIOSK, deps=deps)
    assert count(deps, Visit) == 1 and count(deps, DeniedAttempt) == 0
    assert len(deps.bus.events) == 2


def test_refusals_are_recorded_and_announced(deps: Deps) -> None:
    gym(deps, capacity=1)
    member(deps, "20000001", "Eva Expired", valid_until=date(2026, 1, 1))
    member(deps, "20000002", "Fred Frozen", status="frozen")
    member(deps, "20000003", "Ida Inside")
    member(deps, "20000004", "Olga Overflow")
    for code, error in (
        ("20000001", MembershipExpired),
        ("20000002", MembershipFrozen),
        ("99999999", UnknownCode),
    ):
        with pytest.raises(error):
            checkin.scan(code, source=KIOSK, deps=deps)
    checkin.scan("20000003", source=KIOSK, deps=deps)
    with pytest.raises(LocationFull):
        checkin.scan("20000004", source=KIOSK, deps=deps)
    denied = [e for e in deps.bus.events if e.kind is EventKind.DENIED]
    assert [(e.reason, e.member_name) for e in denied] == [
        ("expired", "Eva Expired"),
        ("frozen", "Fred Frozen"),
        ("unknown_code", None),
        ("full", "Olga Overflow"),
    ]
    assert count(deps, DeniedAttempt) == 4 and open_visits(deps) == 1


def test_staff_check_in_and_out(deps: Deps, clock: FakeClock, anna: str) -> None:
    checkin.check_in(anna, source=Source.STAFF, deps=deps)
    with pytest.raises(AlreadyCheckedIn, match="already checked in"):
        checkin.check_in(anna, source=Source.STAFF, deps=deps)
    clock.advance(minutes=1)
    done = checkin.check_out(anna, source=Source.STAFF, deps=deps)
    assert done.action is Action.CHECK_OUT and deps.bus.events[-1].reason == "staff"
    with pytest.raises(NotCheckedIn, match="not checked in"):
        checkin.check_out(anna, source=Source.STAFF, deps=deps)


def test_an_expired_member_inside_can_still_leave(deps: Deps, clock: FakeClock, anna: str) -> None:
    checkin.scan(anna, source=KIOSK, deps=deps)
    clock.advance(days=400)  # long past valid-until
    assert checkin.scan(anna, source=KIOSK, deps=deps).action is Action.CHECK_OUT


def test_moving_to_another_location_closes_the_old_visit(
    deps: Deps, clock: FakeClock, anna: str
) -> None:
    gym(deps, name="Harbour")
    checkin.scan(anna, location="Downtown", source=KIOSK, deps=deps)
    clock.advance(minutes=20)
    moved = checkin.scan(anna, location="Harbour", source=KIOSK, deps=deps)
    assert moved.action is Action.CHECK_IN and moved.location.name == "Harbour"
    kinds = [(e.kind, e.location_name, e.reason) for e in deps.bus.events[-2:]]
    assert kinds == [
        (EventKind.CHECK_OUT, "Downtown", "auto"),
        (EventKind.CHECK_IN, "Harbour", None),
    ]
    assert open_visits(deps) == 1


def test_unknown_or_ambiguous_location_is_refused(deps: Deps, anna: str) -> None:
    with pytest.raises(NotFound, match="No location named 'Nowhere'"):
        checkin.scan(anna, location="Nowhere", source=KIOSK, deps=deps)
    gym(deps, name="Harbour")
    with pytest.raises(Exception, match="several locations"):
        checkin.scan(anna, source=KIOSK, deps=deps)
    assert count(deps, Visit) == 0


def test_stored_times_are_utc_and_aware(deps: Deps, clock: FakeClock, anna: str) -> None:
    result = checkin.scan(anna, source=KIOSK, deps=deps)
    with read_session(deps.engine) as session:
        visit = session.get(Visit, result.visit_id)
        assert visit is not None
        assert visit.checked_in_at == clock.now
        assert visit.checked_in_at.utcoffset() == timedelta(0)


def test_a_check_in_counts_the_visits_of_the_month_in_the_location_time_zone(
    deps: Deps, clock: FakeClock, anna: str
) -> None:
    # The gym is in Berlin (UTC+1 in winter): 23:10 UTC on 31 January is already 1 February.
    visits = []
    for at in ("2026-01-20T09:00", "2026-01-31T22:50", "2026-01-31T23:10", "2026-02-01T08:00"):
        clock.now = datetime.fromisoformat(at).replace(tzinfo=UTC)
        visits.append(checkin.scan(anna, source=KIOSK, deps=deps).visits_this_month)
        clock.advance(minutes=5)
        assert checkin.scan(anna, source=KIOSK, deps=deps).visits_this_month is None  # out
    assert visits == [1, 2, 1, 2]
