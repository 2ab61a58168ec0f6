"""Admit anyway: the desk checks in a member the door (or the desk) refused, with a reason.

The visit records who admitted them and why; the refusal records the visit, at most once
(a second click, a second dashboard: a clear refusal, one visit); the audit trail has it;
the dashboards show "admitted by Maria · paid at the desk", and a kiosk that refused the
member shows them in (live.tasks relays that).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from gym_live.adapters.db import read_session
from gym_live.domain.checkin import CheckinResult
from gym_live.domain.errors import NotFound
from gym_live.domain.overrides import ensure_admittable, override_reason
from gym_live.models import DeniedAttempt, Location, Member, Staff, Visit
from gym_live.services import checkin
from gym_live.services.deps import Deps

# Who admitted a refusal already, when the desk account is gone from the records.
SOMEONE = "another desk"


def admit_anyway(denial_id: int, reason: str, *, by: int | None, deps: Deps) -> CheckinResult:
    """Raises:
    InvalidInput: no reason, an unknown card, or a refusal that is not a membership's.
    Conflict / AlreadyCheckedIn: admitted already, or the member is inside by now.
    NotFound: no such refusal.
    """
    why = override_reason(reason)
    with read_session(deps.engine) as session:
        row = session.execute(_REFUSAL, {"denial_id": denial_id}).first()
    if row is None:
        raise NotFound("That refusal is not known here.")
    refused_for, name, code, location, admitted_by = row
    ensure_admittable(refused_for, name, admitted_by)
    return checkin.admit(code, denial_id, location=location, override=why, by=by, deps=deps)


_ADMITTING = aliased(Visit)
_REFUSAL = (
    sa.select(
        DeniedAttempt.reason,
        Member.full_name,
        Member.member_code,
        Location.name,
        sa.case(
            (
                DeniedAttempt.admitted_visit_id.is_not(None),
                sa.func.coalesce(Staff.display_name, SOMEONE),
            ),
        ),
    )
    .join(Location, Location.id == DeniedAttempt.location_id)
    .outerjoin(Member, Member.id == DeniedAttempt.member_id)
    .outerjoin(_ADMITTING, _ADMITTING.id == DeniedAttempt.admitted_visit_id)
    .outerjoin(Staff, Staff.id == _ADMITTING.checked_in_by)
    .where(DeniedAttempt.id == sa.bindparam("denial_id"))
)
