"""The audit trail: admins' actions are written here, in the action's own transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from gym_live.domain.audit import DETAIL_LENGTH, RECORDED, SUBJECT_LENGTH, AuditKind
from gym_live.models import AuditEvent


def record(
    session: Session,
    kind: AuditKind,
    subject: str,
    *,
    by: int | None,
    at: datetime,
    detail: str = "",
) -> None:
    """Add one audit line; committed (or rolled back) with the change it describes."""
    assert kind in RECORDED, kind
    session.add(
        AuditEvent(
            at=at,
            actor_id=by,
            kind=kind.value,
            subject=subject[:SUBJECT_LENGTH],
            detail=detail[:DETAIL_LENGTH],
        )
    )
