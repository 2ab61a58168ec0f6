"""Every visit of a period as a CSV file, read a page at a time in check-in order (on the
check-in time's index, a page starting where the last one ended), so a year of a large
club is sent in the memory of one page, and no database connection is held while the
caller takes its time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from gym_live.adapters.db import read_session, write_session
from gym_live.domain.audit import AuditKind
from gym_live.domain.errors import InvalidInput
from gym_live.domain.text import could_be_a_name
from gym_live.domain.visit_export import ExportedVisit, Period, heading_line, visit_lines
from gym_live.models import Location, Member, Staff, Visit
from gym_live.services import audit
from gym_live.services.deps import Deps

PAGE = 1_000
LOCATION = "location"  # the query's field naming a location
Cursor = tuple[datetime, int]  # the last visit sent: its check-in time and id

_IN_BY, _OUT_BY = aliased(Staff), aliased(Staff)
_COLUMNS = (
    Visit.id,
    Visit.checked_in_at,
    Visit.checked_out_at,
    Visit.checkout_reason,
    Visit.source,
    Visit.override_reason,
    Member.member_code,
    Member.full_name,
    Location.name,
    Location.timezone,
    _IN_BY.username,
    _OUT_BY.username,
)


@dataclass(frozen=True)
class VisitQuery:
    """Which visits: check-ins from `start` up to (not at) `end`, at these locations
    (empty: every location)."""

    start: datetime | None
    end: datetime | None
    location_ids: tuple[int, ...]


def start_export(
    period: Period,
    location_names: Sequence[str],
    *,
    by: int | None,
    via: str = "",
    deps: Deps,
) -> tuple[VisitQuery, str]:
    """The visits asked for and the file's first line. Names are checked (InvalidInput
    about the location when one is unknown), and the export is recorded in the audit
    trail, with `via` saying through what (an API key's name) when no staff account did it."""
    with write_session(deps.engine) as session:
        ids = _location_ids(session, location_names)
        where = ", ".join(location_names) or "every location"
        detail = f"{where}{f'; {via}' if via else ''}"
        kind, when = AuditKind.VISITS_EXPORTED, deps.clock()
        audit.record(session, kind, period.label(), by=by, at=when, detail=detail)
        session.commit()
    start, end = period.bounds(deps.settings.zone)
    return VisitQuery(start, end, ids), heading_line()


def _location_ids(session: Session, names: Sequence[str]) -> tuple[int, ...]:
    for name in names:
        if not could_be_a_name(name):
            raise InvalidInput(f"There is no location called {name!r}.", field=LOCATION)
    query = sa.select(Location.name, Location.id).where(Location.name.in_(names))
    found: dict[str, int] = dict(session.execute(query).all())  # type: ignore[arg-type]
    for name in names:
        if name not in found:
            raise InvalidInput(f"There is no location called {name!r}.", field=LOCATION)
    return tuple(sorted(found.values()))


def next_lines(
    query: VisitQuery, after: Cursor | None, *, deps: Deps, page: int = PAGE
) -> tuple[str, Cursor | None]:
    """The CSV lines of the next `page` visits after `after` (None: from the first), and
    where to go on (None: that was the last page)."""
    select = (
        sa.select(*_COLUMNS)
        .join(Member, Member.id == Visit.member_id)
        .join(Location, Location.id == Visit.location_id)
        .outerjoin(_IN_BY, _IN_BY.id == Visit.checked_in_by)
        .outerjoin(_OUT_BY, _OUT_BY.id == Visit.checked_out_by)
        .order_by(Visit.checked_in_at, Visit.id)
        .limit(page)
    )
    if query.start is not None:
        select = select.where(Visit.checked_in_at >= query.start)
    if query.end is not None:
        select = select.where(Visit.checked_in_at < query.end)
    if query.location_ids:
        select = select.where(Visit.location_id.in_(query.location_ids))
    if after is not None:
        select = select.where(sa.tuple_(Visit.checked_in_at, Visit.id) > sa.tuple_(*after))
    with read_session(deps.engine) as session:
        rows = session.execute(select).all()
    visits = [ExportedVisit(*row) for row in rows]
    last = (visits[-1].checked_in_at, visits[-1].id) if len(visits) == page else None
    return visit_lines(visits), last
