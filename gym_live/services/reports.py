"""The reports page's figures, counted by the database with grouped, indexed queries per
location (on the visits' (location, check-in) index), so a year of a large club returns
a few thousand rows, never its visits; `domain.reports` does the rest."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gym_live.adapters.db import read_session, write_session
from gym_live.adapters.sql_time import epoch_seconds
from gym_live.domain.checkin import Source
from gym_live.domain.errors import NotFound
from gym_live.domain.member_list import EXPIRING_WITHIN
from gym_live.domain.members import MemberStatus
from gym_live.domain.reports import (
    AWAY_DAYS,
    LOCATION,
    QUARTER_SECONDS,
    DayCounts,
    DayRun,
    MemberLine,
    QuarterCounts,
    Report,
    ReportPeriod,
    Stays,
    busiest_hours,
    day_runs,
    midnight,
    settled_until,
    summed,
)
from gym_live.domain.stats import COUNTED_STAYS
from gym_live.models import DeniedAttempt, Location, Member, ReportDay, Staff, Visit
from gym_live.services import peaks, stats
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
    per_day = Counter[date]()
    for part in parts:
        per_day.update({day.day: day.arrivals for day in part.days})
    today = max(now.astimezone(loc.zone_info).date() for loc in locations)
    busiest = [busiest_hours(part.days, part.inside_at_origin) for part in parts]
    return Report(
        period=period,
        location=locations[0].name if location_id is not None else None,
        visits=per_day.total(),
        per_day=[(day, per_day[day]) for day in period.days(today)],
        busiest=[
            [sum(hour) for hour in zip(*days, strict=True)] for days in zip(*busiest, strict=True)
        ],
        stays=Stays.added(day.stays for part in parts for day in part.days),
        by_source=summed(day.by_source for part in parts for day in part.days),  # type: ignore[arg-type]
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


def forget_kept_days(*, deps: Deps) -> int:
    """Forgets every kept day (`report_day`), every location's kept peak of today
    (services.peaks) and today's settled quarter hours (services.stats), to be counted
    again when next asked for: for visits written behind the app's back (an import of old
    history); the app's own check-ins never change a settled day. How many days were
    forgotten."""
    with write_session(deps.engine) as session:
        forgotten = session.execute(sa.delete(ReportDay)).rowcount
        peaks.forget_all(session)
        session.commit()
    stats.forget_settled(deps.engine)  # this process's; other instances' within minutes
    return forgotten


@dataclass(frozen=True)
class _Part:
    """One location's figures, before they are added up."""

    days: list[DayCounts]  # from the period's first, in order
    inside_at_origin: int
    denied: dict[str, int]
    overrides: dict[str, int]


def _count_at(
    engine: Engine, dialect: str, location: Location, period: ReportPeriod, now: datetime
) -> Callable[[], _Part]:
    """Starts the location's counts and returns what waits for them: the days kept in
    `report_day`, and the others counted from the visits (each scan on a connection of its
    own: SQLite and PostgreSQL both read in parallel); the days counted that have settled
    are kept for the next time.

    The reads are separate transactions: a check-in committed between two of them may be
    in one figure and not yet in another; the next look has it everywhere. Days are kept
    only once settled, which no later commit can change.
    """
    zone = location.zone_info
    last = min(period.last, now.astimezone(zone).date())
    origin = midnight(period.first, zone)
    until = min(midnight(period.last + timedelta(days=1), zone), now)
    statements = _statements(dialect)
    with read_session(engine) as session:
        kept = _kept_days(session, location, period.first, last)
        earliest_open = session.scalar(statements.earliest_open, {"location_id": location.id})
    settled = settled_until(now, earliest_open)
    params = {
        "location_id": location.id,
        "origin": origin,
        "until": until,
        # Visits are checked out by the sweep after the longest stay, so none still inside
        # at `origin` began before this; the bound keeps the index's range short.
        "earliest": origin - timedelta(days=2),
    }
    live = _SCANS.submit(
        _read,
        engine,
        (statements.inside_at_origin, statements.denied, statements.overrides),
        params,
    )
    counting = [
        _count_days(engine, statements, location, first, days, until)
        for first, days in _missing(period.first, last, kept)
    ]

    def figures() -> _Part:
        [[inside]], denied, overrides = live.result()
        counted = [day for days in counting for day in days()]
        _keep(engine, location, [d for d in counted if _ends(d.day, zone) <= settled], now)
        days = sorted([*kept.values(), *counted], key=lambda d: d.day)
        return _Part(days, int(inside), dict(denied), dict(overrides))  # type: ignore[arg-type]

    return figures


def _missing(first: date, last: date, kept: Mapping[date, DayCounts]) -> list[tuple[date, int]]:
    """The runs of days from `first` to `last` that are not kept: (first day, how many)."""
    runs: list[tuple[date, int]] = []
    day = first
    while day <= last:
        if day not in kept:
            if runs and runs[-1][0] + timedelta(days=runs[-1][1]) == day:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((day, 1))
        day += timedelta(days=1)
    return runs


def _ends(day: date, zone: ZoneInfo) -> datetime:
    return midnight(day + timedelta(days=1), zone)


def _count_days(
    engine: Engine,
    statements: _Statements,
    location: Location,
    first: date,
    days: int,
    until: datetime,
) -> Callable[[], list[DayCounts]]:
    """Starts counting the days from the visits (three scans: arrivals, departures and
    stays, each on the index it needs alone); returns what waits for them."""
    zone = location.zone_info
    origin = midnight(first, zone)
    end = min(_ends(first + timedelta(days=days - 1), zone), until)
    seconds = int(origin.timestamp())
    params = {"location_id": location.id, "origin": origin, "until": end, "origin_s": seconds}
    runs = day_runs(first, first + timedelta(days=days - 1), zone)
    arrivals = _SCANS.submit(_read, engine, (statements.arrivals,), params)
    departures = _SCANS.submit(_read, engine, (statements.departures,), params)
    stays = _SCANS.submit(_stays_by_day, engine, statements.stays, location, runs, end)

    def counted() -> list[DayCounts]:
        [arrived], [left] = arrivals.result(), departures.result()
        sources = [source.value for source in Source]
        counts = QuarterCounts(
            origin,
            end,
            zone,
            arrivals={int(q): (int(n), int(at) - n * seconds) for q, n, at, *_ in arrived},
            departures={int(q): (int(n), int(at) - n * seconds) for q, n, at in left},
            sources={int(q): dict(zip(sources, by, strict=True)) for q, _, _, *by in arrived},
        )
        return counts.days(stays.result())

    return counted


def _stays_by_day(
    engine: Engine, statement: sa.Select, location: Location, runs: Sequence[DayRun], end: datetime
) -> dict[date, Stays]:
    """The stays that ended on each day, by whole minutes: one grouped read per run of days
    of one length (the database tells the day by dividing)."""
    minutes: dict[date, dict[int, int]] = {}
    seconds: Counter[date] = Counter()
    with read_session(engine) as session:
        for run in runs:
            if run.begins >= end:
                break
            params = {
                "location_id": location.id,
                "origin": run.begins,
                "until": min(run.ends, end),
                "origin_s": int(run.begins.timestamp()),
                "day_seconds": run.day_seconds,
            }
            for index, minute, count, total in session.execute(statement, params):
                day = run.first + timedelta(days=int(index))
                minutes.setdefault(day, {})[int(minute)] = int(count)
                seconds[day] += int(total)
    return {day: Stays(by_minute, seconds[day]) for day, by_minute in minutes.items()}


def _kept_days(
    session: Session, location: Location, first: date, last: date
) -> dict[date, DayCounts]:
    rows = session.execute(
        sa.select(ReportDay.day, ReportDay.counts).where(
            ReportDay.location_id == location.id,
            ReportDay.timezone == location.timezone,
            ReportDay.day >= first,
            ReportDay.day <= last,
        )
    )
    return {day: _restored(day, counts) for day, counts in rows}


def _keep(engine: Engine, location: Location, days: Sequence[DayCounts], now: datetime) -> None:
    """Keeps the settled days counted (another instance may have kept them first)."""
    if not days:
        return
    rows = [
        {
            "location_id": location.id,
            "timezone": location.timezone,
            "day": day.day,
            "counts": _stored(day),
            "counted_at": now,
        }
        for day in days
    ]
    with write_session(engine) as session:
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        session.execute(insert(ReportDay).on_conflict_do_nothing(), rows)
        session.commit()


def _stored(day: DayCounts) -> str:
    return json.dumps(
        {
            "arrivals": day.arrivals,
            "net": day.net,
            "hours": day.hours,
            "stays": sorted(day.stays.by_minute.items()),
            "stay_seconds": day.stays.seconds,
            "sources": day.by_source,
        },
        separators=(",", ":"),
    )


def _restored(day: date, text: str) -> DayCounts:
    counts = json.loads(text)
    return DayCounts(
        day,
        counts["arrivals"],
        counts["net"],
        tuple(tuple(hour) for hour in counts["hours"]),  # type: ignore[misc]
        Stays(dict(counts["stays"]), counts["stay_seconds"]),
        counts["sources"],
    )


def _read(engine: Engine, statements: Sequence[sa.Select], params: dict) -> list[list[sa.Row]]:
    with read_session(engine) as session:
        return [list(session.execute(statement, params)) for statement in statements]


class _Statements(NamedTuple):
    earliest_open: sa.Select
    inside_at_origin: sa.Select
    arrivals: sa.Select
    departures: sa.Select
    stays: sa.Select
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
    came, went = epoch_seconds(dialect, arrived), epoch_seconds(dialect, left)

    def per_quarter(
        at: sa.ColumnElement, during: sa.ColumnElement[bool], *more: sa.ColumnElement
    ) -> sa.Select:
        quarter = _whole(at - origin_s, QUARTER_SECONDS).label("quarter")
        return (
            sa.select(quarter, sa.func.count(), sa.func.sum(at), *more)
            .where(during)
            .group_by(quarter)
        )

    in_period = sa.and_(here, arrived >= origin, arrived < until)
    stay = went - came
    day = _whole(went - origin_s, sa.bindparam("day_seconds", type_=sa.BigInteger)).label("day")
    minute = _whole(stay, 60).label("minute")
    finished = sa.and_(here, left >= origin, left < until, Visit.checkout_reason.in_(COUNTED_STAYS))
    denied_here = sa.and_(
        DeniedAttempt.location_id == sa.bindparam("location_id"),
        DeniedAttempt.at >= origin,
        DeniedAttempt.at < until,
    )
    return _Statements(
        earliest_open=sa.select(sa.func.min(arrived)).where(here, left.is_(None)),
        inside_at_origin=sa.select(sa.func.count()).where(
            here,
            arrived >= sa.bindparam("earliest"),
            arrived < origin,
            sa.or_(left.is_(None), left >= origin),
        ),
        # By source, one count each rather than GROUP BY: SQLite's grouping sorts.
        arrivals=per_quarter(
            came,
            in_period,
            *[sa.func.count().filter(Visit.source == source.value) for source in Source],
        ),
        departures=per_quarter(went, sa.and_(here, left >= origin, left < until)),
        stays=sa.select(day, minute, sa.func.count(), sa.func.sum(stay))
        .where(finished)
        .group_by(day, minute),
        denied=sa.select(DeniedAttempt.reason, sa.func.count())
        .where(denied_here)
        .group_by(DeniedAttempt.reason),
        overrides=sa.select(Staff.display_name, sa.func.count())
        .select_from(Visit)
        .join(Staff, Staff.id == Visit.checked_in_by)
        .where(in_period, Visit.override_reason.is_not(None))
        .group_by(Staff.id, Staff.display_name),
    )


def _whole(
    seconds: sa.ColumnElement[int], unit: int | sa.BindParameter[int]
) -> sa.ColumnElement[int]:
    """How many whole `unit`s: integer division (in both dialects, for whole numbers)."""
    return seconds.self_group().op("/")(unit)


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
