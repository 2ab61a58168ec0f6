"""The one definition of a location's numbers, computed from the visits that touch today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gym_live.domain.checkin import CheckoutReason

HOURS_IN_DAY = 24
_COUNTED_STAYS = frozenset({CheckoutReason.MEMBER.value, CheckoutReason.STAFF.value})


@dataclass(frozen=True)
class VisitSpan:
    checked_in_at: datetime
    checked_out_at: datetime | None
    checkout_reason: str | None


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


def compute_stats(spans: list[VisitSpan], *, capacity: int, zone: ZoneInfo, now: datetime) -> Stats:
    """Compute the numbers from every visit open now or begun or ended today.

    The caller passes only visits that overlap today, so the cost follows today's traffic,
    never the years of history behind it.
    """
    window = day_window(now, zone)
    inside = [s for s in spans if s.checked_in_at <= now and _open_at(s, now)]
    today_in = [s for s in spans if window.start <= s.checked_in_at < window.end]
    hourly = [0] * HOURS_IN_DAY
    for span in today_in:
        hourly[span.checked_in_at.astimezone(zone).hour] += 1
    return Stats(
        inside_now=len(inside),
        checkins_today=len(today_in),
        avg_stay_minutes=_average_stay(spans, window),
        peak_today=_peak(spans, window.start, now),
        hourly_checkins=tuple(hourly),
        capacity=capacity,
        capacity_used_pct=round(100 * len(inside) / capacity) if capacity else 0,
        day=window.day,
        as_of=now,
    )


def _open_at(span: VisitSpan, moment: datetime) -> bool:
    return span.checked_out_at is None or span.checked_out_at > moment


def _average_stay(spans: list[VisitSpan], window: DayWindow) -> float | None:
    """Mean stay of visits that ended today by a person's action (auto check-outs are guesses)."""
    stays = [
        (s.checked_out_at - s.checked_in_at).total_seconds() / 60
        for s in spans
        if s.checked_out_at is not None
        and s.checkout_reason in _COUNTED_STAYS
        and window.start <= s.checked_out_at < window.end
    ]
    return round(sum(stays) / len(stays), 1) if stays else None


def _peak(spans: list[VisitSpan], start: datetime, now: datetime) -> int:
    """Highest number of people inside at once between local midnight and now."""
    occupancy = sum(1 for s in spans if s.checked_in_at < start and _open_at(s, start))
    changes: list[tuple[datetime, int]] = []
    for span in spans:
        if start <= span.checked_in_at <= now:
            changes.append((span.checked_in_at, 1))
        if span.checked_out_at is not None and start <= span.checked_out_at <= now:
            changes.append((span.checked_out_at, -1))
    peak = occupancy
    for _, delta in sorted(changes):  # at equal times a departure sorts before an arrival
        occupancy += delta
        peak = max(peak, occupancy)
    return peak
