"""Stats for a location, read with indexed queries that touch only today's visits."""

from __future__ import annotations

from datetime import datetime

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
    """Each branch of the union is served by its own index on (location, time)."""
    window = day_window(now, location.zone_info)
    columns = (Visit.checked_in_at, Visit.checked_out_at, Visit.checkout_reason)
    here = Visit.location_id == location.id
    query = sa.union(
        sa.select(Visit.id, *columns).where(here, Visit.checked_out_at.is_(None)),
        sa.select(Visit.id, *columns).where(
            here, Visit.checked_in_at >= window.start, Visit.checked_in_at < window.end
        ),
        sa.select(Visit.id, *columns).where(
            here, Visit.checked_out_at >= window.start, Visit.checked_out_at < window.end
        ),
    )
    spans = [VisitSpan(row[1], row[2], row[3]) for row in session.execute(query)]
    return compute_stats(spans, capacity=location.capacity, zone=location.zone_info, now=now)
