"""Locations: add, change, list, and resolve the one an operation is about.

A change is published after commit, so every instance's dashboards (their picker, numbers
and chart) and door kiosks show it at once.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.db import read_session, write_session
from gym_live.domain.audit import AuditKind
from gym_live.domain.checkin import LocationSnapshot
from gym_live.domain.errors import Conflict, InvalidInput, NotFound
from gym_live.domain.events import EventKind, GymEvent
from gym_live.domain.locations import NAME, validate_location
from gym_live.domain.text import could_be_a_name
from gym_live.models import Location, Visit
from gym_live.services.audit import record
from gym_live.services.deps import Deps


def add_location(
    name: str, *, capacity: int | str, timezone: str, by: int | None = None, deps: Deps
) -> LocationSnapshot:
    """Create a location; the name is unique and the time zone must be an IANA name."""
    clean, seats, zone = validate_location(name, capacity, timezone)
    with write_session(deps.engine) as session:
        _name_is_free(session, clean)
        location = Location(name=clean, capacity=seats, timezone=zone)
        session.add(location)
        detail = f"capacity {seats}, {zone}"
        record(session, AuditKind.LOCATION_ADDED, clean, by=by, at=deps.clock(), detail=detail)
        session.commit()
        made = snapshot(session, location)
    _publish_change(made, deps)
    return made


def change_location(
    location_id: int,
    *,
    name: str,
    capacity: int | str,
    timezone: str,
    by: int | None = None,
    deps: Deps,
) -> LocationSnapshot:
    """A new name, capacity or time zone for a location."""
    clean, seats, zone = validate_location(name, capacity, timezone)
    with write_session(deps.engine) as session:
        location = session.get(Location, location_id, with_for_update=True)
        if location is None:
            raise NotFound("That location no longer exists.")
        if clean != location.name:
            _name_is_free(session, clean)
        before = (location.name, location.capacity, location.timezone)
        if before == (clean, seats, zone):
            return snapshot(session, location)
        location.name, location.capacity, location.timezone = clean, seats, zone
        detail = f"was {before[0]}, capacity {before[1]}, {before[2]}"
        record(session, AuditKind.LOCATION_CHANGED, clean, by=by, at=deps.clock(), detail=detail)
        session.commit()
        changed = snapshot(session, location)
    _publish_change(changed, deps)
    return changed


def list_locations(*, deps: Deps) -> list[LocationSnapshot]:
    with read_session(deps.engine) as session:
        rows = session.exec(select(Location).order_by(Location.id)).all()
        return [snapshot(session, row) for row in rows]


def resolve_location(session: Session, name: str | None, *, lock: bool = False) -> Location:
    """The named location, or the only one there is when no name is given.

    `lock` holds the row until commit (PostgreSQL), so capacity checks do not race.
    """
    if name is not None and not could_be_a_name(name):
        raise NotFound(f"No location named {name!r}.")
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


def _name_is_free(session: Session, name: str) -> None:
    if session.exec(select(Location.id).where(Location.name == name)).first() is not None:
        raise Conflict(f"A location named {name!r} already exists.", field=NAME)


def _publish_change(location: LocationSnapshot, deps: Deps) -> None:
    deps.bus.publish(
        GymEvent(
            kind=EventKind.LOCATION_CHANGED,
            location_id=location.id,
            location_name=location.name,
            at=deps.clock(),
        )
    )


# Built once: every scan counts who is inside (see checkin's statements).
_INSIDE_COUNT = sa.select(sa.func.count()).where(
    Visit.location_id == sa.bindparam("location_id"), Visit.checked_out_at.is_(None)
)
