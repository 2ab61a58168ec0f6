"""Stats for a location, counted by the database with indexed queries on today's visits."""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters.db import read_session
from gym_live.adapters.sql_time import epoch_seconds
from gym_live.domain.stats import (
    COUNTED_STAYS,
    QUARTER_SECONDS,
    DayCounts,
    Stats,
    day_window,
    hourly_from_quarters,
    stats_from,
)
from gym_live.models import Location, Visit
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location
from gym_live.services.peaks import count_peak, inside_at, kept_peak


def location_stats(name: str | None = None, *, deps: Deps) -> tuple[Location, Stats]:
    """The named (or only) location and its numbers now."""
    with read_session(deps.engine) as session:
        location = resolve_location(session, name)
        return location, stats_for(session, location, deps.clock())


def stats_for(session: Session, location: Location, now: datetime) -> Stats:
    """The numbers, counted by the database through the visit indexes (two statements;
    a third for the peak when none is kept for today, services.peaks)."""
    assert location.id is not None
    window = day_window(now, location.zone_info)
    per_slot, totals = _statements(session.get_bind().dialect.name)
    params = {
        "location_id": location.id,
        "start": window.start,
        "end": window.end,
        "now": now,
        "origin": int(window.start.timestamp()),
    }
    slots = session.execute(per_slot, params).all()
    inside_now, stays_ended, stay_minutes = session.execute(totals, params).one()
    peak = kept_peak(location, window)
    counts = DayCounts(
        inside_now=inside_now,
        hourly_checkins=hourly_from_quarters(
            {int(n): count for n, count in slots}, window, location.zone_info
        ),
        stays_ended=stays_ended,
        stay_minutes_total=float(stay_minutes or 0),
        peak=count_peak(session, location.id, window, now) if peak is None else peak,
    )
    return stats_from(counts, capacity=location.capacity, window=window, now=now)


@functools.cache
def _statements(dialect: str) -> tuple[sa.Select, sa.Select]:
    """Check-ins per quarter hour, and the other counts, for `location_id` on the day
    from `start` to `end` as of `now`.

    Built once per dialect with bound parameters: building these statements cost SQLAlchemy
    three times what running them costs SQLite.
    """
    here = Visit.location_id == sa.bindparam("location_id")
    start, end, now = sa.bindparam("start"), sa.bindparam("end"), sa.bindparam("now")
    arrived, left = Visit.checked_in_at, Visit.checked_out_at
    slot = _quarter_hours_since(dialect, arrived).label("slot")
    per_slot = (
        sa.select(slot, sa.func.count()).where(here, arrived >= start, arrived < end).group_by(slot)
    )
    stays = sa.select(sa.func.count(), sa.func.sum(_minutes(dialect, arrived, left))).where(
        here, left >= start, left < end, Visit.checkout_reason.in_(COUNTED_STAYS)
    )
    totals = sa.select(inside_at(now), stays.subquery())
    return per_slot, totals


def _minutes(dialect: str, start: sa.ColumnElement, end: sa.ColumnElement) -> sa.ColumnElement:
    """Minutes between two timestamps, in the dialect's own date arithmetic."""
    if dialect == "sqlite":
        return (epoch_seconds(dialect, end) - epoch_seconds(dialect, start)) / 60.0
    return sa.extract("epoch", end - start) / 60.0


def _quarter_hours_since(dialect: str, moment: sa.ColumnElement) -> sa.ColumnElement[int]:
    """Whole quarter hours from `origin` (epoch seconds) to `moment`, no rounding at edges."""
    origin = sa.bindparam("origin", type_=sa.Integer)
    if dialect == "sqlite":
        seconds = epoch_seconds(dialect, moment) - origin
        return sa.cast(seconds / QUARTER_SECONDS, sa.Integer)
    return sa.func.floor((sa.extract("epoch", moment) - origin) / QUARTER_SECONDS)
