"""A day to count stats on, and the stable keys of a location's stats (`Stats.to_dict`, the
CLI's `stats --json`)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)  # 18:00 in Berlin


def at(hour: int, minute: int = 0, day: int = 14) -> datetime:
    """A Berlin wall-clock time in January 2026, as UTC."""
    return datetime(2026, 1, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


STATS_KEYS = frozenset(
    {
        "inside_now",
        "checkins_today",
        "avg_stay_minutes",
        "peak_today",
        "hourly_checkins",
        "capacity",
        "capacity_used_pct",
        "day",
        "as_of",
    }
)
