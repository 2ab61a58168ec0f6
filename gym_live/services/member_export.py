"""Every member as a CSV file, read a page at a time (by card number, on its unique index)
so that 50,000 members are sent in the memory of one page, and no database connection is
held while the browser takes its time."""

from __future__ import annotations

import sqlalchemy as sa

from gym_live.adapters.db import read_session, write_session
from gym_live.domain.audit import AuditKind
from gym_live.domain.member_export import ExportedMember, heading_line, member_lines
from gym_live.models import Member
from gym_live.services import audit
from gym_live.services.deps import Deps

PAGE = 1_000
_COLUMNS = (
    Member.member_code,
    Member.full_name,
    Member.email,
    Member.phone,
    Member.valid_until,
    Member.visits_left,
    Member.status,
    Member.plan,
    Member.pass_until,
    Member.frozen_until,
    Member.freeze_reason,
    Member.last_visit_at,
    Member.created_at,
)


def start_export(*, by: int | None, via: str = "", deps: Deps) -> str:
    """Record who exported the members (a file of everyone's contact details leaves the
    system; `via`: through what, an API key's name, when no staff account did it), and
    return the file's first line."""
    with write_session(deps.engine) as session:
        audit.record(
            session, AuditKind.MEMBERS_EXPORTED, "every member", by=by, at=deps.clock(), detail=via
        )
        session.commit()
    return heading_line()


def next_lines(after: str | None, *, deps: Deps, page: int = PAGE) -> tuple[str, str | None]:
    """The CSV lines of the next `page` members by card number after `after` (None: from
    the first), and the card number to go on after (None: that was the last page)."""
    query = sa.select(*_COLUMNS).order_by(Member.member_code).limit(page)
    if after is not None:
        query = query.where(Member.member_code > after)
    with read_session(deps.engine) as session:
        rows = session.execute(query).all()
    members = [ExportedMember(*row) for row in rows]
    last = members[-1].code if len(members) == page else None
    return member_lines(members, deps.settings.zone), last
