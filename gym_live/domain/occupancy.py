"""How busy a location is, in words a member can plan by, and the usual for the hour."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# "Usual" is read from this many past weeks: the same weekday, the same time of day.
USUAL_WEEKS = 8
# Shares of capacity where the level changes.
MODERATE_FROM, BUSY_FROM = 0.35, 0.7


class BusyLevel(StrEnum):
    QUIET = "quiet"
    MODERATE = "moderate"
    BUSY = "busy"
    FULL = "full"


def busy_level(inside: float, capacity: int) -> BusyLevel:
    """Full at capacity; busy from 70 %, moderate from 35 %, else quiet."""
    if capacity <= 0 or inside >= capacity:
        return BusyLevel.FULL
    share = inside / capacity
    if share >= BUSY_FROM:
        return BusyLevel.BUSY
    return BusyLevel.MODERATE if share >= MODERATE_FROM else BusyLevel.QUIET


def usual_moments(now: datetime, zone: ZoneInfo) -> list[datetime]:
    """The middle of this local hour on each of the last USUAL_WEEKS same weekdays (UTC).

    Each is built from its own local date, so a week that crossed a DST change still asks
    for the same wall-clock time.
    """
    local = now.astimezone(zone)
    middle = time(local.hour, 30)
    return [
        datetime.combine(local.date() - timedelta(weeks=week), middle, tzinfo=zone).astimezone(
            now.tzinfo
        )
        for week in range(1, USUAL_WEEKS + 1)
    ]
