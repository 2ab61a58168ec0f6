"""Fakes of our own interfaces: a clock tests move by hand, a bus that records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gym_live.domain.events import GymEvent

# 10:00 in Berlin on a winter weekday: far from midnight and from DST changes.
DEFAULT_NOW = datetime(2026, 1, 14, 9, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    now: datetime = DEFAULT_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class RecordingBus:
    """Our bus interface, recording what services publish (the memory bus is tested alone)."""

    events: list[GymEvent] = field(default_factory=list)
    delayed: bool = False
    dropped: int = 0
    failed: int = 0

    def publish(self, event: GymEvent) -> None:
        self.events.append(event)

    def flush(self, timeout: float) -> bool:
        return True

    async def subscribe(self):  # pragma: no cover - services never subscribe
        raise NotImplementedError
        yield
