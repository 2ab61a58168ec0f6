"""Stats for a location, counted by the database with indexed queries on today's visits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters.db import read_session
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


def location_stats(name: str | None = None, *, deps: Deps) -> tuple[Location, Stats]:
    """The named (or only) location and its numbers now."""
    with read_session(deps.engine) as session:
        location = resolve_location(session, name)
        return location, stats_for(session, location, deps.clock())


def stats_for(session: Session, location: Location, now: datetime) -> Stats:
    """The numbers, counted by the database through the visit indexes (two statements)."""
    assert location.id is not None
    window = day_window(now, location.zone_info)
    here = Visit.location_id == location.id
    arrived, left = Visit.checked_in_at, Visit.checked_out_at
    slot = _quarter_hours_since(session, arrived, window.start).label("slot")
    per_slot = session.execute(
        sa.select(slot, sa.func.count())
        .where(here, arrived >= window.start, arrived < window.end)
        .group_by(slot)
    ).all()
    stays = sa.select(sa.func.count(), sa.func.sum(_minutes(session, arrived, left))).where(
        here, left >= window.start, left < window.end, Visit.checkout_reason.in_(COUNTED_STAYS)
    )
    inside_now, inside_at_start, highest_rise, stays_ended, stay_minutes = session.execute(
        sa.select(
            _inside_at(here, now),
            _inside_at(here, window.start),
            _highest_rise(here, window.start, now),
            stays.subquery(),
        )
    ).one()
    counts = DayCounts(
        inside_now=inside_now,
        hourly_checkins=hourly_from_quarters(
            {int(n): count for n, count in per_slot}, window, location.zone_info
        ),
        stays_ended=stays_ended,
        stay_minutes_total=float(stay_minutes or 0),
        inside_at_start=inside_at_start,
        highest_rise=highest_rise or 0,
    )
    return stats_from(counts, capacity=location.capacity, window=window, now=now)


def _inside_at(here: sa.ColumnElement[bool], moment: datetime) -> sa.ColumnElement[int]:
    """Visits begun by `moment` and not ended by then: open ones, plus any ending later."""
    arrived, left = Visit.checked_in_at, Visit.checked_out_at
    still_open = sa.select(sa.func.count()).where(here, left.is_(None), arrived <= moment)
    left_later = sa.select(sa.func.count()).where(here, left > moment, arrived <= moment)
    return (still_open.scalar_subquery() + left_later.scalar_subquery()).label(None)


def _highest_rise(here: sa.ColumnElement[bool], start: datetime, now: datetime) -> sa.ScalarSelect:
    """The most people inside at once since `start`, above those inside at `start`.

    A running sum over the day's arrivals (+1) and departures (-1); at the same moment a
    departure counts before an arrival, so a swap at the door is not a new peak.
    """
    arrived, left = Visit.checked_in_at, Visit.checked_out_at
    moves = sa.union_all(
        sa.select(arrived.label("at"), sa.literal(1).label("step")).where(
            here, arrived > start, arrived <= now
        ),
        sa.select(left.label("at"), sa.literal(-1).label("step")).where(
            here, left > start, left <= now
        ),
    ).subquery()
    running = sa.select(
        sa.func.sum(moves.c.step)
        .over(order_by=(moves.c.at, moves.c.step), rows=(None, 0))
        .label("inside")
    ).subquery()
    return sa.select(sa.func.max(running.c.inside)).scalar_subquery()


def _minutes(session: Session, start: sa.ColumnElement, end: sa.ColumnElement) -> sa.ColumnElement:
    """Minutes between two timestamps, in the dialect's own date arithmetic."""
    if _is_sqlite(session):
        return (sa.func.julianday(end) - sa.func.julianday(start)) * 1440.0
    return sa.extract("epoch", end - start) / 60.0


def _quarter_hours_since(
    session: Session, moment: sa.ColumnElement, start: datetime
) -> sa.ColumnElement[int]:
    """Whole quarter hours from `start` to `moment` (whole seconds, so no rounding at edges)."""
    origin = int(start.timestamp())
    if _is_sqlite(session):
        seconds = sa.cast(sa.func.strftime("%s", moment), sa.Integer) - origin
        return sa.cast(seconds / QUARTER_SECONDS, sa.Integer)
    return sa.func.floor((sa.extract("epoch", moment) - origin) / QUARTER_SECONDS)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"
