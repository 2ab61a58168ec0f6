"""Pauses after a burst (a kiosk guessing card numbers, a username guessing passwords), and
rate limits (a session flooding the feed)."""

from __future__ import annotations

from collections import OrderedDict, deque
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


class RateLimit:
    """At most `count` actions per `window` seconds for each key (a session, a door).

    Keys not seen for a while fall out once `keys` are held, so memory stays bounded.
    """

    def __init__(self, count: int, window: float, *, keys: int = 10_000) -> None:
        self.count, self.window, self._keys = count, window, keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str, now: float) -> bool:
        """Count an action at `now` unless the key has used up its window; True if allowed."""
        times = self._times.setdefault(key, deque())
        self._times.move_to_end(key)
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.count:
            return False
        times.append(now)
        if len(self._times) > self._keys:
            self._times.popitem(last=False)
        return True
