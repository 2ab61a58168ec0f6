"""The owner's month at a glance (`/reports`): the period asked for, and the figures made
from what the database counts per quarter hour (busiest hours, visits per day, stays).

Why quarter hours: every time zone's offset is a whole number of them, so each quarter
lies in one local hour of one local day, on days of 23 or 25 hours too. The database
returns a few thousand rows for a year instead of every visit; the rest is arithmetic here.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from gym_live.domain.errors import InvalidInput
from gym_live.domain.visit_export import FIRST_DAY, period

QUARTER_SECONDS = 15 * 60
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
class QuarterCounts:
    """What the database counts for one location's period, per quarter hour since `origin`:
    the people inside at `origin`, then arrivals and departures until `until`, each as
    (how many, their seconds since `origin` added up). Nothing else is needed to know the
    time spent inside in each quarter, so the database reads one time column per visit."""

    origin: datetime  # the period's first local midnight, in UTC
    until: datetime  # its end: the midnight after its last day, or now when sooner
    zone: ZoneInfo  # the location's
    inside_at_origin: int
    arrivals: Mapping[int, tuple[int, int]]
    departures: Mapping[int, tuple[int, int]]

    @property
    def length(self) -> int:
        return max(0, int((self.until - self.origin).total_seconds()))

    def quarter_lengths(self) -> list[int]:
        """Each quarter's seconds: all of them, but the last may be cut at `until`."""
        length = self.length
        return [
            min(QUARTER_SECONDS, length - begins) for begins in range(0, length, QUARTER_SECONDS)
        ]

    def seconds_inside(self) -> list[int]:
        """People-seconds inside in each quarter (two people for a whole quarter: 1,800).

        Someone inside when the quarter began counts for all of it; someone who came during
        it, from their arrival to its end; someone who left during it, minus the same.
        """
        inside, seconds = self.inside_at_origin, []
        for quarter, length in enumerate(self.quarter_lengths()):
            ends = quarter * QUARTER_SECONDS + length
            came, came_at = self.arrivals.get(quarter, (0, 0))
            went, went_at = self.departures.get(quarter, (0, 0))
            seconds.append(inside * length + (came * ends - came_at) - (went * ends - went_at))
            inside += came - went
        return seconds

    @functools.cached_property
    def local_moments(self) -> list[datetime]:
        """Where each quarter begins on the location's clocks."""
        return [
            (self.origin + timedelta(seconds=begins)).astimezone(self.zone)
            for begins in range(0, self.length, QUARTER_SECONDS)
        ]


def busiest_hours(counts: QuarterCounts) -> list[list[float]]:
    """Average people inside per weekday (Monday first) and local hour: the time inside in
    those hours over the period, divided by the length of those hours (cut at `until`)."""
    people = [[0.0] * HOURS for _ in WEEKDAYS]
    seconds = [[0] * HOURS for _ in WEEKDAYS]
    for moment, inside, length in zip(
        counts.local_moments, counts.seconds_inside(), counts.quarter_lengths(), strict=True
    ):
        day, hour = moment.weekday(), moment.hour
        people[day][hour] += inside
        seconds[day][hour] += length
    return [
        [people[d][h] / seconds[d][h] if seconds[d][h] else 0.0 for h in range(HOURS)]
        for d in range(len(WEEKDAYS))
    ]


def visits_per_day(counts: QuarterCounts) -> dict[date, int]:
    moments, per_day = counts.local_moments, Counter[date]()
    for quarter, (arrived, _) in counts.arrivals.items():
        per_day[moments[quarter].date()] += arrived
    return dict(per_day)


def summed(rows: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Counts by key, added across locations."""
    total: dict[str, float] = {}
    for row in rows:
        for key, count in row.items():
            total[key] = total.get(key, 0) + count
    return total


@dataclass(frozen=True)
class Stays:
    """Finished stays of the period (as the dashboard counts them: left by the member or
    the desk), by whole minutes."""

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

    def plus(self, other: Stays) -> Stays:
        minutes = dict(self.by_minute)
        for stay, count in other.by_minute.items():
            minutes[stay] = minutes.get(stay, 0) + count
        return Stays(minutes, self.seconds + other.seconds)


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
