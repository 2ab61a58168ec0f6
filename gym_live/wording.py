"""Reason codes and events in words, in one place: for staff at the desk, for members at the door.

The codes themselves (`domain.errors.Reason`) are for machines: the database, the bus, JSON.
What a member at the door reads is about their own card only and says what to do.
"""

from __future__ import annotations

from gym_live.domain.api_keys import Scope
from gym_live.domain.audit import AuditKind
from gym_live.domain.checkin import Source
from gym_live.domain.errors import Reason
from gym_live.domain.events import EventKind
from gym_live.domain.feed import FeedKind
from gym_live.domain.kiosks import COOLDOWN
from gym_live.domain.member_list import EXPIRING_WITHIN, Validity
from gym_live.domain.members import MemberStatus, Plan
from gym_live.domain.memberships import PASS_VISITS
from gym_live.domain.occupancy import BusyLevel
from gym_live.domain.staff import Role

COOLDOWN_SECONDS = int(COOLDOWN.total_seconds())

# The feed's "what happened" column.
FEED_ACTIONS = {
    FeedKind.CHECK_IN: "Checked in",
    FeedKind.CHECK_OUT: "Checked out",
    FeedKind.AUTO_OUT: "Auto check-out",
    FeedKind.DENIED: "Denied",
}
UNKNOWN_PERSON = "Unknown card"

# Why a check-in was denied, as the feed's detail for staff.
FOR_STAFF = {
    Reason.UNKNOWN_CODE: "unknown card",
    Reason.INVALID_CODE: "not a member code",
    Reason.EXPIRED: "membership expired",
    Reason.FROZEN: "membership frozen",
    Reason.CANCELLED: "membership cancelled",
    Reason.NO_VISITS_LEFT: "no visits left",
    Reason.FULL: "gym full",
    Reason.WRONG_PIN: "wrong PIN",
}

ROLES = {Role.ADMIN: "Admin", Role.FRONT_DESK: "Front desk"}
PLANS = {Plan.TIME: "Time", Plan.VISITS: f"{PASS_VISITS}-visit pass"}
# How a member came in (Visit.source), on their page.
SOURCES = {
    Source.KIOSK: "Kiosk",
    Source.STAFF: "Desk",
    Source.CLI: "Command line",
    Source.API: "API",
}
MEMBER_STATUSES = {
    MemberStatus.ACTIVE: "Active",
    MemberStatus.FROZEN: "Frozen",
    MemberStatus.CANCELLED: "Cancelled",
}
VALIDITIES = {
    Validity.EXPIRED: "Expired",
    Validity.EXPIRING: f"Expiring within {EXPIRING_WITHIN.days} days",
}

# The audit trail's "what happened" column.
AUDIT_KINDS = {
    AuditKind.SIGN_IN_OK: "Signed in",
    AuditKind.SIGN_IN_FAILED: "Sign-in failed",
    AuditKind.SIGN_IN_LOCKED: "Sign-in refused: locked",
    AuditKind.DESK_CHECK_IN: "Checked a member in",
    AuditKind.DESK_CHECK_OUT: "Checked a member out",
    AuditKind.STAFF_ADDED: "Added a staff account",
    AuditKind.ROLE_CHANGED: "Changed a role",
    AuditKind.STAFF_DEACTIVATED: "Deactivated an account",
    AuditKind.STAFF_REACTIVATED: "Reactivated an account",
    AuditKind.PASSWORD_CHANGED: "Changed a password",
    AuditKind.SIGNED_OUT_EVERYWHERE: "Signed an account out everywhere",
    AuditKind.KIOSK_ADDED: "Added a kiosk",
    AuditKind.KIOSK_PAIRED: "Paired a kiosk",
    AuditKind.KIOSK_REVOKED: "Revoked a kiosk",
    AuditKind.LOCATION_ADDED: "Added a location",
    AuditKind.LOCATION_CHANGED: "Changed a location",
    AuditKind.MEMBER_ADDED: "Enrolled a member",
    AuditKind.MEMBER_EXTENDED: "Extended a membership",
    AuditKind.MEMBER_EDITED: "Changed a member's details",
    AuditKind.MEMBER_FROZEN: "Froze a membership",
    AuditKind.MEMBER_UNFROZEN: "Unfroze a membership",
    AuditKind.MEMBER_CANCELLED: "Cancelled a membership",
    AuditKind.MEMBER_REACTIVATED: "Reactivated a membership",
    AuditKind.PIN_SET: "Set a member's PIN",
    AuditKind.PIN_REMOVED: "Removed a member's PIN",
    AuditKind.PASS_ADDED: "Sold a visit pass",
    AuditKind.PHOTO_SET: "Set a member's photo",
    AuditKind.PHOTO_REMOVED: "Removed a member's photo",
    AuditKind.ADMITTED_ANYWAY: "Admitted a refused member anyway",
    AuditKind.MEMBERS_IMPORTED: "Imported members from a file",
    AuditKind.MEMBERS_EXPORTED: "Exported every member to a file",
    AuditKind.API_KEY_ADDED: "Added an API key",
    AuditKind.API_KEY_REVOKED: "Revoked an API key",
    AuditKind.VISITS_EXPORTED: "Exported visits to a file",
    AuditKind.WEBHOOK_SET: "Changed an integration's webhook",
}
# How busy a location is, as the widget on a gym's website says it.
BUSY_LEVELS = {
    BusyLevel.QUIET: "Quiet",
    BusyLevel.MODERATE: "Moderate",
    BusyLevel.BUSY: "Busy",
    BusyLevel.FULL: "Full",
}
# What an API key may do, as /integrations lists it.
SCOPES = {Scope.SCAN: "Scan at doors", Scope.EXPORT: "Export files"}
EVERY_LOCATION = "Every location"
# What a webhook delivery reported, and how it went, as its log says.
WEBHOOK_EVENTS = {
    EventKind.CHECK_IN.value: "Check-in",
    EventKind.CHECK_OUT.value: "Check-out",
    EventKind.DENIED.value: "Refused",
}
DELIVERY_STATUS = {
    "delivered": ("Delivered", "grass"),
    "retrying": ("Retrying", "amber"),
    "waiting": ("Waiting", "gray"),
    "given_up": ("Given up", "red"),
}
# Who did it, when no staff account did: the operator's command line, or an unknown username.
NO_ACCOUNT = "—"

# Why a check-in was refused, as the member at the door reads it.
FOR_MEMBERS = {
    Reason.UNKNOWN_CODE: "This card is not recognised.",
    Reason.INVALID_CODE: "This card is not recognised.",
    Reason.EXPIRED: "Your membership has expired.",
    Reason.FROZEN: "Your membership is frozen.",
    Reason.CANCELLED: "Your membership is not active.",
    Reason.NO_VISITS_LEFT: "Your visit pass has no visits left.",
    Reason.FULL: "The gym is full right now.",
    Reason.WRONG_PIN: "That PIN is not right.",
}

# The kiosk's answer screens: a title and a line of detail.
SEE_THE_DESK = "Please see the front desk"
ADMITTED_AT_DESK = "The front desk has let you in. Enjoy your workout!"
SCAN_FAILED = "Something went wrong with this scan."
NO_NEED_AGAIN = "No need to scan again."
SEE_YOU_SOON = "See you soon!"
COOLDOWN_TITLE = "Please wait a moment"
COOLDOWN_DETAIL = (
    f"Too many unknown cards. Try again in {COOLDOWN_SECONDS} seconds, or ask at the front desk."
)


def for_staff(reason: str | None) -> str:
    """A denial's reason for the feed; an unknown code is shown as it is."""
    return FOR_STAFF.get(reason or "", reason or "")


def for_members(reason: str) -> str:
    """A refusal's reason for the door; nothing for a code a member need not read."""
    return FOR_MEMBERS.get(reason, "")
