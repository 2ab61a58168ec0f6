"""Admit anyway: staff let in a member the door refused, for a reason they give, recorded
with the visit and in the audit trail."""

from __future__ import annotations

from gym_live.domain.errors import Conflict, InvalidInput, Reason
from gym_live.domain.text import tidy_name

# The refusals a person at the desk may overrule; an unknown card or a wrong PIN is not a
# membership question, and a cancelled membership is ended on purpose.
ADMITTABLE = frozenset({Reason.EXPIRED, Reason.FROZEN, Reason.NO_VISITS_LEFT, Reason.FULL})
OVERRIDE_REASON_LENGTH = 80
# What the desk most often says (the form offers them).
OVERRIDE_REASONS = ("Paid at the desk", "Renewing today", "Trial visit", "Manager's approval")
# The form's field an error can be about.
REASON = "override_reason"


def override_reason(raw: str) -> str:
    return tidy_name(
        raw,
        what="A reason",
        max_length=OVERRIDE_REASON_LENGTH,
        missing="Say why the member is let in anyway.",
        field=REASON,
    )


def ensure_admittable(refused_for: str, member: str | None, admitted_by: str | None) -> None:
    """Raise why this refusal cannot be overruled: it already was (by whom), the card was
    nobody's, or its reason is not a membership's.

    `member` is the refused member's name (None: an unknown card); `admitted_by`, who
    already admitted them anyway, if anyone did.
    """
    if admitted_by is not None:
        raise Conflict(f"{member} was already admitted anyway by {admitted_by}.")
    if member is None:
        raise InvalidInput("An unknown card cannot be admitted: find the member first.")
    if refused_for not in ADMITTABLE:
        raise InvalidInput("Only an expired, frozen, used-up or full refusal is admitted anyway.")
