"""Occupancy for the public: people inside now, from the instance's live views (so a
popular website costs the database nothing), beside the usual for this weekday and hour,
counted once per location and quarter hour, then kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from gym_live.adapters.db import read_session
from gym_live.domain.occupancy import BusyLevel, busy_level, usual_moments
from gym_live.models import Location, Visit
from gym_live.services.deps import Deps

QUARTER = 15 * 60  # every time zone's offset is a whole number of quarter hours
_KEPT = 4096
_usual_by_quarter: dict[tuple[str, int, int], float] = {}


@dataclass(frozen=True)
class Occupancy:
    id: int  # the location's
    name: str
    capacity: int
    inside_now: int
    level: BusyLevel
    usual_inside: float
    usual_level: BusyLevel


def occupancy(
    location_id: int, name: str, capacity: int, inside_now: int, *, deps: Deps
) -> Occupancy:
    """A location's people inside now (as the live view has them), beside its usual."""
    usual = _usual_now(location_id, deps)
    return Occupancy(
        location_id,
        name,
        capacity,
        inside_now,
        busy_level(inside_now, capacity),
        usual,
        busy_level(usual, capacity),
    )


def usual_inside(session: sa.orm.Session, location_id: int, moments: list[datetime]) -> float:
    """The average of the people inside at each moment (a visit open then counts)."""
    arrived, left = Visit.checked_in_at, Visit.checked_out_at
    counts = [
        sa.select(sa.func.count())
        .where(
            Visit.location_id == location_id,
            arrived <= moment,
            sa.or_(left.is_(None), left > moment),
        )
        .scalar_subquery()
        for moment in moments
    ]
    inside = session.execute(sa.select(*counts)).one()
    return round(sum(inside) / len(moments), 1)


def _usual_now(location_id: int, deps: Deps) -> float:
    now = deps.clock()
    key = (deps.settings.database_url, location_id, int(now.timestamp()) // QUARTER)
    if key not in _usual_by_quarter:
        if len(_usual_by_quarter) >= _KEPT:
            _usual_by_quarter.clear()
        with read_session(deps.engine) as session:
            location = session.get(Location, location_id)
            zone = location.zone_info if location else deps.settings.zone
            moments = usual_moments(now, zone)
            _usual_by_quarter[key] = usual_inside(session, location_id, moments)
    return _usual_by_quarter[key]
