"""The audit trail: what staff and admins did, for "who did this, and when?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from gym_live.domain.days import optional_day
from gym_live.domain.errors import InvalidInput
from gym_live.domain.text import could_be_a_name

AUDIT_PAGE_SIZE = 50
SUBJECT_LENGTH, DETAIL_LENGTH = 120, 200
# The filter form's fields an error can be about.
PERSON, KIND, SINCE, UNTIL = "person", "kind", "since", "until"


class AuditKind(StrEnum):
    """What happened. Sign-ins and desk check-ins are read from their own tables; the rest
    are written to the audit table by the action itself, in its transaction."""

    SIGN_IN_OK = "sign_in_ok"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_LOCKED = "sign_in_locked"
    DESK_CHECK_IN = "desk_check_in"
    DESK_CHECK_OUT = "desk_check_out"
    STAFF_ADDED = "staff_added"
    ROLE_CHANGED = "role_changed"
    STAFF_DEACTIVATED = "staff_deactivated"
    STAFF_REACTIVATED = "staff_reactivated"
    PASSWORD_CHANGED = "password_changed"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    KIOSK_ADDED = "kiosk_added"
    KIOSK_PAIRED = "kiosk_paired"
    KIOSK_REVOKED = "kiosk_revoked"
    LOCATION_ADDED = "location_added"
    LOCATION_CHANGED = "location_changed"
    MEMBER_ADDED = "member_added"
    MEMBER_EXTENDED = "member_extended"
    MEMBER_EDITED = "member_edited"
    MEMBER_FROZEN = "member_frozen"
    MEMBER_UNFROZEN = "member_unfrozen"
    MEMBER_CANCELLED = "member_cancelled"
    MEMBER_REACTIVATED = "member_reactivated"
    PIN_SET = "pin_set"
    PIN_REMOVED = "pin_removed"
    PASS_ADDED = "pass_added"
    PHOTO_SET = "photo_set"
    PHOTO_REMOVED = "photo_removed"
    ADMITTED_ANYWAY = "admitted_anyway"
    MEMBERS_IMPORTED = "members_imported"
    MEMBERS_EXPORTED = "members_exported"
    API_KEY_ADDED = "api_key_added"
    API_KEY_REVOKED = "api_key_revoked"
    VISITS_EXPORTED = "visits_exported"
    WEBHOOK_SET = "webhook_set"


# The kinds written to the audit table (the others live in sign-ins and visits).
RECORDED = frozenset(AuditKind) - {
    AuditKind.SIGN_IN_OK,
    AuditKind.SIGN_IN_FAILED,
    AuditKind.SIGN_IN_LOCKED,
    AuditKind.DESK_CHECK_IN,
    AuditKind.DESK_CHECK_OUT,
}


@dataclass(frozen=True)
class AuditEntry:
    """One line of the trail. `actor` is who did it (None: the command line, or nobody
    signed in, as for a failed sign-in); `subject` is what it was done to."""

    at: datetime
    kind: AuditKind
    actor: str | None
    subject: str
    detail: str = ""


@dataclass(frozen=True)
class AuditFilter:
    """Which lines to show: by whom (a username), what kind, and between which moments."""

    person: str | None = None
    kind: AuditKind | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def parse_filter(*, person: str, kind: str, since: str, until: str, zone: ZoneInfo) -> AuditFilter:
    """The filter form (dates as YYYY-MM-DD, whole days in the gym's time zone);
    InvalidInput naming the field that is wrong. Empty fields do not filter."""
    try:
        chosen = AuditKind(kind) if kind else None
    except ValueError:
        raise InvalidInput("Choose a kind from the list.", field=KIND) from None
    if not could_be_a_name(person):
        raise InvalidInput("Choose a person from the list.", field=PERSON)
    first, last = optional_day(since, field=SINCE), optional_day(until, field=UNTIL)
    if first and last and last < first:
        raise InvalidInput("The last day is before the first.", field=UNTIL)
    return AuditFilter(
        person=person.strip().casefold() or None,
        kind=chosen,
        since=datetime.combine(first, time(), zone) if first else None,
        until=datetime.combine(last + timedelta(days=1), time(), zone) if last else None,
    )
