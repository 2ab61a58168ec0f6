"""What a check-in runs on: the time membership (until its valid-until date, or with no
end), or, when there is none that holds today, a visit of the member's pass."""

from __future__ import annotations

from datetime import date, timedelta

from gym_live.domain.errors import InvalidInput, MembershipExpired, NoVisitsLeft
from gym_live.domain.members import MemberSnapshot, Plan

# The pass the desk sells, in visits.
PASS_VISITS = 10
# At most this many visits on one pass (a typo of 1000 is refused, not sold).
MAX_VISITS_LEFT = 200
LONGEST_PASS = timedelta(days=3 * 366)
# The kiosk's welcome tells a member their membership or pass ends within this.
ENDS_SOON = timedelta(days=7)
# The pass form's field an error can be about.
PASS_UNTIL = "pass_until"


def time_holds(member: MemberSnapshot, today: date) -> bool:
    until = member.valid_until
    return member.plan is Plan.TIME and (until is None or today <= until)


def uses_a_visit(member: MemberSnapshot, today: date) -> bool:
    """A check-in today takes a visit off the pass: no time membership holds today."""
    return not time_holds(member, today)


def ensure_entitled(member: MemberSnapshot, today: date) -> None:
    """Raise why the member may not check in today on time or on a pass.

    Raises:
        MembershipExpired: the time membership ended and there is no pass that holds, or
            the pass itself has expired.
        NoVisitsLeft: the pass (or a visits-only member's missing one) has no visits left.
    """
    if time_holds(member, today):
        return
    pass_ended = member.pass_until is not None and today > member.pass_until
    if member.visits_left is None or pass_ended:
        if member.plan is Plan.TIME:
            assert member.valid_until is not None  # a time membership with no end holds
            raise MembershipExpired(f"This membership expired on {member.valid_until.isoformat()}.")
        if pass_ended:
            assert member.pass_until is not None
            raise MembershipExpired(f"This visit pass expired on {member.pass_until.isoformat()}.")
        raise NoVisitsLeft("This member has no visit pass.")
    if member.visits_left <= 0:
        raise NoVisitsLeft("This visit pass has no visits left.")


def ends_soon(member: MemberSnapshot, today: date) -> date | None:
    """The last day of what this check-in ran on, when it comes within ENDS_SOON."""
    last = member.valid_until if time_holds(member, today) else member.pass_until
    return last if last is not None and last - today < ENDS_SOON else None


def pass_added(
    visits_left: int | None, until: date | None, added_until: date | None, today: date
) -> tuple[int, date | None]:
    """The pass after adding PASS_VISITS visits running to `added_until` (None: no last
    day). Added to a pass that still holds, the visits add up and it runs to the later
    last day; an empty or expired pass is replaced."""
    if added_until is not None and added_until < today:
        raise InvalidInput("That day has passed: a pass ends today or later.", field=PASS_UNTIL)
    if added_until is not None and added_until > today + LONGEST_PASS:
        raise InvalidInput("A pass ends within three years.", field=PASS_UNTIL)
    if not visits_left or (until is not None and until < today):
        return PASS_VISITS, added_until
    if visits_left + PASS_VISITS > MAX_VISITS_LEFT:
        raise InvalidInput(f"A pass holds at most {MAX_VISITS_LEFT} visits.")
    last = None if until is None or added_until is None else max(until, added_until)
    return visits_left + PASS_VISITS, last
