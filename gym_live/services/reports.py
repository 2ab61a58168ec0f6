"""The reports page's figures, counted by the database with grouped, indexed queries per
location (on the visits' (location, check-in) index), so a year of a large club returns
a few thousand rows, never its visits; `domain.reports` does the rest."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gym_live.adapters.db import read_session
from gym_live.domain.checkin import Source
from gym_live.domain.errors import NotFound
from gym_live.domain.member_list import EXPIRING_WITHIN
from gym_live.domain.members import MemberStatus
from gym_live.domain.reports import (
    AWAY_DAYS,
    LOCATION,
    QUARTER_SECONDS,
    MemberLine,
    QuarterCounts,
    Report,
    ReportPeriod,
    Stays,
    busiest_hours,
    summed,
    visits_per_day,
)
from gym_live.domain.stats import COUNTED_STAYS
from gym_live.models import DeniedAttempt, Location, Member, Staff, Visit
from gym_live.services.deps import Deps

# The "at risk" list shows this many (the most recently lapsed first); its CSV has all.
AT_RISK_SHOWN = 100
# The scans of reports being counted, each on its own connection (see _count_at).
_SCANS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="report-scan")


def report(period: ReportPeriod, location_id: int | None, *, deps: Deps) -> Report:
    """The period's figures at one location (None: every location, added up)."""
    now = deps.clock()
    with read_session(deps.engine) as session:
        query = sa.select(Location).order_by(Location.id)
        if location_id is not None:
            query = query.where(Location.id == location_id)
        locations = list(session.scalars(query))
        if not locations:
            raise NotFound("There is no such location: choose one from the list.", field=LOCATION)
        dialect = session.get_bind().dialect.name
    counting = [_count_at(deps.engine, dialect, place, period, now) for place in locations]
    with read_session(deps.engine) as session:
        at_risk, at_risk_total = _at_risk(session, now, deps)
        expiring = _expiring(session, now.astimezone(deps.settings.zone).date())
    parts = [counted() for counted in counting]
    per_day: dict[date, int] = summed(p.per_day for p in parts)  # type: ignore[assignment]
    today = max(now.astimezone(loc.zone_info).date() for loc in locations)
    stays = Stays({}, 0)
    for part in parts:
        stays = stays.plus(part.stays)
    return Report(
        period=period,
        location=locations[0].name if location_id is not None else None,
        visits=sum(per_day.values()),
        per_day=[(day, per_day.get(day, 0)) for day in period.days(today)],
        busiest=[
            [sum(p.busiest[d][h] for p in parts) for h in range(len(parts[0].busiest[d]))]
            for d in range(len(parts[0].busiest))
        ],
        stays=stays,
        by_source=summed(p.by_source for p in parts),  # type: ignore[arg-type]
        denied=summed(p.denied for p in parts),  # type: ignore[arg-type]
        overrides=summed(p.overrides for p in parts),  # type: ignore[arg-type]
        at_risk=at_risk,
        at_risk_total=at_risk_total,
        expiring=expiring,
    )


def at_risk_members(*, deps: Deps) -> list[MemberLine]:
    """Every member at risk (the CSV), most recently lapsed first."""
    with read_session(deps.engine) as session:
        return _at_risk(session, deps.clock(), deps, limit=None)[0]


@dataclass(frozen=True)
class _Part:
    """One location's figures, before they are added up."""

    per_day: dict[date, int]
    busiest: list[list[float]]
    stays: Stays
    by_source: dict[str, int]
    denied: dict[str, int]
    overrides: dict[str, int]


def _count_at(
    engine: Engine, dialect: str, location: Location, period: ReportPeriod, now: datetime
) -> Callable[[], _Part]:
    """Starts the location's counts, each scan on a connection of its own (SQLite and
    PostgreSQL both read in parallel; a year is four scans of 400,000 index entries);
    returns what waits for them and turns them into figures.

    The scans are separate read transactions: a check-in committed between two of them may
    be in one figure and not yet in another; the next look has it everywhere.
    """
    zone = location.zone_info
    origin = datetime.combine(period.first, time(), zone).astimezone(now.tzinfo)
    end = datetime.combine(period.last + timedelta(days=1), time(), zone).astimezone(now.tzinfo)
    until = min(end, now)
    statements = _statements(dialect)
    seconds = int(origin.timestamp())
    params = {
        "location_id": location.id,
        "origin": origin,
        "until": until,
        "origin_s": seconds,
        # Visits are checked out by the sweep after the longest stay, so none still inside
        # at `origin` began before this; the bound keeps the index's range short.
        "earliest": origin - timedelta(days=2),
    }
    groups = (
        (statements.inside_at_origin, statements.arrivals),
        (statements.departures,),
        (statements.stays,),
        (statements.by_source, statements.denied, statements.overrides),
    )
    scans = [_SCANS.submit(_read, engine, group, params) for group in groups]

    def figures() -> _Part:
        [[inside], arrived], [left], [stays], [[sources], denied, overrides] = (
            scan.result() for scan in scans
        )

        def moves(rows: Sequence[sa.Row]) -> dict[int, tuple[int, int]]:
            return {int(q): (int(count), int(at) - count * seconds) for q, count, at in rows}

        counts = QuarterCounts(origin, until, zone, int(inside[0]), moves(arrived), moves(left))
        return _Part(
            per_day=visits_per_day(counts),
            busiest=busiest_hours(counts),
            stays=Stays({int(m): int(c) for m, c, _ in stays}, sum(int(s) for _, _, s in stays)),
            by_source=dict(zip([source.value for source in Source], sources, strict=True)),
            denied=dict(denied),  # type: ignore[arg-type]
            overrides=dict(overrides),  # type: ignore[arg-type]
        )

    return figures


def _read(engine: Engine, statements: Sequence[sa.Select], params: dict) -> list[list[sa.Row]]:
    with read_session(engine) as session:
        return [list(session.execute(statement, params)) for statement in statements]


class _Statements(NamedTuple):
    inside_at_origin: sa.Select
    arrivals: sa.Select
    departures: sa.Select
    stays: sa.Select
    by_source: sa.Select
    denied: sa.Select
    overrides: sa.Select


@functools.cache
def _statements(dialect: str) -> _Statements:
    """Built once per dialect with bound parameters (building costs more than running).
    Each reads one of the visit indexes alone (see models.Visit)."""
    arrived, left = Visit.checked_in_at, Visit.checked_out_at
    here = Visit.location_id == sa.bindparam("location_id")
    origin, until = sa.bindparam("origin"), sa.bindparam("until")
    origin_s = sa.bindparam("origin_s", type_=sa.BigInteger)
    came, went = _seconds(dialect, arrived), _seconds(dialect, left)

    def per_quarter(at: sa.ColumnElement, during: sa.ColumnElement[bool]) -> sa.Select:
        quarter = _whole(at - origin_s, QUARTER_SECONDS).label("quarter")
        return sa.select(quarter, sa.func.count(), sa.func.sum(at)).where(during).group_by(quarter)

    in_period = sa.and_(here, arrived >= origin, arrived < until)
    stay = went - came
    minute = _whole(stay, 60).label("minute")
    finished = sa.and_(here, left >= origin, left < until, Visit.checkout_reason.in_(COUNTED_STAYS))
    denied_here = sa.and_(
        DeniedAttempt.location_id == sa.bindparam("location_id"),
        DeniedAttempt.at >= origin,
        DeniedAttempt.at < until,
    )
    return _Statements(
        inside_at_origin=sa.select(sa.func.count()).where(
            here,
            arrived >= sa.bindparam("earliest"),
            arrived < origin,
            sa.or_(left.is_(None), left >= origin),
        ),
        arrivals=per_quarter(came, in_period),
        departures=per_quarter(went, sa.and_(here, left >= origin, left < until)),
        stays=sa.select(minute, sa.func.count(), sa.func.sum(stay))
        .where(finished)
        .group_by(minute),
        # One count per source rather than GROUP BY: SQLite's grouping sorts every row.
        by_source=sa.select(
            *[sa.func.count().filter(Visit.source == source.value) for source in Source]
        ).where(in_period),
        denied=sa.select(DeniedAttempt.reason, sa.func.count())
        .where(denied_here)
        .group_by(DeniedAttempt.reason),
        overrides=sa.select(Staff.display_name, sa.func.count())
        .select_from(Visit)
        .join(Staff, Staff.id == Visit.checked_in_by)
        .where(in_period, Visit.override_reason.is_not(None))
        .group_by(Staff.id, Staff.display_name),
    )


def _whole(seconds: sa.ColumnElement[int], unit: int) -> sa.ColumnElement[int]:
    """How many whole `unit`s: integer division (in both dialects, for whole numbers)."""
    return seconds.self_group().op("/")(unit)


def _seconds(dialect: str, moment: sa.ColumnElement) -> sa.ColumnElement[int]:
    """Whole seconds since the epoch, in the dialect's own date arithmetic (SQLite's
    unixepoch, from 3.38, costs half of strftime; a year of visits calls it a million times)."""
    if dialect != "sqlite":
        return sa.cast(sa.func.floor(sa.extract("epoch", moment)), sa.BigInteger)
    if sqlite3.sqlite_version_info >= (3, 38):
        return sa.func.unixepoch(moment, type_=sa.BigInteger)
    return sa.cast(sa.func.strftime("%s", moment), sa.BigInteger)


def _at_risk(
    session: Session, now: datetime, deps: Deps, *, limit: int | None = AT_RISK_SHOWN
) -> tuple[list[MemberLine], int]:
    """Active members whose last visit (or, if none, their joining) is AWAY_DAYS ago."""
    today = now.astimezone(deps.settings.zone).date()
    away = now - timedelta(days=AWAY_DAYS)
    since = sa.func.coalesce(Member.last_visit_at, Member.created_at)
    who = sa.and_(
        Member.status == MemberStatus.ACTIVE.value,
        sa.or_(Member.valid_until.is_(None), Member.valid_until >= today),
        since < away,
    )
    total = int(session.scalar(sa.select(sa.func.count()).select_from(Member).where(who)) or 0)
    query = (
        sa.select(Member.member_code, Member.full_name, Member.last_visit_at)
        .where(who)
        .order_by(since.desc(), Member.member_code)
    )
    if limit is not None:
        query = query.limit(limit)
    lines = [MemberLine(code, name, at=at) for code, name, at in session.execute(query)]
    return lines, total


def _expiring(session: Session, today: date) -> list[MemberLine]:
    """Active members whose membership ends within EXPIRING_WITHIN (as the members list's
    "expiring" filter has them), soonest first."""
    query = (
        sa.select(Member.member_code, Member.full_name, Member.valid_until)
        .where(
            Member.status == MemberStatus.ACTIVE.value,
            Member.valid_until >= today,
            Member.valid_until <= today + EXPIRING_WITHIN,
        )
        .order_by(Member.valid_until, Member.search_key)
    )
    return [MemberLine(code, name, on=on) for code, name, on in session.execute(query)]
