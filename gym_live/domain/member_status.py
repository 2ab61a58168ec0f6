"""A membership's status over time: frozen (with a reason, and perhaps a last day after
which it unfreezes by itself), unfrozen, cancelled, reactivated."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from gym_live.domain.errors import Conflict, InvalidInput
from gym_live.domain.members import MemberStatus
from gym_live.domain.text import tidy_name

FREEZE_REASON_LENGTH = 80
# A freeze with a last day ends at most this far ahead (a longer one has no last day).
LONGEST_FREEZE = timedelta(days=366)
# What the desk most often freezes a membership for (the form offers them).
FREEZE_REASONS = ("Injury", "Travel", "Pregnancy", "Illness", "Paused payment")
# The freeze form's fields an error can be about.
REASON, FROZEN_UNTIL = "reason", "frozen_until"


class StatusChange(StrEnum):
    FREEZE = "freeze"
    UNFREEZE = "unfreeze"
    CANCEL = "cancel"
    REACTIVATE = "reactivate"


# Each change, the statuses it may start from, and the status it leads to.
_CHANGES = {
    StatusChange.FREEZE: ((MemberStatus.ACTIVE,), MemberStatus.FROZEN),
    StatusChange.UNFREEZE: ((MemberStatus.FROZEN,), MemberStatus.ACTIVE),
    StatusChange.CANCEL: ((MemberStatus.ACTIVE, MemberStatus.FROZEN), MemberStatus.CANCELLED),
    StatusChange.REACTIVATE: ((MemberStatus.CANCELLED,), MemberStatus.ACTIVE),
}
# Why a change does not apply, by the status it was tried on.
_NOT_NOW = {
    (StatusChange.FREEZE, MemberStatus.FROZEN): "This membership is already frozen.",
    (StatusChange.FREEZE, MemberStatus.CANCELLED): (
        "A cancelled membership cannot be frozen: reactivate it first."
    ),
    (StatusChange.UNFREEZE, MemberStatus.ACTIVE): "This membership is not frozen.",
    (StatusChange.UNFREEZE, MemberStatus.CANCELLED): "This membership is cancelled, not frozen.",
    (StatusChange.CANCEL, MemberStatus.CANCELLED): "This membership is already cancelled.",
    (StatusChange.REACTIVATE, MemberStatus.ACTIVE): "This membership is already active.",
    (StatusChange.REACTIVATE, MemberStatus.FROZEN): (
        "This membership is frozen, not cancelled: unfreeze it."
    ),
}


def changed_status(current: MemberStatus, change: StatusChange) -> MemberStatus:
    """The status `change` leads to from `current`.

    Raises:
        Conflict: the change does not apply now (two desks at once, or a stale page).
    """
    starts, result = _CHANGES[change]
    if current not in starts:
        raise Conflict(_NOT_NOW[(change, current)])
    return result


def status_on(status: MemberStatus, frozen_until: date | None, today: date) -> MemberStatus:
    """The status that holds today: a freeze whose last day has passed is over, whether or
    not the sweep has written that yet."""
    if status is MemberStatus.FROZEN and frozen_until is not None and today > frozen_until:
        return MemberStatus.ACTIVE
    return status


def freeze_reason(raw: str) -> str:
    return tidy_name(
        raw,
        what="A reason",
        max_length=FREEZE_REASON_LENGTH,
        missing="Say why the membership is frozen.",
        field=REASON,
    )


def freeze_last_day(until: date | None, today: date) -> date | None:
    """A freeze's last day (None: until someone unfreezes it): today or later, within a
    year."""
    if until is None:
        return None
    if until < today:
        raise InvalidInput("That day has passed: a freeze ends today or later.", field=FROZEN_UNTIL)
    if until > today + LONGEST_FREEZE:
        raise InvalidInput(
            "A freeze with a last day ends within a year; leave it empty to freeze until "
            "someone unfreezes it.",
            field=FROZEN_UNTIL,
        )
    return until
