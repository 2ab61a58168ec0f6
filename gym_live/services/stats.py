"""Stats for a location, read with indexed queries that touch only today's visits."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters.db import read_session
from gym_live.domain.stats import Stats, VisitSpan, compute_stats, day_window
from gym_live.models import Location, Visit
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location


def location_stats(name: str | None = None, *, deps: Deps) -> tuple[Location, Stats]:
    """The named (or only) location and its numbers now."""
    with read_session(deps.engine) as session:
        location = resolve_location(session, name)
        return location, stats_for(session, location, deps.clock())


def stats_for(session: Session, location: Location, now: datetime) -> Stats:
    assert location.id is not None
    query = todays_visits_query(location.id, now, location.zone_info)
    spans = [VisitSpan(row[1], row[2], row[3]) for row in session.execute(query)]
    return compute_stats(spans, capacity=location.capacity, zone=location.zone_info, now=now)


def todays_visits_query(location_id: int, now: datetime, zone: ZoneInfo) -> sa.CompoundSelect:
    """Visits open now, begun today or ended today; each branch is served by its own index."""
    window = day_window(now, zone)
    columns = (Visit.id, Visit.checked_in_at, Visit.checked_out_at, Visit.checkout_reason)
    here = Visit.location_id == location_id
    return sa.union(
        sa.select(*columns).where(here, Visit.checked_out_at.is_(None)),
        sa.select(*columns).where(
            here, Visit.checked_in_at >= window.start, Visit.checked_in_at < window.end
        ),
        sa.select(*columns).where(
            here, Visit.checked_out_at >= window.start, Visit.checked_out_at < window.end
        ),
    )
