"""Pauses after a burst: a kiosk guessing card numbers, a username guessing passwords."""

from __future__ import annotations

from datetime import datetime, timedelta


def burst_pause_until(
    times: list[datetime], now: datetime, *, count: int, window: timedelta, pause: timedelta
) -> datetime | None:
    """When `count` events came within `window`, pause for `pause` from the last of them.

    Returns the end of the latest such pause, or None when it has ended (or never began).
    """
    ordered = sorted(times)
    ends = [
        ordered[i] + pause
        for i in range(count - 1, len(ordered))
        if ordered[i] - ordered[i - count + 1] <= window
    ]
    latest = max(ends, default=None)
    return latest if latest is not None and latest > now else None
