"""The door's rules, decided from facts with a fixed `now`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from gym_live.domain import checkin as rules
from gym_live.domain.checkin import Action, LocationSnapshot, OpenVisit, ScanFacts
from gym_live.domain.errors import (
    AlreadyCheckedIn,
    AlreadyCheckedOut,
    LocationFull,
    MembershipCancelled,
    MembershipExpired,
    MembershipFrozen,
    NotCheckedIn,
)
from gym_live.domain.members import MemberSnapshot, MemberStatus

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)  # 10:30 in Berlin
WINDOW = timedelta(seconds=60)
ANNA = MemberSnapshot("m1", "10000001", "Anna Schmidt", MemberStatus.ACTIVE, date(2026, 12, 31))
GYM = LocationSnapshot(1, "Downtown", capacity=50, timezone="Europe/Berlin", inside_now=10)


def facts(**changes: object) -> ScanFacts:
    base = ScanFacts(ANNA, GYM, None, None, NOW, WINDOW)
    return replace(base, **changes)


def test_a_member_outside_is_checked_in() -> None:
    assert rules.decide_scan(facts()) is Action.CHECK_IN


def test_a_second_scan_inside_the_window_changes_nothing_and_says_when() -> None:
    visit = OpenVisit(7, GYM.id, NOW - timedelta(seconds=30))
    with pytest.raises(AlreadyCheckedIn) as refused:
        rules.decide_scan(facts(open_visit=visit))
    assert refused.value.message == "Already checked in at 10:29."  # Berlin wall clock
    assert refused.value.since == visit.checked_in_at


def test_a_scan_after_the_window_checks_out() -> None:
    visit = OpenVisit(7, GYM.id, NOW - WINDOW)
    assert rules.decide_scan(facts(open_visit=visit)) is Action.CHECK_OUT


@pytest.mark.parametrize(
    "member",
    [
        replace(ANNA, status=MemberStatus.FROZEN),
        replace(ANNA, status=MemberStatus.CANCELLED),
        replace(ANNA, valid_until=date(2026, 3, 1)),
    ],
)
def test_checking_out_is_never_refused_for_the_membership(member: MemberSnapshot) -> None:
    visit = OpenVisit(7, GYM.id, NOW - timedelta(hours=1))
    assert rules.decide_scan(facts(member=member, open_visit=visit)) is Action.CHECK_OUT
    assert rules.require_open_visit(member, visit) == visit


def test_a_scan_just_after_checking_out_is_a_double_read() -> None:
    with pytest.raises(AlreadyCheckedOut, match="Already checked out at 10:29"):
        rules.decide_scan(facts(last_checkout_at=NOW - timedelta(seconds=20)))
    assert rules.decide_scan(facts(last_checkout_at=NOW - WINDOW)) is Action.CHECK_IN


@pytest.mark.parametrize(
    ("member", "location", "error", "message"),
    [
        (replace(ANNA, status=MemberStatus.CANCELLED), GYM, MembershipCancelled, "cancelled"),
        (replace(ANNA, status=MemberStatus.FROZEN), GYM, MembershipFrozen, "frozen"),
        (replace(ANNA, valid_until=date(2026, 3, 9)), GYM, MembershipExpired, "2026-03-09"),
        (ANNA, replace(GYM, inside_now=50), LocationFull, r"Downtown is full \(50 people\)"),
    ],
)
def test_refusals_name_their_reason(member, location, error, message) -> None:
    with pytest.raises(error, match=message) as refused:
        rules.decide_scan(facts(member=member, location=location))
    assert refused.value.code in {"cancelled", "frozen", "expired", "full"}


def test_membership_runs_to_the_end_of_its_last_day_in_the_location_timezone() -> None:
    last_day = replace(ANNA, valid_until=date(2026, 3, 10))
    # 23:30 UTC on the 10th is already the 11th in Berlin: expired there, valid in New York.
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    with pytest.raises(MembershipExpired):
        rules.decide_scan(facts(member=last_day, now=late))
    new_york = replace(GYM, timezone="America/New_York")
    assert rules.decide_scan(facts(member=last_day, location=new_york, now=late)) is Action.CHECK_IN


def test_a_visit_open_elsewhere_does_not_toggle_here() -> None:
    elsewhere = OpenVisit(7, location_id=2, checked_in_at=NOW - timedelta(seconds=10))
    assert rules.decide_scan(facts(open_visit=elsewhere)) is Action.CHECK_IN


def test_staff_check_in_refuses_someone_already_inside_and_follows_door_rules() -> None:
    inside = OpenVisit(7, GYM.id, NOW - timedelta(hours=2))
    with pytest.raises(AlreadyCheckedIn, match="Anna Schmidt is already checked in"):
        rules.decide_staff_check_in(ANNA, GYM, inside, NOW)
    with pytest.raises(MembershipFrozen):
        rules.decide_staff_check_in(replace(ANNA, status=MemberStatus.FROZEN), GYM, None, NOW)
    rules.decide_staff_check_in(ANNA, GYM, None, NOW)


def test_checking_out_someone_not_inside_is_refused() -> None:
    with pytest.raises(NotCheckedIn, match="Anna Schmidt is not checked in"):
        rules.require_open_visit(ANNA, None)


def test_auto_check_out_happens_when_the_maximum_stay_ran_out() -> None:
    arrived = NOW - timedelta(hours=5)
    assert rules.auto_checkout_time(arrived, timedelta(hours=4)) == NOW - timedelta(hours=1)
    assert rules.overdue_before(NOW, timedelta(hours=4)) == NOW - timedelta(hours=4)
