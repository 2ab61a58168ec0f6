"""Typed settings read from the environment, built lazily so importing never does I/O."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from gym_live.domain.errors import ConfigError
from gym_live.domain.locations import is_time_zone

DEFAULT_DATABASE_URL = "sqlite:///gym_live.db"


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment, validated once."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    timezone: str = "UTC"
    max_stay: timedelta = timedelta(hours=4)
    rescan_window: timedelta = timedelta(seconds=60)
    reconcile_interval: timedelta = timedelta(seconds=5)
    sweep_interval: timedelta = timedelta(seconds=60)
    demo_location: str = "Downtown"
    # Where member photos are kept: a folder the web server does not serve (a volume in
    # production, backed up with the database).
    photo_dir: str = "photos"
    # Origins (scheme://host[:port]) besides the app's own whose pages may open its WebSocket.
    allowed_origins: tuple[str, ...] = ()
    # Calls a second each API key may make to one instance (twice that in a burst).
    api_rate: float = 10.0

    @property
    def zone(self) -> ZoneInfo:
        """The gym's own time zone: its "today" for memberships and the audit's days."""
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; raise ConfigError on a bad value."""
        timezone = env.get("GYM_TIMEZONE", "UTC")
        if not is_time_zone(timezone):
            raise ConfigError(f"GYM_TIMEZONE={timezone!r} is not an IANA time zone")
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            redis_url=env.get("REDIS_URL") or None,
            timezone=timezone,
            max_stay=_seconds(env, "GYM_MAX_STAY", 4 * 3600),
            rescan_window=_seconds(env, "GYM_RESCAN_WINDOW", 60),
            reconcile_interval=_seconds(env, "GYM_RECONCILE_INTERVAL", 5),
            sweep_interval=_seconds(env, "GYM_SWEEP_INTERVAL", 60),
            demo_location=env.get("GYM_DEMO_LOCATION", "Downtown"),
            photo_dir=env.get("GYM_PHOTO_DIR") or "photos",
            api_rate=_per_second(env, "GYM_API_RATE", 10.0),
            allowed_origins=tuple(
                origin.strip()
                for origin in env.get("GYM_ALLOWED_ORIGINS", "").split(",")
                if origin.strip()
            ),
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> timedelta:
    """Read a duration in seconds; a suffix of s, m or h is accepted (e.g. 4h, 90s)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return timedelta(seconds=default)
    scale = {"s": 1, "m": 60, "h": 3600}.get(raw[-1], 1)
    number = raw[:-1] if raw[-1] in "smh" else raw
    try:
        seconds = float(number) * scale
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise ConfigError(f"{name}={raw!r} must be a positive number of seconds (or 30m, 4h)")
    return timedelta(seconds=seconds)


def _per_second(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        rate = float(raw) if raw else default
    except ValueError:
        rate = -1.0
    if not 0 < rate < float("inf"):
        raise ConfigError(f"{name}={raw!r} must be a positive number (calls a second)")
    return rate


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read from os.environ on first use."""
    return Settings.from_env(os.environ)
