"""What a check-in runs on: time, or a visit of the pass; and what the kiosk says of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from gym_live.domain.checkin import Action, CheckinResult, LocationSnapshot
from gym_live.domain.errors import InvalidInput, MembershipExpired, NoVisitsLeft
from gym_live.domain.members import MemberSnapshot, MemberStatus, Plan
from gym_live.domain.memberships import (
    MAX_VISITS_LEFT,
    PASS_UNTIL,
    PASS_VISITS,
    ends_soon,
    ensure_entitled,
    pass_added,
    uses_a_visit,
)
from gym_live.presentation import welcome_detail

TODAY = date(2026, 1, 14)  # a Wednesday
ON_TIME = MemberSnapshot("1", "1001", "Anna Schmidt", MemberStatus.ACTIVE, TODAY)
ON_A_PASS = replace(ON_TIME, valid_until=None, plan=Plan.VISITS, visits_left=3)
DAY = timedelta(days=1)


def test_time_that_holds_uses_no_visit_and_a_pass_is_kept_for_after() -> None:
    holding_a_pass = replace(ON_TIME, visits_left=5)
    for member in (ON_TIME, holding_a_pass, replace(ON_TIME, valid_until=None)):
        ensure_entitled(member, TODAY)
        assert not uses_a_visit(member, TODAY)
    ensure_entitled(holding_a_pass, TODAY + DAY)  # the time ran out: the pass takes over
    assert uses_a_visit(holding_a_pass, TODAY + DAY)


def test_a_pass_is_used_until_its_visits_or_its_days_run_out() -> None:
    ensure_entitled(ON_A_PASS, TODAY)
    assert uses_a_visit(ON_A_PASS, TODAY)
    with pytest.raises(NoVisitsLeft, match="no visits left"):
        ensure_entitled(replace(ON_A_PASS, visits_left=0), TODAY)
    with pytest.raises(NoVisitsLeft, match="no visit pass"):
        ensure_entitled(replace(ON_A_PASS, visits_left=None), TODAY)
    until_today = replace(ON_A_PASS, pass_until=TODAY)
    ensure_entitled(until_today, TODAY)
    with pytest.raises(MembershipExpired, match="pass expired on 2026-01-14"):
        ensure_entitled(until_today, TODAY + DAY)


def test_time_run_out_without_a_pass_that_holds_is_expired() -> None:
    with pytest.raises(MembershipExpired, match="membership expired on 2026-01-14"):
        ensure_entitled(ON_TIME, TODAY + DAY)
    empty_pass = replace(ON_TIME, visits_left=0)
    with pytest.raises(NoVisitsLeft):
        ensure_entitled(empty_pass, TODAY + DAY)
    expired_pass = replace(ON_TIME, visits_left=4, pass_until=TODAY)
    with pytest.raises(MembershipExpired, match="membership expired"):
        ensure_entitled(expired_pass, TODAY + DAY)


def test_the_end_of_what_the_check_in_ran_on_is_told_a_week_ahead() -> None:
    assert ends_soon(replace(ON_TIME, valid_until=TODAY + 6 * DAY), TODAY) == TODAY + 6 * DAY
    assert ends_soon(replace(ON_TIME, valid_until=TODAY + 7 * DAY), TODAY) is None
    assert ends_soon(replace(ON_TIME, valid_until=None), TODAY) is None
    assert ends_soon(replace(ON_A_PASS, pass_until=TODAY + 2 * DAY), TODAY) == TODAY + 2 * DAY
    assert ends_soon(ON_A_PASS, TODAY) is None  # a pass with no last day


def test_a_pass_added_adds_visits_and_runs_to_the_later_last_day() -> None:
    later = TODAY + 30 * DAY
    assert pass_added(None, None, None, TODAY) == (PASS_VISITS, None)
    assert pass_added(None, None, later, TODAY) == (PASS_VISITS, later)
    assert pass_added(3, TODAY + DAY, later, TODAY) == (3 + PASS_VISITS, later)
    assert pass_added(3, later, TODAY + DAY, TODAY) == (3 + PASS_VISITS, later)
    assert pass_added(3, later, None, TODAY) == (3 + PASS_VISITS, None)  # no last day wins
    # An empty or expired pass is replaced, its old visits and day gone.
    assert pass_added(0, TODAY - DAY, None, TODAY) == (PASS_VISITS, None)
    assert pass_added(4, TODAY - DAY, later, TODAY) == (PASS_VISITS, later)
    for until, said in ((TODAY - DAY, "has passed"), (TODAY + 1200 * DAY, "three years")):
        with pytest.raises(InvalidInput, match=said) as refused:
            pass_added(None, None, until, TODAY)
        assert refused.value.field == PASS_UNTIL
    with pytest.raises(InvalidInput, match=f"at most {MAX_VISITS_LEFT}"):
        pass_added(MAX_VISITS_LEFT - 1, None, None, TODAY)


def welcomed(member: MemberSnapshot, **done: object) -> str:
    gym = LocationSnapshot(1, "Downtown", 50, "Europe/Berlin", 1)
    at = datetime(2026, 1, 14, 9, 0, tzinfo=UTC)
    result = CheckinResult(Action.CHECK_IN, member, gym, 1, at, visits_this_month=1)
    return welcome_detail(replace(result, **done))


def test_the_kiosk_says_the_visits_left_and_the_day_it_ends() -> None:
    assert welcomed(ON_A_PASS, visits_left=7) == "7 visits left · 1 visit this month"
    assert welcomed(ON_A_PASS, visits_left=1).startswith("1 visit left ·")
    assert welcomed(ON_A_PASS, visits_left=0).startswith("The last visit on your pass ·")
    friday = TODAY + 2 * DAY
    assert welcomed(replace(ON_TIME, valid_until=friday), ends_on=friday) == (
        "Membership valid until 16 Jan 2026 · Your membership ends on Friday · 1 visit this month"
    )
    assert "Your pass ends tomorrow" in welcomed(ON_A_PASS, visits_left=2, ends_on=TODAY + DAY)
    assert "ends today" in welcomed(ON_TIME, ends_on=TODAY)
    assert welcomed(replace(ON_TIME, valid_until=None)).startswith("Membership active ·")
