"""The visit table's statements on the live path: what a scan reads and how a visit is closed.

Built once with bound parameters: a scan runs under the location's lock, and building a
statement costs SQLAlchemy more than SQLite takes to run it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.domain.checkin import OpenVisit
from gym_live.models import Location, Member, Visit

_MEMBER = sa.bindparam("member_id")
_OPEN_VISIT = sa.select(Visit.id, Visit.location_id, Visit.checked_in_at).where(
    Visit.member_id == _MEMBER, Visit.checked_out_at.is_(None)
)
_LAST_CHECKOUT = sa.select(sa.func.max(Visit.checked_out_at)).where(Visit.member_id == _MEMBER)
_LAST_VISIT = (
    sa.update(Member)
    .where(Member.id == _MEMBER)
    .values(last_visit_at=sa.bindparam("at"))
    .execution_options(synchronize_session=False)
)
_LAST_VISIT_ON_PASS = (
    sa.update(Member)
    .where(Member.id == _MEMBER, Member.visits_left > 0)
    .values(last_visit_at=sa.bindparam("at"), visits_left=Member.visits_left - 1)
    .execution_options(synchronize_session=False)
)
_VISITS_SINCE = sa.select(sa.func.count()).where(
    Visit.member_id == _MEMBER, Visit.checked_in_at >= sa.bindparam("since")
)


def open_visit(session: Session, member_id: str) -> OpenVisit | None:
    """The member's visit still open, at any location."""
    row = session.execute(_OPEN_VISIT, {"member_id": uuid.UUID(member_id)}).first()
    return OpenVisit(*row) if row else None


def last_checkout(session: Session, member_id: str) -> datetime | None:
    return session.scalar(_LAST_CHECKOUT, {"member_id": uuid.UUID(member_id)})


def note_visit_began(session: Session, member_id: str, at: datetime, *, on_pass: bool) -> bool:
    """The member's latest visit began `at` (the members list sorts by it), and, `on_pass`,
    took a visit off the pass. False when the pass had none left by now (another scan
    took the last one): the attempt lost a race."""
    statement = _LAST_VISIT_ON_PASS if on_pass else _LAST_VISIT
    done = session.execute(statement, {"member_id": uuid.UUID(member_id), "at": at})
    return done.rowcount == 1


def visits_since(session: Session, member_id: str, since: datetime) -> int:
    """Visits the member began at or after `since`."""
    params = {"member_id": uuid.UUID(member_id), "since": since}
    return int(session.scalar(_VISITS_SINCE, params) or 0)


def close_if_open(
    session: Session, visit_id: int, *, at: datetime, reason: str, by: int | None = None
) -> bool:
    """Close the visit unless another transaction already did; True when this one closed it.
    `by`: the staff account that checked the member out at the desk."""
    closed = session.execute(
        sa.update(Visit)
        .where(Visit.id == visit_id, Visit.checked_out_at.is_(None))
        .values(checked_out_at=at, checkout_reason=reason, checked_out_by=by)
    )
    return closed.rowcount == 1


def overdue(session: Session, before: datetime, limit: int) -> list[tuple[Visit, str, str]]:
    """Open visits begun before `before`, oldest first, with the member's and location's names."""
    rows = session.exec(
        select(Visit, Member.full_name, Location.name)
        .join(Member, Member.id == Visit.member_id)
        .join(Location, Location.id == Visit.location_id)
        .where(Visit.checked_out_at.is_(None), Visit.checked_in_at < before)
        .order_by(Visit.checked_in_at)
        .limit(limit)
    ).all()
    return [(visit, member_name, location_name) for visit, member_name, location_name in rows]
