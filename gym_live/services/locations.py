"""Locations: add, list, and resolve the one an operation is about."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.db import read_session, write_session
from gym_live.domain.checkin import LocationSnapshot
from gym_live.domain.errors import Conflict, InvalidInput, NotFound
from gym_live.models import Location, Visit
from gym_live.services.deps import Deps
from gym_live.settings import Settings

MAX_CAPACITY = 100_000


def add_location(name: str, *, capacity: int, timezone: str, deps: Deps) -> LocationSnapshot:
    """Create a location; the name is unique and the time zone must be an IANA name."""
    clean = " ".join(name.split())
    if not clean or len(clean) > 80:
        raise InvalidInput("A location name needs 1 to 80 characters.")
    if not 0 < capacity <= MAX_CAPACITY:
        raise InvalidInput(f"Capacity must be between 1 and {MAX_CAPACITY}.")
    Settings.from_env({"GYM_TIMEZONE": timezone})  # validates the zone with one message
    with write_session(deps.engine) as session:
        if session.exec(select(Location).where(Location.name == clean)).first():
            raise Conflict(f"A location named {clean!r} already exists.")
        location = Location(name=clean, capacity=capacity, timezone=timezone)
        session.add(location)
        session.commit()
        return snapshot(session, location)


def list_locations(*, deps: Deps) -> list[LocationSnapshot]:
    with read_session(deps.engine) as session:
        rows = session.exec(select(Location).order_by(Location.id)).all()
        return [snapshot(session, row) for row in rows]


def resolve_location(session: Session, name: str | None, *, lock: bool = False) -> Location:
    """The named location, or the only one there is when no name is given.

    `lock` holds the row until commit (PostgreSQL), so capacity checks do not race.
    """
    query = select(Location).order_by(Location.id)
    if name is not None:
        query = query.where(Location.name == " ".join(name.split()))
    if lock:
        query = query.with_for_update()
    rows = session.exec(query.limit(2)).all()
    if not rows:
        raise NotFound(f"No location named {name!r}." if name else "No location exists yet.")
    if name is None and len(rows) > 1:
        raise InvalidInput("There are several locations: name one (--location NAME).")
    return rows[0]


def inside_count(session: Session, location_id: int) -> int:
    return int(session.scalar(_INSIDE_COUNT, {"location_id": location_id}) or 0)


def snapshot(session: Session, location: Location) -> LocationSnapshot:
    assert location.id is not None
    return LocationSnapshot(
        id=location.id,
        name=location.name,
        capacity=location.capacity,
        timezone=location.timezone,
        inside_now=inside_count(session, location.id),
    )


# Built once: every scan counts who is inside (see checkin's statements).
_INSIDE_COUNT = sa.select(sa.func.count()).where(
    Visit.location_id == sa.bindparam("location_id"), Visit.checked_out_at.is_(None)
)
