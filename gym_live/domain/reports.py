"""The owner's month at a glance (`/reports`): the period asked for, and the figures made
from what the database counts per quarter hour (busiest hours, visits per day, stays).

Why quarter hours: every time zone's offset is a whole number of them, so each quarter
lies in one local hour of one local day, on days of 23 or 25 hours too. The database
returns a few thousand rows for a year instead of every visit; the rest is arithmetic here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gym_live.domain.errors import InvalidInput
from gym_live.domain.visit_export import FIRST_DAY, period

QUARTER_SECONDS = 15 * 60
DAY_SECONDS = 24 * 3600
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = 24
# A period of more than a year is a different question (and a different chart).
LONGEST_DAYS = 366
# What the page shows when no days are given: the last four weeks and two days, to today.
DEFAULT_DAYS = 30
# Members who have not come for this long are "at risk".
AWAY_DAYS = 30


@dataclass(frozen=True)
class ReportPeriod:
    """Whole days, both included, in each location's own calendar."""

    first: date
    last: date

    def days(self, until: date) -> list[date]:
        """Every day of the period, up to `until` (no day to come has visits yet)."""
        last = min(self.last, until)
        return [self.first + timedelta(days=n) for n in range((last - self.first).days + 1)]


def report_period(first_day: str | None, last_day: str | None, today: date) -> ReportPeriod:
    """The days typed (YYYY-MM-DD; either may be empty): InvalidInput about the wrong one.

    Without a last day, the period ends today; without a first, it is DEFAULT_DAYS long.
    """
    typed = period(first_day, last_day)
    last = typed.last or max(today, typed.first or today)
    first = typed.first or last - timedelta(days=DEFAULT_DAYS - 1)
    if (last - first).days + 1 > LONGEST_DAYS:
        raise InvalidInput(
            f"A report covers at most {LONGEST_DAYS} days: choose a later first day.",
            field=FIRST_DAY,
        )
    if first > today:
        raise InvalidInput("That day has not come yet: choose one until today.", field=FIRST_DAY)
    return ReportPeriod(first, last)


LOCATION = "location"  # the field a wrong location is about


def location_choice(raw: str, *, every: str) -> int | None:
    """The location chosen (its id), or None for every location."""
    raw = raw.strip()
    if raw in ("", every):
        return None
    if not raw.isdecimal() or len(raw) > 9:
        raise InvalidInput("Choose a location from the list.", field=LOCATION)
    return int(raw)


@dataclass(frozen=True)
class Stays:
    """Finished stays (as the dashboard counts them: left by the member or the desk), by
    whole minutes."""

    by_minute: Mapping[int, int]
    seconds: int

    @property
    def count(self) -> int:
        return sum(self.by_minute.values())

    @property
    def average_minutes(self) -> float | None:
        return self.seconds / self.count / 60 if self.count else None

    @property
    def median_minutes(self) -> float | None:
        """The middle stay in whole minutes (the mean of the two middle ones if even)."""
        if not self.count:
            return None
        middle = [(self.count - 1) // 2, self.count // 2]
        found: list[int] = []
        seen = 0
        for minutes in sorted(self.by_minute):
            seen += self.by_minute[minutes]
            while middle and middle[0] < seen:
                middle.pop(0)
                found.append(minutes)
        return sum(found) / 2

    @staticmethod
    def added(parts: Iterable[Stays]) -> Stays:
        minutes: Counter[int] = Counter()
        seconds = 0
        for part in parts:
            minutes.update(part.by_minute)
            seconds += part.seconds
        return Stays(dict(minutes), seconds)


NO_STAYS = Stays({}, 0)


@dataclass(frozen=True)
class DayCounts:
    """One local day at one location, as the reports add days up. Nothing in it depends on
    who was inside when the day began, so a day counted once (and kept, see
    services.reports) adds up with days counted at any other time."""

    day: date
    arrivals: int
    net: int  # arrivals minus departures: who is inside when the next day begins follows
    # Per local hour of the day: (hour, people-seconds inside beyond those already inside
    # at midnight, the hour's seconds); an hour is there twice when the clocks go back.
    hours: tuple[tuple[int, int, int], ...]
    stays: Stays  # those that ended this day
    by_source: Mapping[str, int]  # the day's arrivals


@dataclass(frozen=True)
class QuarterCounts:
    """What the database counts for one location's days, per quarter hour since `origin`:
    arrivals and departures until `until`, each as (how many, their seconds since `origin`
    added up), and arrivals by source. Nothing else is needed to know the time spent
    inside in each quarter, so the database reads one time column per visit."""

    origin: datetime  # the first day's local midnight, in UTC
    until: datetime  # the midnight after the last day, or now when sooner
    zone: ZoneInfo  # the location's
    arrivals: Mapping[int, tuple[int, int]]
    departures: Mapping[int, tuple[int, int]]
    sources: Mapping[int, Mapping[str, int]]

    def days(self, stays: Mapping[date, Stays]) -> list[DayCounts]:
        """The local days, with the stays that ended on each.

        In a quarter, someone inside when it began counts for all of it; someone who came
        during it, from their arrival to its end; someone who left during it, minus the
        same.
        """
        length = max(0, int((self.until - self.origin).total_seconds()))
        tallies: list[_DayTally] = []
        for quarter, begins in enumerate(range(0, length, QUARTER_SECONDS)):
            local = (self.origin + timedelta(seconds=begins)).astimezone(self.zone)
            if not tallies or tallies[-1].day != local.date():
                tallies.append(_DayTally(local.date()))
            tally = tallies[-1]
            seconds = min(QUARTER_SECONDS, length - begins)
            ends = begins + seconds
            came, came_at = self.arrivals.get(quarter, (0, 0))
            went, went_at = self.departures.get(quarter, (0, 0))
            hour = tally.hours.setdefault(local.hour, [0, 0])
            hour[0] += tally.inside * seconds + (came * ends - came_at) - (went * ends - went_at)
            hour[1] += seconds
            tally.inside += came - went
            tally.arrivals += came
            tally.sources.update(self.sources.get(quarter, {}))
        return [tally.counts(stays.get(tally.day, NO_STAYS)) for tally in tallies]


@dataclass
class _DayTally:
    """A day being counted, quarter by quarter (`inside`: beyond those in at midnight)."""

    day: date
    arrivals: int = 0
    inside: int = 0
    hours: dict[int, list[int]] = field(default_factory=dict)
    sources: Counter[str] = field(default_factory=Counter)

    def counts(self, stays: Stays) -> DayCounts:
        hours = tuple((hour, people, seconds) for hour, (people, seconds) in self.hours.items())
        return DayCounts(self.day, self.arrivals, self.inside, hours, stays, dict(self.sources))


@dataclass(frozen=True)
class DayRun:
    """Consecutive local days of one length (86,400 s, or a single day of 23 or 25 hours),
    so the database can tell a moment's day by dividing."""

    first: date
    begins: datetime  # the first day's local midnight, in UTC
    days: int
    day_seconds: int

    @property
    def ends(self) -> datetime:
        return self.begins + timedelta(seconds=self.days * self.day_seconds)


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """When the day begins at a location, in UTC."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


def day_runs(first: date, last: date, zone: ZoneInfo) -> list[DayRun]:
    """The days from `first` to `last` (included) as few runs as the clock changes allow."""
    runs: list[DayRun] = []
    day = first
    while day <= last:
        begins = midnight(day, zone)
        seconds = int((midnight(day + timedelta(days=1), zone) - begins).total_seconds())
        run = runs[-1] if runs else None
        if run and run.day_seconds == seconds == DAY_SECONDS and run.ends == begins:
            runs[-1] = DayRun(run.first, run.begins, run.days + 1, seconds)
        else:
            runs.append(DayRun(day, begins, 1, seconds))
        day += timedelta(days=1)
    return runs


# A day is kept once it ended this long ago (a check-in's clock is read a moment before its
# commit) and nobody who came before its end is still inside: no visit can change it then.
SETTLED_AFTER = timedelta(hours=1)


def settled_until(now: datetime, earliest_open: datetime | None) -> datetime:
    """Days that end by this moment can no longer change: every visit that began before is
    over (its departure fixed), and none can still begin then. (Visits are written with
    the moment of the check-in; history written behind the app's back, such as a restore,
    means the kept days must be deleted: see services.reports.)"""
    cutoff = now - SETTLED_AFTER
    return cutoff if earliest_open is None else min(cutoff, earliest_open)


def busiest_hours(days: Iterable[DayCounts], inside_at_origin: int) -> list[list[float]]:
    """Average people inside per weekday (Monday first) and local hour: the time inside in
    those hours over the days (consecutive, from the period's first), divided by the
    length of those hours."""
    people = [[0] * HOURS for _ in WEEKDAYS]
    seconds = [[0] * HOURS for _ in WEEKDAYS]
    inside = inside_at_origin
    for day in days:
        weekday = day.day.weekday()
        for hour, beyond, length in day.hours:
            people[weekday][hour] += beyond + inside * length
            seconds[weekday][hour] += length
        inside += day.net
    return [
        [people[d][h] / seconds[d][h] if seconds[d][h] else 0.0 for h in range(HOURS)]
        for d in range(len(WEEKDAYS))
    ]


def summed(rows: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Counts by key, added across locations."""
    total: dict[str, float] = {}
    for row in rows:
        for key, count in row.items():
            total[key] = total.get(key, 0) + count
    return total


@dataclass(frozen=True)
class MemberLine:
    """A member in a report's list: at risk (`at` their last visit, or None), or expiring
    (`on` the membership's last day)."""

    member_code: str
    name: str
    at: datetime | None = None
    on: date | None = None


@dataclass(frozen=True)
class Report:
    period: ReportPeriod
    location: str | None  # None: every location
    visits: int
    per_day: list[tuple[date, int]]
    busiest: list[list[float]]
    stays: Stays
    by_source: dict[str, int]
    denied: dict[str, int]
    overrides: dict[str, int]  # by the staff member's name
    at_risk: list[MemberLine]
    at_risk_total: int
    expiring: list[MemberLine]
