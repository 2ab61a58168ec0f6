"""The audit trail: admins' actions are written here, in the action's own transaction, and
read back with sign-ins and the desk's check-ins and check-outs, newest first."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from gym_live.adapters.db import read_session
from gym_live.domain.audit import (
    AUDIT_PAGE_SIZE,
    DETAIL_LENGTH,
    RECORDED,
    SUBJECT_LENGTH,
    AuditEntry,
    AuditFilter,
    AuditKind,
)
from gym_live.models import (
    AuditEvent,
    Location,
    Member,
    SignInAttempt,
    Staff,
    Visit,
)
from gym_live.services.deps import Deps


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


def trail(flt: AuditFilter, *, page: int = 0, deps: Deps) -> tuple[list[AuditEntry], bool]:
    """One page of the trail, newest first, and whether older lines follow.

    The admins' actions, every sign-in attempt and the desk's check-ins and check-outs, read
    from their own tables as one union; each part is narrowed by person and time first.
    """
    lines = sa.union_all(*_parts(flt)).subquery()
    query = sa.select(lines).order_by(lines.c.at.desc(), lines.c.kind)
    if flt.kind is not None:
        query = query.where(lines.c.kind == flt.kind.value)
    query = query.limit(AUDIT_PAGE_SIZE + 1).offset(max(0, page) * AUDIT_PAGE_SIZE)
    with read_session(deps.engine) as session:
        if flt.person is not None:
            actor = session.scalar(sa.select(Staff.id).where(Staff.username == flt.person))
            if actor is None:
                return [], False
            query = query.where(lines.c.actor_id == actor)
        rows = session.execute(query).all()
    entries = [
        AuditEntry(
            at=row.at,
            kind=AuditKind(row.kind),
            actor=row.actor,
            subject=row.subject or "",
            detail=row.detail or "",
        )
        for row in rows[:AUDIT_PAGE_SIZE]
    ]
    return entries, len(rows) > AUDIT_PAGE_SIZE


def _parts(flt: AuditFilter) -> list[sa.Select]:
    actor = aliased(Staff)
    staff_in, staff_out = aliased(Staff), aliased(Staff)
    outcome_kind = sa.literal("sign_in_", sa.String) + SignInAttempt.outcome
    parts = [
        sa.select(
            AuditEvent.at.label("at"),
            AuditEvent.kind.label("kind"),
            AuditEvent.actor_id.label("actor_id"),
            actor.display_name.label("actor"),
            AuditEvent.subject.label("subject"),
            AuditEvent.detail.label("detail"),
        ).outerjoin(actor, actor.id == AuditEvent.actor_id),
        sa.select(
            SignInAttempt.at,
            outcome_kind,
            SignInAttempt.staff_id,
            actor.display_name,
            SignInAttempt.username,
            sa.literal("", sa.String),
        ).outerjoin(actor, actor.id == SignInAttempt.staff_id),
        sa.select(
            Visit.checked_in_at,
            sa.literal(AuditKind.DESK_CHECK_IN.value, sa.String),
            Visit.checked_in_by,
            staff_in.display_name,
            Member.full_name,
            Location.name,
        )
        .join(staff_in, staff_in.id == Visit.checked_in_by)
        .join(Member, Member.id == Visit.member_id)
        .join(Location, Location.id == Visit.location_id),
        sa.select(
            Visit.checked_out_at,
            sa.literal(AuditKind.DESK_CHECK_OUT.value, sa.String),
            Visit.checked_out_by,
            staff_out.display_name,
            Member.full_name,
            Location.name,
        )
        .join(staff_out, staff_out.id == Visit.checked_out_by)
        .join(Member, Member.id == Visit.member_id)
        .join(Location, Location.id == Visit.location_id),
    ]
    at_columns = (AuditEvent.at, SignInAttempt.at, Visit.checked_in_at, Visit.checked_out_at)
    return [
        part.where(*_between(column, flt)) for part, column in zip(parts, at_columns, strict=True)
    ]


def _between(column: sa.ColumnElement[datetime], flt: AuditFilter) -> list[sa.ColumnElement[bool]]:
    bounds = []
    if flt.since is not None:
        bounds.append(column >= flt.since)
    if flt.until is not None:
        bounds.append(column < flt.until)
    return bounds
