"""The reports' figures (services/reports.py) on real databases, against an independent
computation on a seeded history: three weeks at two Berlin locations across the spring
clock change, with visits crossing midnight, some still inside, auto check-outs, every
source, refusals and overrides; members away for a month and memberships ending."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from gym_live.domain.errors import InvalidInput, NotFound
from gym_live.domain.reports import ReportPeriod, location_choice, report_period
from gym_live.models import DeniedAttempt, Location, Member, ReportDay, Visit
from gym_live.services import reports, sweep
from gym_live.services import staff as staff_accounts
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 4, 6, 12, 17, tzinfo=UTC)  # a Monday, after the clocks went forward
PERIOD = ReportPeriod(date(2026, 3, 16), date(2026, 4, 6))
START = datetime.combine(PERIOD.first, time(), BERLIN).astimezone(UTC)
REGULARS = [f"1000{n:04d}" for n in range(12)]
# Every day before today is over and nobody who came on it is still inside: each is kept.
SETTLED = PERIOD.days(date(2026, 4, 5))


@dataclass(frozen=True)
class Seeded:
    location_id: int
    began: datetime
    ended: datetime | None
    reason: str | None
    source: str
    overridden: bool


@dataclass(frozen=True)
class Denied:
    location_id: int
    reason: str
    at: datetime


def seed(deps: Deps, clock: FakeClock) -> tuple[list[Seeded], list[Denied]]:
    """Visits at whole minutes (so the check below can count minute by minute), from three
    days before the period, so that some reach into it."""
    clock.now = NOW
    gym(deps)
    gym(deps, name="Harbour")
    maria = staff_accounts.add_staff(
        "maria",
        role="front_desk",
        password="a long staff password",
        display_name="Maria K",
        deps=deps,
    )
    for code in REGULARS:
        member(deps, code, f"Regular {code}", valid_until=date(2026, 12, 31))
    rng = random.Random(7)
    visits: list[Seeded] = []
    day = START - timedelta(days=3)
    while day < NOW:
        for _ in range(rng.randrange(3, 9)):
            began = day + timedelta(minutes=rng.randrange(0, 24 * 60))
            ended: datetime | None = began + timedelta(minutes=rng.randrange(5, 200))
            reason: str | None = rng.choice(("member", "member", "staff", "auto"))
            if began >= NOW:
                continue
            if ended is not None and ended > NOW:
                ended, reason = None, None  # still inside
            overridden = rng.random() < 0.1
            source = "staff" if overridden else rng.choice(("kiosk", "staff", "api", "cli"))
            visits.append(Seeded(rng.choice((1, 2)), began, ended, reason, source, overridden))
        day += timedelta(days=1)
    denied = [
        Denied(1 + n % 2, reason, NOW - timedelta(days=n * 2, hours=1))
        for n, reason in enumerate(["expired", "full", "unknown_code", "expired"] * 4)
    ]
    inside = [v for v in visits if v.ended is None]
    for n in range(len(inside)):
        member(deps, f"2000{n:04d}", f"Inside {n}")  # one open visit each
    with deps.engine.begin() as conn:
        ids = dict(conn.execute(sa.select(Member.member_code, Member.id)).all())
        closed = iter(range(10**6))
        still = iter(range(10**6))
        conn.execute(
            sa.insert(Visit.__table__),
            [
                {
                    "member_id": ids[
                        f"2000{next(still):04d}"
                        if v.ended is None
                        else REGULARS[next(closed) % len(REGULARS)]
                    ],
                    "location_id": v.location_id,
                    "checked_in_at": v.began,
                    "checked_out_at": v.ended,
                    "checkout_reason": v.reason,
                    "source": v.source,
                    "checked_in_by": maria.id if v.overridden else None,
                    "override_reason": "Card at home" if v.overridden else None,
                }
                for v in visits
            ],
        )
        conn.execute(
            sa.insert(DeniedAttempt.__table__),
            [
                {"code_tried": "99", "location_id": d.location_id, "reason": d.reason, "at": d.at}
                for d in denied
            ],
        )
    return visits, denied


def minutes_inside(visits: list[Seeded]) -> Counter[datetime]:
    """People inside at each minute of the period, counted minute by minute."""
    inside: Counter[datetime] = Counter()
    for visit in visits:
        moment = max(visit.began, START)
        while moment < min(visit.ended or NOW, NOW):
            inside[moment] += 1
            moment += timedelta(minutes=1)
    return inside


def expected_busiest(visits: list[Seeded]) -> list[list[float]]:
    """The average of people inside over every minute of each weekday's local hour."""
    inside = minutes_inside(visits)
    people, minutes = Counter[tuple[int, int]](), Counter[tuple[int, int]]()
    moment = START
    while moment < NOW:
        local = moment.astimezone(BERLIN)
        people[local.weekday(), local.hour] += inside[moment]
        minutes[local.weekday(), local.hour] += 1
        moment += timedelta(minutes=1)
    return [
        [people[d, h] / minutes[d, h] if minutes[d, h] else 0.0 for h in range(24)]
        for d in range(7)
    ]


def flat(table: list[list[float]]) -> list[float]:
    assert len(table) == 7 and {len(hours) for hours in table} == {24}
    return [value for hours in table for value in hours]


def kept_days(deps: Deps) -> list[tuple[int, date]]:
    with deps.engine.connect() as conn:
        query = sa.select(ReportDay.location_id, ReportDay.day)
        return list(conn.execute(query.order_by(ReportDay.location_id, ReportDay.day)).all())


def local_day_in_period(at: datetime) -> bool:
    return PERIOD.first <= at.astimezone(BERLIN).date() <= PERIOD.last


@pytest.mark.parametrize("location_id", [1, 2, None])
def test_every_figure_equals_an_independent_count(
    deps: Deps, clock: FakeClock, location_id: int | None
) -> None:
    visits, denied = seed(deps, clock)
    here = [v for v in visits if location_id in (None, v.location_id)]
    came = [v for v in here if local_day_in_period(v.began)]
    counted = reports.report(PERIOD, location_id, deps=deps)  # counts the days, keeps them
    counted_at = [1, 2] if location_id is None else [location_id]
    assert kept_days(deps) == [(n, day) for n in counted_at for day in SETTLED]
    report = reports.report(PERIOD, location_id, deps=deps)  # from the days kept
    assert report == counted

    assert report.location == {1: "Downtown", 2: "Harbour", None: None}[location_id]
    assert report.visits == len(came) > 20
    per_day = Counter(v.began.astimezone(BERLIN).date() for v in came)
    assert report.per_day == [(day, per_day[day]) for day in PERIOD.days(NOW.date())]
    assert len(report.per_day) == 22  # 16 March to 6 April, both included
    if location_id is None:  # every location: the sum of the people inside each
        each = [expected_busiest([v for v in visits if v.location_id == n]) for n in (1, 2)]
        expected = [[a + b for a, b in zip(*days, strict=True)] for days in zip(*each, strict=True)]
    else:
        expected = expected_busiest(here)
    assert flat(report.busiest) == pytest.approx(flat(expected), abs=1e-9)
    assert max(flat(report.busiest)) > 0.5
    stays = [
        int((v.ended - v.began).total_seconds()) // 60
        for v in here
        if v.ended and v.reason in ("member", "staff") and local_day_in_period(v.ended)
    ]
    assert report.stays.count == len(stays)
    seconds = sum(
        (v.ended - v.began).total_seconds()
        for v in here
        if v.ended and v.reason in ("member", "staff") and local_day_in_period(v.ended)
    )
    assert report.stays.average_minutes == pytest.approx(seconds / len(stays) / 60)
    assert report.stays.median_minutes == statistics.median(stays)
    assert report.by_source == dict(Counter(v.source for v in came))
    assert report.overrides == {"Maria K": sum(v.overridden for v in came)}
    assert report.denied == dict(
        Counter(
            d.reason
            for d in denied
            if location_id in (None, d.location_id) and local_day_in_period(d.at)
        )
    )


def test_a_day_is_kept_only_once_nothing_can_change_it(deps: Deps, clock: FakeClock) -> None:
    """Someone who came on 2 April and never checked out holds every day from then on: the
    sweep's check-out (dated when the longest stay ran out) changes them. The last hour
    before now is not kept either, nor are days kept for another time zone used."""
    visits, _ = seed(deps, clock)
    began = datetime(2026, 4, 2, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    member(deps, "30000001", "Forgot to check out")
    with deps.engine.begin() as conn:
        forgot = conn.scalar(sa.select(Member.id).where(Member.member_code == "30000001"))
        conn.execute(
            sa.insert(Visit.__table__),
            [{"member_id": forgot, "location_id": 1, "checked_in_at": began, "source": "kiosk"}],
        )
    reports.report(PERIOD, None, deps=deps)
    assert kept_days(deps) == [
        *[(1, day) for day in SETTLED if day < date(2026, 4, 2)],  # held from the 2nd
        *[(2, day) for day in SETTLED],
    ]
    assert sweep.auto_checkout(deps=deps)  # the sweep closes it, at 3:30 on the 3rd
    ended = began + deps.settings.max_stay
    after = reports.report(PERIOD, 1, deps=deps)
    assert [day for n, day in kept_days(deps) if n == 1] == SETTLED
    here = [v for v in visits if v.location_id == 1]
    closed = Seeded(1, began, ended, "auto", "kiosk", overridden=False)
    assert flat(after.busiest) == pytest.approx(flat(expected_busiest([*here, closed])), abs=1e-9)
    assert len(kept_days(deps)) == 2 * len(SETTLED)
    assert reports.forget_kept_days(deps=deps) == 2 * len(SETTLED)
    assert kept_days(deps) == []
    assert reports.report(PERIOD, 1, deps=deps) == after  # counted again: the same

    clock.now = datetime.combine(date(2026, 4, 6), time(), BERLIN) + timedelta(minutes=30)
    reports.report(PERIOD, 2, deps=deps)
    assert kept_days(deps)[-1] == (2, date(2026, 4, 4))  # the 5th ended only 30 minutes ago
    with deps.engine.begin() as conn:
        conn.execute(sa.update(Location).where(Location.id == 2).values(timezone="UTC"))
    in_utc = reports.report(PERIOD, 2, deps=deps)  # its days now begin at UTC's midnight
    utc_start = datetime.combine(PERIOD.first, time(), UTC)
    assert in_utc.visits == sum(
        1 for v in visits if v.location_id == 2 and utc_start <= v.began < clock.now
    )


def test_members_away_a_month_and_memberships_ending_soon(deps: Deps, clock: FakeClock) -> None:
    clock.now = NOW
    gym(deps)
    today = NOW.astimezone(deps.settings.zone).date()
    member(deps, "30000001", "Came yesterday", valid_until=date(2027, 1, 1))
    member(deps, "30000002", "Away 40 days", valid_until=date(2027, 1, 1))
    member(deps, "30000003", "Away 31 days", valid_until=today + timedelta(days=14))
    member(deps, "30000004", "Away but cancelled", status="cancelled")
    member(deps, "30000005", "Away but expired", valid_until=today - timedelta(days=1))
    member(deps, "30000006", "Never came", valid_until=today + timedelta(days=3))
    member(deps, "30000007", "Ends in 15 days", valid_until=today + timedelta(days=15))
    last_visits = {
        "30000001": NOW - timedelta(days=1),
        "30000002": NOW - timedelta(days=40),
        "30000003": NOW - timedelta(days=31),
        "30000004": NOW - timedelta(days=60),
        "30000005": NOW - timedelta(days=60),
    }
    with deps.engine.begin() as conn:
        for code, at in last_visits.items():
            conn.execute(
                sa.update(Member).where(Member.member_code == code).values(last_visit_at=at)
            )
        joined = NOW - timedelta(days=45)  # "never came" joined 45 days ago
        conn.execute(
            sa.update(Member).where(Member.member_code == "30000006").values(created_at=joined)
        )
    report = reports.report(PERIOD, None, deps=deps)
    assert [(m.member_code, m.at) for m in report.at_risk] == [
        ("30000003", last_visits["30000003"]),  # the most recently lapsed first
        ("30000002", last_visits["30000002"]),
        ("30000006", None),
    ]
    assert report.at_risk_total == 3
    assert [(m.member_code, m.on) for m in report.expiring] == [
        ("30000006", today + timedelta(days=3)),
        ("30000003", today + timedelta(days=14)),
    ]
    assert reports.at_risk_members(deps=deps) == report.at_risk


def test_a_period_is_whole_days_of_at_most_a_year_and_a_location_is_one_of_the_list() -> None:
    today = date(2026, 4, 6)
    assert report_period("", "", today) == ReportPeriod(date(2026, 3, 8), today)
    assert report_period("2026-01-01", "", today) == ReportPeriod(date(2026, 1, 1), today)
    assert report_period("", "2026-02-28", today) == ReportPeriod(
        date(2026, 1, 30), date(2026, 2, 28)
    )
    for first, last, field, said in [
        ("2026-13-01", "", "from", "YYYY-MM-DD"),
        ("2024-01-01", "2026-01-01", "from", "at most 366 days"),
        ("2026-04-07", "2026-04-30", "from", "not come yet"),
        ("2026-04-06", "2026-04-01", "to", "comes before"),
    ]:
        with pytest.raises(InvalidInput, match=said) as raised:
            report_period(first, last, today)
        assert raised.value.field == field
    assert location_choice("every", every="every") is None
    assert location_choice(" 2 ", every="every") == 2
    for wrong in ("-1", "x", "1" * 12, "²"):
        with pytest.raises(InvalidInput, match="from the list"):
            location_choice(wrong, every="every")


def test_a_location_that_does_not_exist_is_said_so(deps: Deps) -> None:
    gym(deps)
    with pytest.raises(NotFound, match="no such location") as raised:
        reports.report(PERIOD, 99, deps=deps)
    assert raised.value.field == "location"
