"""The one definition of a location's numbers: its day, its hours, and what they add up to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gym_live.domain.checkin import CheckoutReason

HOURS_IN_DAY = 24
# Stays that count towards the average: ended by the member or staff, not guessed.
COUNTED_STAYS = (CheckoutReason.MEMBER.value, CheckoutReason.STAFF.value)


@dataclass(frozen=True)
class DayWindow:
    """A location's calendar day as a half-open UTC interval [start, end)."""

    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Stats:
    inside_now: int
    checkins_today: int
    avg_stay_minutes: float | None
    peak_today: int
    hourly_checkins: tuple[int, ...]
    capacity: int
    capacity_used_pct: int
    day: date
    as_of: datetime

    def to_dict(self) -> dict[str, object]:
        """Stable keys for JSON output (CLI, tests, the dashboard)."""
        return {
            "inside_now": self.inside_now,
            "checkins_today": self.checkins_today,
            "avg_stay_minutes": self.avg_stay_minutes,
            "peak_today": self.peak_today,
            "hourly_checkins": list(self.hourly_checkins),
            "capacity": self.capacity,
            "capacity_used_pct": self.capacity_used_pct,
            "day": self.day.isoformat(),
            "as_of": self.as_of.isoformat(),
        }


def day_window(now: datetime, zone: ZoneInfo) -> DayWindow:
    """Today at the location, from local midnight to the next local midnight (DST-aware)."""
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return DayWindow(day=day, start=start.astimezone(now.tzinfo), end=end.astimezone(now.tzinfo))


@dataclass(frozen=True)
class DayCounts:
    """What the database counts for a location's day; `stats_from` turns it into the numbers.

    Counting happens in the database, so reading the numbers costs the same at the first
    visit of the day and at the ten-thousandth.
    """

    inside_now: int
    # Check-ins per local hour of the day, 0-23.
    hourly_checkins: tuple[int, ...]
    # Stays that ended today by a person's action (auto check-outs are guesses).
    stays_ended: int
    stay_minutes_total: float
    # The most people inside at once since local midnight (`peak_of`).
    peak: int


def stats_from(counts: DayCounts, *, capacity: int, window: DayWindow, now: datetime) -> Stats:
    inside = counts.inside_now
    return Stats(
        inside_now=inside,
        checkins_today=sum(counts.hourly_checkins),
        avg_stay_minutes=(
            round(counts.stay_minutes_total / counts.stays_ended, 1) if counts.stays_ended else None
        ),
        peak_today=max(counts.peak, inside),
        hourly_checkins=counts.hourly_checkins,
        capacity=capacity,
        capacity_used_pct=round(100 * inside / capacity) if capacity else 0,
        day=window.day,
        as_of=now,
    )


def peak_of(inside_at_start: int, highest_rise: int | None) -> int:
    """The day's peak: the people inside at local midnight, plus the highest rise above
    them since (a day that began with departures never rose: the peak was midnight)."""
    return inside_at_start + max(0, highest_rise or 0)


QUARTER_SECONDS = 15 * 60


@dataclass(frozen=True)
class Settled:
    """A day's check-ins per quarter hour and its counted stays, from the day's start
    `until` a quarter-hour boundary: quarters the app no longer writes into, as it stamps
    every check-in and every counted check-out with the moment it happens."""

    start: datetime
    until: datetime
    quarters: dict[int, int]
    stays_ended: int
    stay_minutes_total: float

    @classmethod
    def nothing(cls, window: DayWindow) -> Settled:
        return cls(window.start, window.start, {}, 0, 0.0)

    def then(
        self, until: datetime, quarters: dict[int, int], stays: int, minutes: float
    ) -> Settled:
        """These counts, and the next part's, from `self.until` to `until`."""
        added = dict(self.quarters)
        for quarter, count in quarters.items():
            added[quarter] = added.get(quarter, 0) + count
        return Settled(
            self.start, until, added, self.stays_ended + stays, self.stay_minutes_total + minutes
        )


def settled_until(window: DayWindow, now: datetime, grace: timedelta) -> datetime:
    """The last quarter-hour boundary of the day at least `grace` before `now` (at least the
    day's start): a check-in stamped before it has committed, or failed, by now."""
    elapsed = (now - grace - window.start).total_seconds()
    quarters = max(0, int(elapsed // QUARTER_SECONDS))
    return min(window.start + timedelta(seconds=quarters * QUARTER_SECONDS), window.end)


def hourly_from_quarters(
    per_quarter: dict[int, int], window: DayWindow, zone: ZoneInfo
) -> tuple[int, ...]:
    """Check-ins per local hour, from counts per quarter hour since local midnight.

    Every zone's offset is a whole number of quarter hours, so each quarter lies in one
    local hour, including on days with 23 or 25 hours.
    """
    hourly = [0] * HOURS_IN_DAY
    for quarter, count in per_quarter.items():
        moment = window.start + timedelta(seconds=quarter * QUARTER_SECONDS)
        hourly[moment.astimezone(zone).hour] += count
    return tuple(hourly)
