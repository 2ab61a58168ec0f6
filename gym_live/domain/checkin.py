"""The check-in rules: what a scan, a staff check-in or a check-out does, decided from facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from gym_live.domain.errors import (
    AlreadyCheckedIn,
    AlreadyCheckedOut,
    LocationFull,
    MembershipCancelled,
    MembershipFrozen,
    NotCheckedIn,
)
from gym_live.domain.member_status import status_on
from gym_live.domain.members import MemberSnapshot, MemberStatus
from gym_live.domain.memberships import ensure_entitled


class Action(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"


class CheckoutReason(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    AUTO = "auto"


class Source(StrEnum):
    KIOSK = "kiosk"
    STAFF = "staff"
    CLI = "cli"
    API = "api"


@dataclass(frozen=True)
class LocationSnapshot:
    id: int
    name: str
    capacity: int
    timezone: str
    inside_now: int

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class OpenVisit:
    id: int
    location_id: int
    checked_in_at: datetime


@dataclass(frozen=True)
class CheckinResult:
    """What a check-in or check-out did, as the door, the desk and the CLI report it."""

    action: Action
    member: MemberSnapshot
    location: LocationSnapshot
    visit_id: int
    checked_in_at: datetime
    checked_out_at: datetime | None = None
    stay_seconds: int | None = None
    # For a check-in: the member's visits since the 1st of the month, this one included;
    # the visits left on the pass, when it used one; the last day of what it ran on, when
    # that comes within a week (domain.memberships.ends_soon).
    visits_this_month: int | None = None
    visits_left: int | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class ScanFacts:
    """Everything a scan decision depends on, read in the same transaction that acts on it."""

    member: MemberSnapshot
    location: LocationSnapshot
    open_visit: OpenVisit | None
    last_checkout_at: datetime | None
    now: datetime
    rescan_window: timedelta


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """A wall-clock time as people at the location read it, e.g. 10:02."""
    return moment.astimezone(zone).strftime("%H:%M")


def decide_scan(facts: ScanFacts) -> Action:
    """Decide what a kiosk scan does: the kiosk toggles, but never on a double read.

    A visit open at another location is left for the service to close before checking in here.

    Raises:
        AlreadyCheckedIn: the visit here began within the re-scan window.
        AlreadyCheckedOut: the member checked out within the re-scan window.
        ScanRefused: a subclass naming why a check-in is not allowed.
    """
    visit, zone = facts.open_visit, facts.location.zone
    if visit is not None and visit.location_id == facts.location.id:
        if facts.now - visit.checked_in_at < facts.rescan_window:
            raise AlreadyCheckedIn(
                f"Already checked in at {local_time(visit.checked_in_at, zone)}.",
                since=visit.checked_in_at,
            )
        return Action.CHECK_OUT
    recent_checkout = facts.last_checkout_at
    if visit is None and recent_checkout and facts.now - recent_checkout < facts.rescan_window:
        raise AlreadyCheckedOut(f"Already checked out at {local_time(recent_checkout, zone)}.")
    ensure_may_enter(facts.member, facts.location, facts.now)
    return Action.CHECK_IN


def ensure_may_enter(member: MemberSnapshot, location: LocationSnapshot, now: datetime) -> None:
    """Raise the specific refusal if the member may not check in here now."""
    today = now.astimezone(location.zone).date()
    status = status_on(member.status, member.frozen_until, today)
    if status is MemberStatus.CANCELLED:
        raise MembershipCancelled("This membership has been cancelled.")
    if status is MemberStatus.FROZEN:
        last_day = member.frozen_until
        raise MembershipFrozen(
            f"This membership is frozen until {last_day.isoformat()}."
            if last_day
            else "This membership is frozen."
        )
    ensure_entitled(member, today)
    if location.inside_now >= location.capacity:
        raise LocationFull(f"{location.name} is full ({location.capacity} people).")


def decide_staff_check_in(
    member: MemberSnapshot,
    location: LocationSnapshot,
    open_visit: OpenVisit | None,
    now: datetime,
) -> None:
    """Staff check a member in explicitly: same rules as the door, but never a toggle."""
    if open_visit is not None and open_visit.location_id == location.id:
        raise AlreadyCheckedIn(
            f"{member.full_name} is already checked in "
            f"(since {local_time(open_visit.checked_in_at, location.zone)}).",
            since=open_visit.checked_in_at,
        )
    ensure_may_enter(member, location, now)


def require_open_visit(member: MemberSnapshot, open_visit: OpenVisit | None) -> OpenVisit:
    """Checking out needs an open visit; it is never refused for the membership's state."""
    if open_visit is None:
        raise NotCheckedIn(f"{member.full_name} is not checked in.")
    return open_visit


def auto_checkout_time(checked_in_at: datetime, max_stay: timedelta) -> datetime:
    """An abandoned visit is closed as if the member left when the maximum stay ran out."""
    return checked_in_at + max_stay


def overdue_before(now: datetime, max_stay: timedelta) -> datetime:
    """Visits that began before this moment have outstayed the maximum and are closed."""
    return now - max_stay
