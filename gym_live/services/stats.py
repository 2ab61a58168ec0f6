"""Stats for a location, counted by the database with indexed queries on today's visits;
the quarter hours gone by are counted once per instance and kept (domain.stats.Settled)."""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters.db import read_session
from gym_live.adapters.sql_time import epoch_seconds
from gym_live.domain.stats import (
    COUNTED_STAYS,
    QUARTER_SECONDS,
    DayCounts,
    DayWindow,
    Settled,
    Stats,
    day_window,
    hourly_from_quarters,
    settled_until,
    stats_from,
)
from gym_live.models import Location, Visit
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location
from gym_live.services.peaks import count_peak, inside_at, kept_peak

# A quarter hour this long gone is settled: every check-in stamped in it has committed or
# failed (a transaction takes well under a second; instances' clocks are ms apart).
SETTLE_GRACE = timedelta(minutes=5)
# Kept counts are counted again from the visits this long after: a visit changed behind the
# app's back (then `reports recount`) shows on every instance within minutes.
SETTLED_FOR = timedelta(minutes=10)


@dataclass(frozen=True)
class _Kept:
    """A location's settled part, when it was first counted, and the newest visit id seen:
    a visit added later with an arrival in the settled part (written behind the app's back,
    or a sweep test's) has a higher id, and each look counts the few added since the last."""

    counted_at: datetime
    newest_id: int
    settled: Settled


# Per database, per location.
_settled: weakref.WeakKeyDictionary[sa.Engine, dict[int, _Kept]] = weakref.WeakKeyDictionary()
_NEWEST_ID = sa.select(sa.func.coalesce(sa.func.max(Visit.id), 0))


def location_stats(name: str | None = None, *, deps: Deps) -> tuple[Location, Stats]:
    """The named (or only) location and its numbers now."""
    with read_session(deps.engine) as session:
        location = resolve_location(session, name)
        return location, stats_for(session, location, deps.clock())


def stats_for(session: Session, location: Location, now: datetime) -> Stats:
    """The numbers, counted by the database through the visit indexes: the day's settled
    quarter hours once (`_settled_part`), then two statements over the last few minutes
    (a third for the peak when none is kept for today, services.peaks)."""
    assert location.id is not None
    window = day_window(now, location.zone_info)
    per_slot, _, totals = _statements(session.get_bind().dialect.name)
    kept = _settled_part(session, location.id, window, now)
    params = {
        "location_id": location.id,
        "start": kept.settled.until,
        "end": window.end,
        "now": now,
        "origin": int(window.start.timestamp()),
        "newest_id": kept.newest_id,
    }
    recent = {int(n): count for n, count in session.execute(per_slot, params)}
    inside_now, stays_ended, stay_minutes, newest_id, added_into = session.execute(
        totals, params
    ).one()
    if added_into:  # a visit written behind the app's back into the kept hours
        forget_settled(session.get_bind(), location.id)
        return stats_for(session, location, now)
    _settled.setdefault(session.get_bind(), {})[location.id] = replace(kept, newest_id=newest_id)
    day = kept.settled.then(window.end, recent, stays_ended, float(stay_minutes or 0))
    peak = kept_peak(location, window)
    counts = DayCounts(
        inside_now=inside_now,
        hourly_checkins=hourly_from_quarters(day.quarters, window, location.zone_info),
        stays_ended=day.stays_ended,
        stay_minutes_total=day.stay_minutes_total,
        peak=count_peak(session, location.id, window, now) if peak is None else peak,
    )
    return stats_from(counts, capacity=location.capacity, window=window, now=now)


def forget_settled(engine: sa.Engine, location_id: int | None = None) -> None:
    """Every kept part of today (or one location's), to be counted again (history written
    behind the app's back)."""
    if location_id is None:
        _settled.pop(engine, None)
    else:
        _settled.get(engine, {}).pop(location_id, None)


def _settled_part(session: Session, location_id: int, window: DayWindow, now: datetime) -> _Kept:
    """Today's counts up to its settled quarter hours: kept, and added to as quarters
    settle, so a busy day's look counts minutes of visits, not the whole day's."""
    kept = _settled.get(session.get_bind(), {}).get(location_id)
    until = settled_until(window, now, SETTLE_GRACE)
    if (
        kept is None
        or kept.settled.start != window.start
        or kept.settled.until > until  # the clock went back
        or now - kept.counted_at > SETTLED_FOR
    ):  # the newest id before counting: none is missed
        kept = _Kept(now, session.execute(_NEWEST_ID).scalar_one(), Settled.nothing(window))
    if kept.settled.until < until:
        per_slot, stays, _ = _statements(session.get_bind().dialect.name)
        params = {
            "location_id": location_id,
            "start": kept.settled.until,
            "end": until,
            "origin": int(window.start.timestamp()),
        }
        quarters = {int(n): count for n, count in session.execute(per_slot, params)}
        stays_ended, stay_minutes = session.execute(stays, params).one()
        settled = kept.settled.then(until, quarters, stays_ended, float(stay_minutes or 0))
        kept = replace(kept, settled=settled)
    return kept  # kept by stats_for, with the newest id its look saw


@functools.cache
def _statements(dialect: str) -> tuple[sa.Select, sa.Select, sa.Select]:
    """Check-ins per quarter hour, the counted stays, and those with who is inside, for
    `location_id` from `start` to `end` (quarters numbered from `origin`) as of `now`.

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
    totals = sa.select(inside_at(now), stays.subquery(), *_added_since())
    return per_slot, stays, totals


def _added_since() -> tuple[sa.ScalarSelect, sa.ScalarSelect]:
    """The newest visit id, and how many visits added after `newest_id` arrived here before
    `start` (into the kept hours). Filtered by id alone, the database walks only the few
    visits added since the last look, never a location's history (given the location and
    the arrival to filter on, SQLite chose their index and read every past visit)."""
    newest = sa.bindparam("newest_id", type_=sa.Integer)
    here = Visit.location_id == sa.bindparam("location_id")
    into_kept = sa.and_(here, Visit.checked_in_at < sa.bindparam("start"))
    since = sa.select(sa.func.coalesce(sa.func.max(Visit.id), newest)).where(Visit.id > newest)
    added = sa.select(sa.func.count(sa.case((into_kept, 1)))).where(Visit.id > newest)
    return since.scalar_subquery(), added.scalar_subquery()


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
