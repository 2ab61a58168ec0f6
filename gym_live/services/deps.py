"""What every use case needs, passed explicitly so tests can build it from their own parts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from gym_live.adapters.bus import EventBus, create_bus
from gym_live.adapters.db import get_engine
from gym_live.adapters.photos import PhotoStore
from gym_live.settings import Settings, get_settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    engine: Engine
    bus: EventBus
    settings: Settings
    clock: Callable[[], datetime] = field(default=utc_now)

    def today(self) -> date:
        """Today in the gym's own time zone (memberships end on its days)."""
        return self.clock().astimezone(self.settings.zone).date()

    def photos(self) -> PhotoStore:
        """Where member photos are kept (GYM_PHOTO_DIR)."""
        return PhotoStore(Path(self.settings.photo_dir))


@functools.cache
def app_deps() -> Deps:
    """The process's dependencies, built from the environment on first use."""
    settings = get_settings()
    return Deps(
        engine=get_engine(settings.database_url),
        bus=create_bus(settings.redis_url),
        settings=settings,
    )
