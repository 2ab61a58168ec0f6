"""A membership's status over time: which changes apply when, and when a freeze ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from gym_live.domain.checkin import LocationSnapshot, ensure_may_enter
from gym_live.domain.errors import Conflict, InvalidInput, MembershipFrozen
from gym_live.domain.member_status import (
    FROZEN_UNTIL,
    LONGEST_FREEZE,
    REASON,
    StatusChange,
    changed_status,
    freeze_last_day,
    freeze_reason,
    status_on,
)
from gym_live.domain.members import MemberSnapshot, MemberStatus

ACTIVE, FROZEN, CANCELLED = MemberStatus.ACTIVE, MemberStatus.FROZEN, MemberStatus.CANCELLED
TODAY = date(2026, 1, 14)


@pytest.mark.parametrize(
    ("current", "change", "result"),
    [
        (ACTIVE, StatusChange.FREEZE, FROZEN),
        (FROZEN, StatusChange.UNFREEZE, ACTIVE),
        (ACTIVE, StatusChange.CANCEL, CANCELLED),
        (FROZEN, StatusChange.CANCEL, CANCELLED),
        (CANCELLED, StatusChange.REACTIVATE, ACTIVE),
    ],
)
def test_a_change_leads_from_the_statuses_it_applies_to(
    current: MemberStatus, change: StatusChange, result: MemberStatus
) -> None:
    assert changed_status(current, change) is result


@pytest.mark.parametrize(
    ("current", "change", "said"),
    [
        (FROZEN, StatusChange.FREEZE, "already frozen"),
        (CANCELLED, StatusChange.FREEZE, "reactivate it first"),
        (ACTIVE, StatusChange.UNFREEZE, "not frozen"),
        (CANCELLED, StatusChange.UNFREEZE, "cancelled, not frozen"),
        (CANCELLED, StatusChange.CANCEL, "already cancelled"),
        (ACTIVE, StatusChange.REACTIVATE, "already active"),
        (FROZEN, StatusChange.REACTIVATE, "unfreeze it"),
    ],
)
def test_a_change_that_does_not_apply_says_why(
    current: MemberStatus, change: StatusChange, said: str
) -> None:
    with pytest.raises(Conflict, match=said):
        changed_status(current, change)


def test_a_freeze_ends_after_its_last_day_whether_or_not_it_was_written() -> None:
    assert status_on(FROZEN, TODAY, TODAY) is FROZEN  # the last day is still frozen
    assert status_on(FROZEN, TODAY, TODAY + timedelta(days=1)) is ACTIVE
    assert status_on(FROZEN, None, TODAY + timedelta(days=999)) is FROZEN  # until unfrozen
    assert status_on(CANCELLED, TODAY, TODAY + timedelta(days=1)) is CANCELLED


def test_the_door_lets_a_member_in_the_day_after_the_freeze_ends() -> None:
    gym = LocationSnapshot(1, "Downtown", 50, "Europe/Berlin", 0)
    frozen = MemberSnapshot("1", "1001", "Anna", FROZEN, None, frozen_until=TODAY)
    on_the_last_day = datetime(2026, 1, 14, 22, 59, tzinfo=UTC)  # 23:59 in Berlin
    with pytest.raises(MembershipFrozen, match="frozen until 2026-01-14"):
        ensure_may_enter(frozen, gym, on_the_last_day)
    ensure_may_enter(frozen, gym, on_the_last_day + timedelta(minutes=1))  # 00:00 next day
    with pytest.raises(MembershipFrozen, match=r"^This membership is frozen\.$"):
        ensure_may_enter(MemberSnapshot("1", "1001", "Anna", FROZEN, None), gym, on_the_last_day)


def test_a_freeze_needs_a_reason_and_a_last_day_within_a_year() -> None:
    assert freeze_reason("  Knee   surgery ") == "Knee surgery"
    for bad in ("", "   ", "x" * 81, "Trip\u202e"):
        with pytest.raises(InvalidInput) as refused:
            freeze_reason(bad)
        assert refused.value.field == REASON
    assert freeze_last_day(None, TODAY) is None
    assert freeze_last_day(TODAY, TODAY) == TODAY
    assert freeze_last_day(TODAY + LONGEST_FREEZE, TODAY) == TODAY + LONGEST_FREEZE
    for bad, said in (
        (TODAY - timedelta(days=1), "has passed"),
        (TODAY + LONGEST_FREEZE + timedelta(days=1), "within a year"),
    ):
        with pytest.raises(InvalidInput, match=said) as refused:
            freeze_last_day(bad, TODAY)
        assert refused.value.field == FROZEN_UNTIL
