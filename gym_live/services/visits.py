"""Closing a visit, one way for every check-out: the member's, the desk's, and the sweep's."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from gym_live.adapters import visit_queries
from gym_live.domain.checkin import CheckoutReason, OpenVisit
from gym_live.domain.events import EventKind, GymEvent
from gym_live.services import peaks


def close_visit(
    session: Session,
    visit: OpenVisit,
    *,
    at: datetime,
    reason: CheckoutReason,
    member_id: str,
    member_name: str | None,
    location_name: str,
    source: str | None = None,
    by: int | None = None,
) -> GymEvent | None:
    """Close an open visit at `at` (never before it began) and describe it for the bus.

    The write is conditional on the visit still being open, so two transactions (two scans
    of one card, two instances sweeping) close it once and announce it once. Returns the
    check-out event to publish after commit, or None when another transaction closed it.
    """
    out_at = max(at, visit.checked_in_at)  # another instance's clock may run ahead
    closed = visit_queries.close_if_open(session, visit.id, at=out_at, reason=reason.value, by=by)
    if not closed:
        return None
    peaks.forget_if_overtaken(session, visit.location_id, out_at)
    return GymEvent(
        kind=EventKind.CHECK_OUT,
        location_id=visit.location_id,
        location_name=location_name,
        at=out_at,
        member_id=member_id,
        member_name=member_name,
        visit_id=visit.id,
        stay_seconds=int((out_at - visit.checked_in_at).total_seconds()),
        reason=reason.value,
        source=source,
    )
